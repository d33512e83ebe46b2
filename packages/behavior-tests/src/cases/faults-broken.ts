import { randomBytes, randomUUID } from "node:crypto";
import { expect, it } from "@jest/globals";
import { isStorageError } from "@stowage/core";
import type { FaultContext } from "../fault-context.js";
import { sha256 } from "../fixtures.js";

/** Registers the cases where a broken transfer must end in a typed error and leave nothing bad behind. */
export function registerBrokenFaultCases(ctx: FaultContext): void {
  const crc64 = ctx.options.checksum === "crc64";
  const check = crc64 ? "CRC64" : "the MD5 ETag";
  const itCrc64 = (name: string, fn: () => Promise<void>): void => {
    if (crc64) it(name, fn);
  };

  it(`a flipped byte on read${crc64 ? " or a wrong CRC64" : ""}, also in a resumed piece, is an IntegrityMismatch; a body reset on every try gives up typed`, async () => {
    const store = ctx.store;
    const data = randomBytes(512 * 1024);
    const path = `b/${randomUUID()}`;
    await store.write(path, data);
    ctx.faults({ kind: "flip-byte", operation: "GetObject", count: 1 });
    expect(await ctx.code(store.read(path))).toBe("IntegrityMismatch");
    if (crc64) {
      ctx.faults({ kind: "wrong-crc64", operation: "GetObject", count: 1 });
      expect(await ctx.code(store.read(path))).toBe("IntegrityMismatch");
    }
    // The whole-object CRC64 (QingStor: the MD5 of a single-PUT object) covers every piece of a resumed read.
    ctx.faults({ kind: "reset", operation: "GetObject", afterBytes: 100_000, count: 1 }, { kind: "flip-byte", operation: "GetObject", skip: 1, count: 1 });
    const spliced = await store.read(path).catch((x: unknown) => x);
    expect(isStorageError(spliced, "IntegrityMismatch")).toBe(true);
    expect((spliced as Error).message).toMatch(crc64 ? /crc64 mismatch/ : /md5 mismatch/);
    expect(ctx.fired()).toEqual([1, 1]);
    // Each try delivers at most 100 000 bytes: the first read and its 3 resumes (max_retries=3) cannot finish 512 KiB.
    ctx.faults({ kind: "reset", operation: "GetObject", afterBytes: 100_000 });
    const e = await store.read(path).catch((x: unknown) => x);
    expect(isStorageError(e, "ServiceInternal")).toBe(true);
    expect((e as { op?: string }).op).toBe("read");
    expect(ctx.fired()).toEqual([4]);
    ctx.faults();
    expect(sha256(await store.read(path))).toBe(sha256(data));
    await store.delete(path);
  });

  it(`a byte corrupted in storage on PUT is caught by ${check} and the object removed`, async () => {
    const path = `b/${randomUUID()}`;
    ctx.faults({ kind: "flip-byte", operation: "PutObject", count: 1 });
    expect(await ctx.code(ctx.store.write(path, randomBytes(4096)))).toBe("IntegrityMismatch");
    ctx.faults();
    expect(await ctx.exists(path)).toBe(false);
  });

  itCrc64("a wrong CRC64 on PUT fails the write and leaves nothing behind", async () => {
    const path = `b/${randomUUID()}`;
    ctx.faults({ kind: "wrong-crc64", operation: "PutObject", count: 1 });
    expect(await ctx.code(ctx.store.write(path, randomBytes(4096)))).toBe("IntegrityMismatch");
    ctx.faults();
    expect(await ctx.exists(path)).toBe(false);
  });

  it("a part corrupted once is sent again and the object stored whole; corrupted on every try, the upload is aborted: no object, no upload left", async () => {
    const prefix = `b/${randomUUID()}/`;
    const path = `${prefix}obj`;
    const data = randomBytes(ctx.options.twoPartSize);
    ctx.faults({ kind: "flip-byte", operation: "UploadPart", skip: 1, count: 1 });
    const code = await ctx.code(ctx.store.write(path, data));
    ctx.faults();
    // A service that checks Content-MD5 refuses the part (IntegrityMismatch); one that stores it
    // answers with another CRC-64, and the part is sent again.
    if (code === "no error") expect((await ctx.store.read(path)).equals(data)).toBe(true);
    else expect(code).toBe("IntegrityMismatch");
    await ctx.store.delete(path);

    ctx.faults({ kind: "flip-byte", operation: "UploadPart", skip: 1 });
    expect(await ctx.code(ctx.store.write(path, data))).toBe("IntegrityMismatch");
    ctx.faults();
    expect(await ctx.exists(path)).toBe(false);
    expect(await ctx.uploadsUnder(prefix)).toEqual([]);
  });

  it("a reset on every try of a part gives up with ServiceInternal, aborting the upload", async () => {
    const prefix = `b/${randomUUID()}/`;
    const path = `${prefix}obj`;
    ctx.faults({ kind: "reset", operation: "UploadPart", skip: 1 });
    const e = await ctx.store.write(path, randomBytes(ctx.options.twoPartSize)).catch((x: unknown) => x);
    expect(isStorageError(e, "ServiceInternal")).toBe(true);
    ctx.faults();
    expect(await ctx.exists(path)).toBe(false);
    expect(await ctx.uploadsUnder(prefix)).toEqual([]);
  });

  itCrc64("a wrong CRC64 on complete discards the completed object", async () => {
    const path = `b/${randomUUID()}`;
    ctx.faults({ kind: "wrong-crc64", operation: "CompleteMultipartUpload", count: 1 });
    expect(await ctx.code(ctx.store.write(path, randomBytes(ctx.options.twoPartSize)))).toBe("IntegrityMismatch");
    ctx.faults();
    expect(await ctx.exists(path)).toBe(false);
  });

  itCrc64("a wrong CRC64 on copy removes the copy", async () => {
    const store = ctx.store;
    const src = `b/${randomUUID()}`;
    const dst = `b/${randomUUID()}`;
    await store.write(src, randomBytes(2000));
    ctx.faults({ kind: "wrong-crc64", operation: "CopyObject", count: 1 });
    expect(await ctx.code(store.copy(src, dst))).toBe("IntegrityMismatch");
    ctx.faults();
    expect(await ctx.exists(dst)).toBe(false);
    await store.delete(src);
  });

  itCrc64("a wrong CRC64 on a copy onto the source itself (an in-place re-encryption, a link copied onto its target) keeps the object: it is the only copy", async () => {
    const store = ctx.store;
    const path = `b/${randomUUID()}`;
    const data = randomBytes(3000);
    await store.write(path, data);
    ctx.faults({ kind: "wrong-crc64", operation: "CopyObject", count: 1 });
    const error = await store.copy(path, path, { serverSideEncryption: "AES256" } as never).catch((x: unknown) => x);
    expect(ctx.fired()).toEqual([1]);
    expect(isStorageError(error, "IntegrityMismatch")).toBe(true);
    expect((error as Error).message).toMatch(/not removed/);
    ctx.faults();
    expect(sha256(await store.read(path))).toBe(sha256(data));
    if (store.features.createLink) {
      // Copying a link onto the object it leads to copies that object onto itself.
      const link = `b/${randomUUID()}`;
      await store.createLink(link, path);
      ctx.faults({ kind: "wrong-crc64", operation: "CopyObject", count: 1 });
      const outcome = await store.copy(link, path).then(
        () => "no error",
        (x: unknown) => (isStorageError(x) ? x.code : String(x)),
      );
      expect(["no error", "IntegrityMismatch"]).toContain(outcome);
      ctx.faults();
      expect(sha256(await store.read(path))).toBe(sha256(data));
      expect((await store.stat(link)).mode).toBe("link");
      await store.delete(link);
    }
    await store.delete(path);
  });

  it("persistent failures give up with a typed, retryable error carrying the request id, and no object", async () => {
    const store = ctx.store;
    const path = `b/${randomUUID()}`;
    ctx.faults({ kind: "status", status: 500, operation: "PutObject" });
    const e = await store.write(path, randomBytes(1000)).catch((x: unknown) => x);
    expect(isStorageError(e, "ServiceInternal")).toBe(true);
    expect((e as { retryable: boolean }).retryable).toBe(true);
    expect((e as { requestId?: string }).requestId).toBeTruthy();
    expect(ctx.fired()).toEqual([4]);
    ctx.faults({ kind: "throttle", operation: "PutObject" });
    expect(await ctx.code(store.write(path, randomBytes(1000)))).toBe("RequestThrottled");
    ctx.faults();
    expect(await ctx.exists(path)).toBe(false);
  });

  it("a connection reset on every attempt of a PUT ends in ServiceInternal and stores nothing", async () => {
    const path = `b/${randomUUID()}`;
    ctx.faults({ kind: "reset", operation: "PutObject" });
    expect(await ctx.code(ctx.store.write(path, randomBytes(64 * 1024)))).toBe("ServiceInternal");
    expect(ctx.fired()).toEqual([4]);
    ctx.faults();
    expect(await ctx.exists(path)).toBe(false);
  });

  it("persistent throttling of a body-less HEAD ends in RequestThrottled", async () => {
    ctx.faults({ kind: "throttle", operation: "HeadObject" });
    expect(await ctx.code(ctx.store.stat(`b/${randomUUID()}`))).toBe("RequestThrottled");
  });

  it(`an append whose answer is lost is not sent twice${crc64 ? "; a corrupted append is an IntegrityMismatch" : ""}`, async () => {
    const store = ctx.store;
    const path = `a/${randomUUID()}`;
    const obj = await store.createAppend(path);
    ctx.emulator.resetStats();
    ctx.faults({ kind: "reset", operation: "AppendObject", count: 1 });
    expect(await ctx.code(store.writeAppend(obj, Buffer.from("once")))).toBe("ServiceInternal");
    ctx.faults();
    expect(ctx.emulator.stats().byOperation["AppendObject"]).toBe(1);
    expect((await store.stat(path)).size).toBe(0);
    if (crc64) {
      // Appends are verified by the CRC64 the answer carries; QingStor's append answer has no checksum to check.
      ctx.faults({ kind: "flip-byte", operation: "AppendObject", count: 1 });
      expect(await ctx.code(store.writeAppend(obj, randomBytes(100)))).toBe("IntegrityMismatch");
      ctx.faults();
    }
    await store.delete(path);
  });
}
