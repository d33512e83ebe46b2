import { createHash, randomBytes, randomUUID } from "node:crypto";
import { expect, it } from "@jest/globals";
import { crc64Decimal, type WriteResult } from "@stowage/core";
import type { FaultContext } from "../fault-context.js";
import { collect, sha256, streamToBuffer } from "../fixtures.js";

const KiB = 1024;

/** Asserts the write result carries the checksum of `data` the provider reports. */
function expectChecksum(ctx: FaultContext, result: WriteResult, data: Buffer, multipart: boolean): void {
  if (ctx.options.checksum === "crc64") expect(result.crc64).toBe(crc64Decimal(data));
  else if (!multipart) expect(result.etag).toBe(`"${createHash("md5").update(data).digest("hex")}"`);
}

/** Registers the cases where retriable faults must be retried until the data lands intact. */
export function registerRecoverFaultCases(ctx: FaultContext): void {
  const throttle = ctx.options.throttleName ?? "throttling";
  const writeFaults: Array<[string, { kind: string; count: number } & Record<string, unknown>]> = [
    ["500 on PUT", { kind: "status", status: 500, operation: "PutObject", count: 2 }],
    ["503 on PUT", { kind: "status", status: 503, operation: "PutObject", count: 2 }],
    [`${throttle} on PUT`, { kind: "throttle", operation: "PutObject", count: 3 }],
    ["a reset mid-upload", { kind: "reset", operation: "PutObject", count: 2 }],
    ["a delayed answer", { kind: "delay", ms: 20, operation: "PutObject", count: 1 }],
  ];
  it.each(writeFaults)("write survives %s", async (_name, rule) => {
    const store = ctx.store;
    ctx.faults(rule);
    const data = randomBytes(300 * KiB);
    const path = `w/${randomUUID()}`;
    expectChecksum(ctx, await store.write(path, data), data, false);
    expect(ctx.fired()).toEqual([rule.count]);
    ctx.faults();
    expect(sha256(await store.read(path))).toBe(sha256(data));
    await store.delete(path);
  });

  it("read and stat survive 5xx, throttling and body-less HEAD failures", async () => {
    const store = ctx.store;
    const data = randomBytes(200 * KiB);
    const path = `r/${randomUUID()}`;
    await store.write(path, data);
    ctx.faults(
      { kind: "status", operation: "GetObject", count: 1 },
      { kind: "throttle", operation: "GetObject", count: 1 },
      { kind: "status", status: 503, operation: "HeadObject", count: 2 },
    );
    expect(sha256(await store.read(path))).toBe(sha256(data));
    expect((await store.stat(path)).size).toBe(data.length);
    expect(ctx.fired()).toEqual([1, 1, 2]);
    await store.delete(path);
  });

  it("a reset or truncated read body is resumed and the bytes verify", async () => {
    const store = ctx.store;
    const data = randomBytes(512 * KiB);
    const path = `r/${randomUUID()}`;
    await store.write(path, data);
    const rules = [
      { kind: "reset", operation: "GetObject", afterBytes: 100_000, count: 1 },
      { kind: "truncate", operation: "GetObject", count: 1 },
    ];
    for (const rule of rules) {
      ctx.emulator.resetStats();
      ctx.faults(rule);
      const progress: number[] = [];
      const stream = store.createReadStream(path, { onProgress: (p: { bytes: number }) => progress.push(p.bytes) });
      expect(sha256(await streamToBuffer(stream))).toBe(sha256(data));
      expect(ctx.fired()).toEqual([1]);
      expect(ctx.emulator.stats().byOperation["GetObject"]).toBe(2);
      expect(progress.every((bytes, i) => i === 0 || bytes >= progress[i - 1]!)).toBe(true);
      expect(progress.at(-1)).toBe(data.length);
    }
    // A ranged read resumes within its range.
    ctx.faults({ kind: "reset", operation: "GetObject", afterBytes: 50_000, count: 1 });
    expect(sha256(await store.read(path, { offset: 1000, size: 300_000 }))).toBe(sha256(data.subarray(1000, 301_000)));
    expect(ctx.fired()).toEqual([1]);
    ctx.faults();
    await store.delete(path);
  });

  it("multipart write survives failed parts, a reset part upload, a throttled initiate and a failed complete", async () => {
    const store = ctx.store;
    ctx.faults(
      { kind: "status", operation: "UploadPart", count: 2 },
      { kind: "reset", operation: "UploadPart", skip: 1, count: 1 },
      { kind: "throttle", operation: "InitiateMultipartUpload", count: 1 },
      { kind: "status", status: 500, operation: "CompleteMultipartUpload", count: 1 },
    );
    const data = randomBytes(ctx.options.multipart.size);
    const path = `m/${randomUUID()}`;
    const result = await store.write(path, data);
    expect(result.parts).toBe(ctx.options.multipart.parts);
    expectChecksum(ctx, result, data, true);
    expect(ctx.fired()).toEqual([2, 1, 1, 1]);
    ctx.faults();
    expect(sha256(await store.read(path))).toBe(sha256(data));
    await store.delete(path);
  });

  it("list, copy, batch delete and append survive throttling and 5xx", async () => {
    const store = ctx.store;
    const data = randomBytes(1000);
    const src = `c/${randomUUID()}`;
    const dst = `c/${randomUUID()}`;
    await store.write(src, data);
    ctx.faults(
      { kind: "throttle", operation: "CopyObject", count: 1 },
      { kind: "status", status: 500, operation: "ListObjects", count: 1 },
      { kind: "status", status: 503, operation: "DeleteObjects", count: 1 },
      { kind: "throttle", operation: "AppendObject", count: 1 },
    );
    await store.copy(src, dst);
    expect(sha256(await store.read(dst))).toBe(sha256(data));
    const listed = (await collect(store.list("c/", { mode: "prefix" }))).map((o) => o.path);
    expect(listed.sort()).toEqual([src, dst].sort());
    const log = await store.createAppend(`c/${randomUUID()}`);
    await store.writeAppend(log, Buffer.from("appended"));
    expect((await store.read(log.path)).toString()).toBe("appended");
    await store.deleteMany([src, dst, log.path]);
    expect(ctx.fired()).toEqual([1, 1, 1, 1]);
    expect(await ctx.exists(src)).toBe(false);
  });

  it.each([3600, -3600])("corrects a clock skewed by %i s from the server's Date (also on body-less HEAD answers)", async (seconds) => {
    const path = `s/${randomUUID()}`;
    const skewed = ctx.open(`&max_retries=0${ctx.options.skewPairs ?? ""}`);
    ctx.faults({ kind: "clock-skew", seconds });
    await expect(skewed.stat(path)).rejects.toMatchObject({ code: "ObjectNotExist" });
    await skewed.write(path, "on time");
    expect((await skewed.read(path)).toString()).toBe("on time");
    await skewed.delete(path);
  });
}
