import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { promises as realFs } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterEach, beforeEach, describe, expect, it, jest } from "@jest/globals";

// Two writes of one part index with different bytes, at the same time, must never leave part
// `n`'s CRC-64 record naming the other writer's file; and complete must store nothing when a
// part's file holds other bytes than its writer sent. The interleaving is made deterministic by
// wrapping node:fs/promises `rename`: right after one writer's part file is renamed into place, a
// second writer's whole writePart of the same index runs, before the first writer goes on.

type Hook = () => Promise<void>;
let afterPartRename: Hook | undefined;
jest.unstable_mockModule("node:fs/promises", () => ({
  ...realFs,
  default: realFs,
  rename: async (from: string, to: string): Promise<void> => {
    await realFs.rename(from, to);
    const hook = afterPartRename;
    if (hook !== undefined && /\/part-0$/.test(to)) {
      afterPartRename = undefined;
      await hook();
    }
  },
}));

const core = await import("@stowage/core");
await import("../src/index.js");
const { FsStorageDriver } = await import("../src/storager.js");
const { FsPaths } = await import("../src/paths.js");
const { concatenateParts } = await import("../src/concatenate-parts.js");
const { crc64Decimal, isStorageError, newStorager } = core;

const PART = 64 * 1024;
const run = promisify(execFile);

let tmp: string;
beforeEach(async () => {
  tmp = await realFs.mkdtemp(join(tmpdir(), "stowage-fs-mpi-"));
});
afterEach(async () => {
  afterPartRename = undefined;
  await realFs.rm(tmp, { recursive: true, force: true });
});

/** The StorageError code `promise` rejects with (fails the test when it resolves). */
async function codeOf(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isStorageError(error)) throw new Error(`expected a StorageError, got ${String(error)}`);
  return error.code;
}

/** Every part an upload lists. */
async function listed(store: ReturnType<typeof newStorager>, upload: Awaited<ReturnType<ReturnType<typeof newStorager>["createMultipart"]>>) {
  const parts = [];
  for await (const part of store.listMultipart(upload)) parts.push(part);
  return parts;
}

/** Overwrites `file` in place (same inode, same size) with `bytes`, then puts its mtime back to the nanosecond (GNU touch). */
async function alterBehindRecord(file: string, bytes: Buffer): Promise<void> {
  const before = await realFs.stat(file, { bigint: true });
  expect(bytes.length).toBe(Number(before.size));
  await realFs.writeFile(file, bytes, { flag: "r+" });
  const ns = before.mtimeNs;
  await run("touch", ["-m", "-d", `@${ns / 1_000_000_000n}.${(ns % 1_000_000_000n).toString().padStart(9, "0")}`, file]);
  const after = await realFs.stat(file, { bigint: true });
  expect([after.ino, after.size, after.mtimeNs]).toEqual([before.ino, before.size, before.mtimeNs]);
}

describe("fs multipart: a part's CRC-64 record and complete", () => {
  it("two writes of one part racing: the record never gives one writer's CRC-64 to the other's file, and a resume stores the right bytes", async () => {
    const store = newStorager(`fs://${tmp}/`);
    const a = randomBytes(PART);
    const b = randomBytes(PART);
    const upload = await store.createMultipart("raced");
    // B's whole write lands between A's rename and the rest of A's call.
    afterPartRename = async () => {
      await store.writeMultipart(upload, b, { index: 0 });
    };
    await store.writeMultipart(upload, a, { index: 0 });
    expect(afterPartRename).toBeUndefined(); // the interleaving happened
    const staged = await realFs.readFile(join(tmp, ".stowage-multipart", upload.multipartId!, "part-0"));
    expect(staged.equals(b)).toBe(true);
    const [part] = await listed(store, upload);
    // Unknown (sent again on resume) or B's: never A's over B's bytes.
    expect(part!.crc64 === undefined || part!.crc64 === crc64Decimal(b)).toBe(true);

    const result = await store.write("raced", a, { multipartId: upload.multipartId!, multipartThreshold: 1024, partSize: PART, size: PART, crc64: crc64Decimal(a) });
    expect(result.crc64).toBe(crc64Decimal(a));
    expect((await store.read("raced")).equals(a)).toBe(true);
  });

  it("a resume over a part rewritten behind its record (same inode, size and mtime) fails IntegrityMismatch, stores nothing, and the next resume repairs it", async () => {
    const store = newStorager(`fs://${tmp}/`);
    const data = randomBytes(4 * PART);
    await store.write("obj", "old version");
    const upload = await store.createMultipart("obj");
    for (let i = 0; i < 4; i++) await store.writeMultipart(upload, data.subarray(i * PART, (i + 1) * PART), { index: i });
    const partFile = join(tmp, ".stowage-multipart", upload.multipartId!, "part-2");
    await alterBehindRecord(partFile, randomBytes(PART));
    // The record still vouches for the part: a resume keeps it without re-reading.
    expect((await listed(store, upload))[2]!.crc64).toBe(crc64Decimal(data.subarray(2 * PART, 3 * PART)));

    const resume = { multipartId: upload.multipartId!, multipartThreshold: 1024, partSize: PART, size: data.length, crc64: crc64Decimal(data) };
    expect(await codeOf(store.write("obj", data, resume))).toBe("IntegrityMismatch");
    expect((await store.read("obj")).toString()).toBe("old version");
    // The upload is kept (the caller resumes), without the bad part; no temp file is left.
    expect((await listed(store, upload)).map((p) => p.index)).toEqual([0, 1, 3]);
    expect((await realFs.readdir(tmp)).sort()).toEqual([".stowage-multipart", "obj"]);

    const repaired = await store.write("obj", data, resume);
    expect(repaired).toMatchObject({ crc64: crc64Decimal(data), resumedParts: 3 });
    expect((await store.read("obj")).equals(data)).toBe(true);
  });

  it("completeMultipart with the parts writeMultipart returned fails IntegrityMismatch when a part's file was rewritten since", async () => {
    const store = newStorager(`fs://${tmp}/`);
    const a = randomBytes(PART);
    const b = randomBytes(100);
    const upload = await store.createMultipart("pub");
    const parts = [await store.writeMultipart(upload, a, { index: 0 }), await store.writeMultipart(upload, b, { index: 1 })];
    await alterBehindRecord(join(tmp, ".stowage-multipart", upload.multipartId!, "part-0"), randomBytes(PART));
    expect(await codeOf(store.completeMultipart(upload, parts))).toBe("IntegrityMismatch");
    expect(await codeOf(store.stat("pub"))).toBe("ObjectNotExist");
    expect((await listed(store, upload)).map((p) => p.index)).toEqual([1]);
  });

  it("driver: complete returns the stored bytes' CRC-64, and refuses parts whose files hold other bytes than their crc64", async () => {
    const driver = new FsStorageDriver(tmp + "/");
    const key = tmp.slice(1) + "/d/obj";
    const one = randomBytes(PART);
    const two = randomBytes(PART + 1);
    const { multipartId } = await driver.createMultipart(key, {});
    const p0 = await driver.writePart(key, multipartId, 0, { data: one, size: one.length }, {});
    const p1 = await driver.writePart(key, multipartId, 1, { data: two, size: two.length }, {});
    // Part 1 rewritten with other bytes of its size; the caller's ETag is the current one.
    await realFs.writeFile(join(tmp, ".stowage-multipart", multipartId, "part-1"), randomBytes(two.length));
    const now = (await driver.listParts(key, multipartId, undefined, {})).items;
    expect(now[1]!.crc64).toBeUndefined();
    const error = await driver.completeMultipart(key, multipartId, [p0, { ...now[1]!, crc64: p1.crc64! }], {}).catch((e: unknown) => e);
    expect(isStorageError(error, "IntegrityMismatch")).toBe(true);
    expect((error as Error).message).toMatch(/part 1 holds other bytes/);
    await expect(realFs.readdir(join(tmp, "d"))).resolves.toEqual([]);
    expect((await driver.listParts(key, multipartId, undefined, {})).items.map((p) => p.index)).toEqual([0]);

    await driver.writePart(key, multipartId, 1, { data: two, size: two.length }, {});
    const parts = (await driver.listParts(key, multipartId, undefined, {})).items;
    const result = await driver.completeMultipart(key, multipartId, parts, {});
    expect(result.crc64).toBe(crc64Decimal(Buffer.concat([one, two])));
    expect((await realFs.readFile(join(tmp, "d/obj"))).equals(Buffer.concat([one, two]))).toBe(true);
  });

  describe("concatenateParts", () => {
    /** concatenateParts into the new file `out`, made for it and closed after. */
    async function concatenate(paths: InstanceType<typeof FsPaths>, out: string, staged: Parameters<typeof concatenateParts>[2], signal?: AbortSignal) {
      const file = await realFs.open(out, "wx");
      try {
        return await concatenateParts(paths, file, staged, signal);
      } finally {
        await file.close();
      }
    }

    /** Staged parts from `contents` (files `p<i>` in tmp), each part with the CRC-64 of `claimed[i]` (or its content; `null`: none). */
    async function stage(contents: Buffer[], claimed: Array<Buffer | null | undefined> = []) {
      return Promise.all(
        contents.map(async (content, index) => {
          const file = join(tmp, `p${index}`);
          await realFs.writeFile(file, content);
          const claim = claimed[index] === undefined ? content : claimed[index];
          const part = { index, size: content.length, etag: "x", ...(claim === null ? {} : { crc64: crc64Decimal(claim) }) };
          return { file, part };
        }),
      );
    }

    it("copies parts of odd sizes across its buffer turns byte for byte and returns the object's CRC-64", async () => {
      const contents = [randomBytes(1024 * 1024 + 3), randomBytes(2 * 1024 * 1024), Buffer.alloc(0), randomBytes(5), randomBytes(3 * 1024 * 1024 - 1)];
      const staged = await stage(contents, [undefined, null, undefined, null, undefined]);
      const out = join(tmp, "out");
      const done = await concatenate(new FsPaths(tmp), out, staged);
      const whole = Buffer.concat(contents);
      expect(done).toEqual({ crc64: crc64Decimal(whole), corrupt: [] });
      expect((await realFs.readFile(out)).equals(whole)).toBe(true);
    });

    it("names every part whose bytes are not its crc64's, and writes nothing past the first one", async () => {
      const contents = [randomBytes(1000), randomBytes(1024 * 1024 + 1), randomBytes(1000), randomBytes(2000), randomBytes(10)];
      const staged = await stage(contents, [undefined, randomBytes(10), undefined, randomBytes(1), null]);
      const out = join(tmp, "out");
      const done = await concatenate(new FsPaths(tmp), out, staged);
      expect(done.corrupt).toEqual([1, 3]);
      // Part 1 is found bad once read through; parts 2 to 4 are not written (the caller drops the temp file).
      expect((await realFs.readFile(out)).equals(Buffer.concat(contents.slice(0, 2)))).toBe(true);
    });

    it("fails Conflict when a part's file is longer or shorter than its size, and Aborted on abort", async () => {
      const paths = new FsPaths(tmp);
      const [longer] = await stage([randomBytes(100)]);
      expect(await codeOf(concatenate(paths, join(tmp, "o1"), [{ ...longer!, part: { ...longer!.part, size: 99 } }]))).toBe("Conflict");
      expect(await codeOf(concatenate(paths, join(tmp, "o2"), [{ ...longer!, part: { ...longer!.part, size: 101 } }]))).toBe("Conflict");
      const controller = new AbortController();
      controller.abort();
      expect(await codeOf(concatenate(paths, join(tmp, "o3"), [longer!], controller.signal))).toBe("Aborted");
    });
  });
});
