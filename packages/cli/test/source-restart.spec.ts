/**
 * A streamed copy whose SOURCE read broke is started again from byte 0, at most twice (review-fixes10
 * M1). A QingStor multipart object another tool completed without an ETag has nothing that pins its
 * version, so core never resumes its reads: the read fails with a retryable ServiceInternal at the
 * first broken body, and `stowage cp` of such an object, however large, used to fail there.
 * QingStor emulator (source) → a local directory (one PUT: a file renamed into place) or the OSS
 * emulator (multipart; it lists each part's CRC-64). A failure of the write is never restarted.
 */
import { beforeAll, beforeEach, describe, expect, it } from "@jest/globals";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { Readable } from "node:stream";
import { newStorager, storageError, type Storager } from "@stowage/core";
import { sourceBreak, waitToRestart } from "../src/transfer/source-restart.js";
import { bytes, exists } from "./helpers.js";
import { useWorkspace } from "./workspace.js";
import { keyLocation, useEmulator } from "./emulators.js";
import { inProcess, withStats } from "./cli-run.js";

const KiB = 1024;
const MiB = 1024 * KiB;
const SRC_BUCKET = "restart-src";
const DST_BUCKET = "restart-dst";
const SMALL = bytes(MiB, 3);
const LARGE = bytes(MiB, 4);

interface Stats {
  objects: { copied: number; failed: number };
  bytes: { sent: number; resumed: number };
  parts: { resumedUploads: number; skipped: number };
}

const ws = useWorkspace({ stateDir: true });
const srcEmu = useEmulator({ provider: "qingstor", buckets: [SRC_BUCKET] });
const dstEmu = useEmulator({ provider: "oss", buckets: [DST_BUCKET] });
const run = inProcess(ws);
let src: Storager;
let dst: Storager;

const srcAt = (path: string): string => keyLocation(srcEmu.emulator, SRC_BUCKET, path);
// Write requests are tried twice at most, without waiting: a failing write ends quickly.
const dstAt = (path: string): string => `${keyLocation(dstEmu.emulator, DST_BUCKET, path)}&max_retries=1&retry_base_delay=0`;
const cli = (argv: string[]) => withStats<Stats>(run([...argv, "--stats-json", "--progress", "none"]));

const gets = (): number => srcEmu.emulator.stats().byOperation["GetObject"] ?? 0;
const dstOps = (op: string): number => dstEmu.emulator.stats().byOperation[op] ?? 0;

/**
 * Stores `body` at `path` as a one-part multipart object completed without an `ETag` header, as
 * qingstor-sdk or qsctl complete one: a presigned Complete sent without the header it returns (the
 * URL does not bind it). The object then has no ETag and no CRC-64.
 */
async function etagless(path: string, body: Buffer): Promise<void> {
  const upload = await src.createMultipart(path);
  const part = await src.writeMultipart(upload, body, { index: 0 });
  const request = await src.presign("completeMultipart", path, { expires: 60, multipartId: upload.multipartId!, parts: [part] });
  const headers = Object.fromEntries(Object.entries(request.headers).filter(([name]) => name.toLowerCase() !== "etag"));
  const res = await fetch(request.url, { method: request.method, headers, body: request.body! });
  expect(res.status).toBe(201);
  const info = await src.stat(path);
  expect([info.size, info.etag, info.crc64]).toEqual([body.length, undefined, undefined]);
}

beforeAll(async () => {
  src = newStorager(srcAt(""));
  dst = newStorager(dstAt(""));
  await etagless("small", SMALL);
  await etagless("large", LARGE);
});

beforeEach(() => {
  srcEmu.emulator.setFaults([]);
  dstEmu.emulator.setFaults([]);
  srcEmu.emulator.resetStats();
  dstEmu.emulator.resetStats();
});

describe("cp of a QingStor object without an ETag whose GET breaks", () => {
  it("once: the copy starts again from byte 0 and is byte-exact (2 GETs)", async () => {
    srcEmu.emulator.setFaults([{ kind: "truncate", operation: "GetObject", key: "small", afterBytes: 256 * KiB, count: 1 }]);
    // --bwlimit puts the throttle between the read and the write: the read's error reaches the write through it.
    const r = await cli(["cp", srcAt("small"), "./once/small", "--bwlimit", "1G"]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("not resumed");
    expect(r.stderr).toContain("copying it again from the start (1 of 2)");
    expect((await readFile(join(ws.work, "once", "small"))).equals(SMALL)).toBe(true);
    expect(gets()).toBe(2);
    expect(r.stats?.bytes.sent).toBe(SMALL.length);
  });

  it("every time: fails with the read's error after 3 GETs (2 restarts), and writes nothing", async () => {
    srcEmu.emulator.setFaults([{ kind: "truncate", operation: "GetObject", key: "small", afterBytes: 256 * KiB }]);
    const r = await cli(["cp", srcAt("small"), "./every/small"]);
    expect(r.code).toBe(15); // ServiceInternal
    expect(r.stderr).toMatch(/ServiceInternal: the body broke after 262144 of 1048576 bytes; not resumed/);
    expect(r.stderr).toContain("(2 of 2)");
    expect(r.stderr).not.toContain("(3 of 2)");
    expect(gets()).toBe(3);
    expect(r.stats?.objects).toMatchObject({ copied: 0, failed: 1 });
    expect(await exists(join(ws.work, "every", "small"))).toBe(false);
  });

  it("checkpointed multipart: goes on with the upload it created, stored parts are not sent again", async () => {
    // Slow enough that parts 0 and 1 (256 KiB each) are stored long before the body breaks at 700 KiB.
    srcEmu.emulator.setFaults([
      { kind: "bandwidth", operation: "GetObject", key: "large", bytesPerSecond: 512 * KiB, count: 1 },
      { kind: "truncate", operation: "GetObject", key: "large", afterBytes: 700 * KiB, count: 1 },
    ]);
    const tuning = ["--large-threshold", "256KiB", "--part-size", "256KiB", "--part-concurrency", "1"];
    const r = await cli(["cp", srcAt("large"), dstAt("large"), ...tuning]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("copying it again from the start (1 of 2)");
    expect((await dst.read("large")).equals(LARGE)).toBe(true);
    expect(gets()).toBe(2);
    // One upload: parts 0 and 1 sent by the first try, found stored (CRC-64) by the second, which sent 2 and 3.
    expect([dstOps("InitiateMultipartUpload"), dstOps("UploadPart"), dstOps("CompleteMultipartUpload")]).toEqual([1, 4, 1]);
    // Every byte was sent by this run: nothing counts as resumed.
    expect(r.stats?.bytes).toMatchObject({ sent: LARGE.length, resumed: 0 });
    expect(r.stats?.parts).toEqual({ resumedUploads: 0, skipped: 0 });
    const left = [];
    for await (const upload of dst.list("", { mode: "part" })) left.push(upload);
    expect(left).toEqual([]);
  });

  it("a re-run that resumes an upload goes on with it too, counting what the first run stored as resumed", async () => {
    const tuning = ["--large-threshold", "256KiB", "--part-size", "256KiB", "--part-concurrency", "1"];
    const argv = ["cp", srcAt("large"), dstAt("again/large"), ...tuning];
    // Run 1 stores parts 0 and 1, then every UploadPart fails: the upload stays in the checkpoint.
    dstEmu.emulator.setFaults([{ kind: "status", status: 500, operation: "UploadPart", skip: 2 }]);
    expect((await cli(argv)).code).toBe(15);
    dstEmu.emulator.setFaults([]);
    dstEmu.emulator.resetStats();
    srcEmu.emulator.resetStats();
    // Run 2 finds parts 0 and 1 stored (read and compared), then the body breaks within part 2.
    srcEmu.emulator.setFaults([
      { kind: "bandwidth", operation: "GetObject", key: "large", bytesPerSecond: 512 * KiB, count: 1 },
      { kind: "truncate", operation: "GetObject", key: "large", afterBytes: 700 * KiB, count: 1 },
    ]);
    const r = await cli(argv);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("copying it again from the start (1 of 2)");
    expect((await dst.read("again/large")).equals(LARGE)).toBe(true);
    expect(gets()).toBe(2);
    expect([dstOps("InitiateMultipartUpload"), dstOps("UploadPart"), dstOps("CompleteMultipartUpload")]).toEqual([0, 2, 1]);
    expect(r.stats?.parts).toEqual({ resumedUploads: 1, skipped: 2 });
    expect(r.stats?.bytes).toMatchObject({ sent: 512 * KiB, resumed: 512 * KiB });
  });
});

describe("--verify reads of an object without a CRC-64", () => {
  it("a server-side copy's read of the source, before the copy, starts again when it breaks", async () => {
    // Nothing tells the source's CRC-64, so --verify hashes it first, then copies it within the bucket.
    srcEmu.emulator.setFaults([{ kind: "truncate", operation: "GetObject", key: "small", afterBytes: 256 * KiB, count: 1 }]);
    const r = await cli(["cp", srcAt("small"), srcAt("server-side/small"), "--verify"]);
    expect([r.code, r.stats?.objects]).toEqual([0, expect.objectContaining({ copied: 1, failed: 0 })]);
    expect(r.stderr).toContain("the source read for its CRC-64 failed");
    expect(r.stderr).toContain("reading it again from the start (1 of 2)");
    expect(srcEmu.emulator.stats().byOperation["CopyObject"]).toBe(1);
    // The source twice (broken, then whole), then the copy once (--verify's re-read).
    expect(gets()).toBe(3);
    expect((await src.read("server-side/small")).equals(SMALL)).toBe(true);
  });

  it("a read that always breaks fails the copy after 3 tries, before anything is copied", async () => {
    srcEmu.emulator.setFaults([{ kind: "truncate", operation: "GetObject", key: "small", afterBytes: 256 * KiB }]);
    const r = await cli(["cp", srcAt("small"), srcAt("server-side/never"), "--verify"]);
    expect(r.code).toBe(15);
    expect(r.stderr).toContain("(2 of 2)");
    expect(gets()).toBe(3);
    expect(srcEmu.emulator.stats().byOperation["CopyObject"]).toBeUndefined();
    await expect(src.stat("server-side/never")).rejects.toMatchObject({ code: "ObjectNotExist" });
  });
});

describe("--verify's re-read of the copy", () => {
  it("starts again when it breaks, and the copy stands", async () => {
    // The copy (OSS) is read back whole. Its GET breaks, and so does core's one resume (max_retries=1).
    dstEmu.emulator.setFaults([{ kind: "truncate", operation: "GetObject", key: "reread/small", afterBytes: 128 * KiB, count: 2 }]);
    const r = await cli(["cp", srcAt("small"), dstAt("reread/small"), "--verify"]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("the re-read of the copy failed");
    expect(r.stderr).toContain("reading it again from the start (1 of 2)");
    expect(dstOps("GetObject")).toBe(3);
    expect((await dst.read("reread/small")).equals(SMALL)).toBe(true);
  });
});

describe("a write that fails", () => {
  it("is not restarted: one GET, whether one PUT or parts", async () => {
    dstEmu.emulator.setFaults([{ kind: "status", status: 500, operation: ["PutObject", "UploadPart"] }]);
    const one = await cli(["cp", srcAt("small"), dstAt("w/small")]);
    expect(one.code).toBe(15);
    expect(one.stderr).not.toContain("copying it again");
    expect(gets()).toBe(1);
    expect(dstOps("PutObject")).toBe(2); // core's own retry (max_retries=1)

    srcEmu.emulator.resetStats();
    const parts = await cli(["cp", srcAt("large"), dstAt("w/large"), "--large-threshold", "256KiB", "--part-size", "256KiB"]);
    expect(parts.code).toBe(15);
    expect(parts.stderr).not.toContain("copying it again");
    expect(gets()).toBe(1);
  });
});

describe("what restarts a copy", () => {
  /** A source read that failed with `e` (none: still open). */
  const readFailing = (e?: Error): Readable => {
    const read = new Readable({ read: () => undefined });
    read.on("error", () => undefined);
    if (e !== undefined) read.destroy(e);
    return read;
  };
  const live = new AbortController().signal;

  it("the read's retryable error, as the write passes it on; not the write's own, nor one retrying cannot fix", () => {
    const broke = storageError("ServiceInternal", "the body broke after 1 of 2 bytes", { retryable: true, op: "read" });
    expect(sourceBreak(broke, readFailing(broke), live)).toBe(broke);
    expect(sourceBreak(broke.withContext({ op: "write", path: "x" }), readFailing(broke), live)).toBe(broke);
    // The write failed on its own (retryable), the read did not.
    expect(sourceBreak(storageError("ServiceInternal", "put failed", { retryable: true }), readFailing(), live)).toBeUndefined();
    // Both failed, the write with another error than the read's.
    expect(sourceBreak(storageError("ServiceInternal", "put failed", { retryable: true }), readFailing(broke), live)).toBeUndefined();
    const gone = storageError("ObjectNotExist", "no such object");
    expect(sourceBreak(gone, readFailing(gone), live)).toBeUndefined();
    const aborted = storageError("Aborted", "operation aborted", { retryable: true });
    expect(sourceBreak(aborted, readFailing(aborted), live)).toBeUndefined();
    const stop = new AbortController();
    stop.abort();
    expect(sourceBreak(broke, readFailing(broke), stop.signal)).toBeUndefined();
  });

  it("the wait before a restart ends with Aborted as soon as the signal aborts (no timer left)", async () => {
    const stop = new AbortController();
    const waiting = waitToRestart(2, stop.signal);
    stop.abort();
    await expect(waiting).rejects.toMatchObject({ code: "Aborted" });
    await expect(waitToRestart(1, stop.signal)).rejects.toMatchObject({ code: "Aborted" });
  });
});
