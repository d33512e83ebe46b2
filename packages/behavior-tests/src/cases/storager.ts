import { expect } from "@jest/globals";
import type { Suite } from "../context.js";
import { chunkedIterable, expectError, expectSameBytes, randomData } from "../fixtures.js";

/** An odd size, so that off-by-one mistakes show. */
const SIZE = 65_537;

/**
 * Ports go-storage TestStorager S1–S12 (§7.2): info, stat, read (whole and ranges),
 * write (overwrite, empty, size truncation, short bodies), progress, delete.
 */
export function registerStoragerCases(suite: Suite): void {
  suite.test("info: names the service and an absolute work_dir (S1, S2)", async (t) => {
    const info = t.store.info;
    expect(typeof info.service).toBe("string");
    expect(info.service.length).toBeGreaterThan(0);
    expect(typeof info.name).toBe("string");
    expect(info.workDir.startsWith("/")).toBe(true);
    expect(info.workDir.endsWith("/")).toBe(true);
    const f = t.store.features;
    for (const flag of ["stat", "read", "write", "delete", "list"] as const) expect(typeof f[flag]).toBe("boolean");
    expect(typeof f.limits).toBe("object");
  });

  suite.test("stat: reports path, mode file and size of a written object (S11)", async (t) => {
    const path = t.key();
    const data = randomData(SIZE);
    await t.store.write(path, data);
    const o = await t.store.stat(path);
    expect(o.path).toBe(path);
    expect(o.mode).toBe("file");
    expect(o.size).toBe(SIZE);
  });

  suite.test("stat: a missing object rejects with ObjectNotExist", async (t) => {
    const e = await expectError(() => t.store.stat(t.key()), "ObjectNotExist");
    expect(e.op).toBe("stat");
    expect(e.service).toBe(t.store.info.service);
  });

  suite.test("read: returns the whole object (S3)", async (t) => {
    const path = t.key();
    const data = randomData(SIZE);
    await t.store.write(path, data);
    expectSameBytes(await t.store.read(path), data);
  });

  suite.test("read: a missing object rejects with ObjectNotExist", async (t) => {
    await expectError(() => t.store.read(t.key()), "ObjectNotExist");
  });

  suite.test("read: a zero-byte object returns no bytes", async (t) => {
    const path = t.key();
    await t.store.write(path, Buffer.alloc(0));
    expect((await t.store.read(path)).length).toBe(0);
  });

  const ranges: Array<[string, { offset?: number; size?: number }, number, number]> = [
    ["offset (S4a)", { offset: 1000 }, 1000, SIZE],
    ["size (S4b)", { size: 1000 }, 0, 1000],
    ["offset and size (S4c)", { offset: 333, size: 4444 }, 333, 333 + 4444],
    ["size 0 returns nothing", { size: 0 }, 0, 0],
    ["offset and size 0 returns nothing", { offset: 77, size: 0 }, 77, 77],
    ["offset at the end returns nothing", { offset: SIZE }, SIZE, SIZE],
    ["offset of the last byte", { offset: SIZE - 1 }, SIZE - 1, SIZE],
    ["size of the whole object", { offset: 0, size: SIZE }, 0, SIZE],
    ["offset past the end returns nothing", { offset: SIZE + 100 }, SIZE, SIZE],
    ["offset and size past the end returns nothing", { offset: SIZE + 1, size: 10 }, SIZE, SIZE],
    ["size past the end returns the tail", { offset: SIZE - 10, size: 1000 }, SIZE - 10, SIZE],
  ];
  for (const [label, range, from, to] of ranges) {
    suite.gated(
      `read: ${label}`,
      ["readRange"],
      async (t) => {
        const path = t.key();
        const data = randomData(SIZE);
        await t.store.write(path, data);
        expectSameBytes(await t.store.read(path, range), data.subarray(from, to));
      },
      async (t) => {
        const path = t.key();
        await t.store.write(path, randomData(16));
        // A range is a capability of the read (core: CapabilityInsufficient "cannot read (readRange)").
        await expectError(() => t.store.read(path, range), "CapabilityInsufficient");
      },
    );
  }

  suite.test("write: returns the size; overwriting replaces the object completely (S5)", async (t) => {
    const path = t.key();
    const first = randomData(2048);
    const second = randomData(1024);
    expect((await t.store.write(path, first)).size).toBe(2048);
    expect((await t.store.write(path, second)).size).toBe(1024);
    const o = await t.store.stat(path);
    expect(o.path).toBe(path);
    expect(o.size).toBe(1024);
    expectSameBytes(await t.store.read(path), second);
  });

  suite.test("write: an empty body creates a zero-byte object (S7)", async (t) => {
    const path = t.key();
    const result = await t.store.write(path, Buffer.alloc(0));
    expect(result.size).toBe(0);
    const o = await t.store.stat(path);
    expect(o.path).toBe(path);
    expect(o.mode).toBe("file");
    expect(o.size).toBe(0);
  });

  suite.test("write: size > 0 with an empty body rejects with InvalidArgument and creates nothing (S8)", async (t) => {
    const path = t.key();
    await expectError(() => t.store.write(path, Buffer.alloc(0), { size: 100 }), "InvalidArgument");
    await expectError(() => t.store.stat(path), "ObjectNotExist");
  });

  suite.test("write: size 0 with a non-empty body stores an empty object (S9)", async (t) => {
    const path = t.key();
    const result = await t.store.write(path, randomData(512), { size: 0 });
    expect(result.size).toBe(0);
    expect((await t.store.stat(path)).size).toBe(0);
    expect((await t.store.read(path)).length).toBe(0);
  });

  suite.test("write: size truncates a longer buffer body (S10)", async (t) => {
    const path = t.key();
    const data = randomData(4096);
    const result = await t.store.write(path, data, { size: 1500 });
    expect(result.size).toBe(1500);
    expect((await t.store.stat(path)).size).toBe(1500);
    expectSameBytes(await t.store.read(path), data.subarray(0, 1500));
  });

  suite.test("write: size truncates a longer stream body", async (t) => {
    const path = t.key();
    const data = randomData(40_000);
    const result = await t.store.write(path, chunkedIterable(data, 4096), { size: 10_001 });
    expect(result.size).toBe(10_001);
    expectSameBytes(await t.store.read(path), data.subarray(0, 10_001));
  });

  suite.test("write: size beyond a buffer body rejects with InvalidArgument and creates nothing", async (t) => {
    const path = t.key();
    await expectError(() => t.store.write(path, randomData(100), { size: 101 }), "InvalidArgument");
    await expectError(() => t.store.stat(path), "ObjectNotExist");
  });

  suite.test("write: size beyond a stream body rejects with InvalidArgument and creates nothing", async (t) => {
    const path = t.key();
    await expectError(() => t.store.write(path, chunkedIterable(randomData(5000), 1000), { size: 6000 }), "InvalidArgument");
    await expectError(() => t.store.stat(path), "ObjectNotExist");
  });

  suite.test("write: a string body is stored as UTF-8", async (t) => {
    const path = t.key();
    const text = "héllo wörld ✓ 日本";
    const result = await t.store.write(path, text);
    expect(result.size).toBe(Buffer.byteLength(text));
    expect((await t.store.read(path)).toString("utf8")).toBe(text);
  });

  suite.test("write: a Uint8Array view body stores exactly its bytes", async (t) => {
    const path = t.key();
    const backing = randomData(3000);
    const view = new Uint8Array(backing.buffer, backing.byteOffset + 100, 2000);
    expect((await t.store.write(path, view)).size).toBe(2000);
    expectSameBytes(await t.store.read(path), backing.subarray(100, 2100));
  });

  suite.test("write: onProgress ends at the size; read onProgress ends at the bytes read (S6)", async (t) => {
    const path = t.key();
    const data = randomData(SIZE);
    let written = 0;
    const result = await t.store.write(path, data, { onProgress: (p) => (written = Math.max(written, p.bytes)) });
    expect(result.size).toBe(SIZE);
    expect(written).toBe(SIZE);
    let read = 0;
    const buf = await t.store.read(path, { onProgress: (p) => (read = Math.max(read, p.bytes)) });
    expect(read).toBe(buf.length);
    expectSameBytes(buf, data);
  });

  suite.test("delete: deletes, and a second delete succeeds (S12)", async (t) => {
    const path = t.key();
    await t.store.write(path, randomData(100));
    await t.store.delete(path);
    await t.store.delete(path);
    await expectError(() => t.store.stat(path), "ObjectNotExist");
  });

  suite.test("delete: a path never written succeeds", async (t) => {
    await t.store.delete(t.key());
  });

  suite.test("deleteMany: removes every object and is idempotent", async (t) => {
    const base = t.dir();
    const paths = [t.key(base), t.key(base), t.key(base), t.key(base)];
    for (const p of paths) await t.store.write(p, randomData(10));
    const missing = t.key(base);
    await t.store.deleteMany([...paths, missing]);
    for (const p of paths) await expectError(() => t.store.stat(p), "ObjectNotExist");
    await t.store.deleteMany(paths);
    await t.store.deleteMany([]);
  });
}
