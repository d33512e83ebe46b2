import { expect } from "@jest/globals";
import { normalizeWorkDir } from "@stowage/core";
import type { CaseScope, Suite } from "../context.js";
import { collect, expectError, expectIterationError, expectSameBytes, randomData, uniqueName } from "../fixtures.js";

/** Keys that must travel byte-exact (design: "spaces, `+`, `%`, unicode, `~`"). */
const KEYS: ReadonlyArray<[string, string]> = [
  ["spaces", "with  two spaces .txt"],
  ["plus", "a+b+c"],
  ["percent", "100% sure %20 %2F %zz"],
  ["tilde", "~tilde~name~"],
  ["unicode", "日本語/ファイル-ünïcödé-😀.bin"],
  ["query-like characters", "a=b&c;d,e@f$g!h'(i)*"],
  ["question mark and hash", "what?is#this"],
  ["deep nesting", Array.from({ length: 12 }, (_, i) => `level${i}`).join("/") + "/leaf"],
];

/** Every key below `base`: a prefix-mode listing where the store has one, else its listing walked down each directory. */
async function listAll(t: CaseScope, base: string): Promise<string[]> {
  if (t.store.features.listPrefix) return (await collect(t.store.list(base, { mode: "prefix" }))).map((o) => o.path);
  const paths: string[] = [];
  for (const o of await collect(t.store.list(base))) paths.push(...(o.mode === "dir" ? await listAll(t, o.path) : [o.path]));
  return paths;
}

/** Path rules (GSP-749, §1.3): exact keys, absolute paths (S16a, strict), backslashes (S16b), `..`. */
export function registerPathCases(suite: Suite): void {
  for (const [label, name] of KEYS) {
    suite.test(`paths: a key with ${label} is written, stated, read and listed exactly`, async (t) => {
      const base = t.dir();
      const path = base + name;
      t.track(path);
      const data = randomData(321);
      expect((await t.store.write(path, data)).size).toBe(321);
      const o = await t.store.stat(path);
      expect(o.path).toBe(path);
      expect(o.size).toBe(321);
      expectSameBytes(await t.store.read(path), data);
      expect(await listAll(t, base)).toEqual([path]);
    });
  }

  suite.test("paths: an absolute path inside work_dir addresses the same object as the relative one (S16a)", async (t) => {
    const base = t.dir();
    const rel = t.key(base);
    const abs = t.store.info.workDir + rel;
    const data = randomData(555);
    await t.store.write(abs, data);
    const byAbs = await t.store.stat(abs);
    expect(byAbs.path).toBe(abs);
    expect(byAbs.size).toBe(555);
    expect((await t.store.stat(rel)).path).toBe(rel);
    expectSameBytes(await t.store.read(rel), data);
    expectSameBytes(await t.store.read(abs), data);
    expect(await listAll(t, base)).toEqual([rel]);
    const other = randomData(7);
    await t.store.write(rel, other);
    expectSameBytes(await t.store.read(abs), other);
    await t.store.delete(abs);
    await expectError(() => t.store.stat(rel), "ObjectNotExist");
  });

  suite.test("paths: an absolute path outside work_dir rejects with InvalidArgument", async (t) => {
    const workDir = t.store.info.workDir;
    const outside = `/${uniqueName()}/${uniqueName()}`;
    if (workDir === "/") {
      // Every absolute path is inside a "/" work_dir: it must address the relative key.
      t.track(outside);
      await t.store.write(outside, randomData(3));
      expect((await t.store.stat(outside.slice(1))).size).toBe(3);
      return;
    }
    await expectError(() => t.store.write(outside, randomData(3)), "InvalidArgument");
    await expectError(() => t.store.stat(outside), "InvalidArgument");
    await expectError(() => t.store.read(outside), "InvalidArgument");
    await expectError(() => t.store.delete(outside), "InvalidArgument");
    // "/" is the bucket's root, outside this work_dir for listings too.
    await expectError(() => collect(t.store.list("/")), "InvalidArgument");
    await expectError(() => t.store.listPage("/", {}), "InvalidArgument");
    // The work_dir without its trailing slash is not inside it either.
    await expectError(() => t.store.stat(workDir.slice(0, -1) + "x/" + uniqueName()), "InvalidArgument");
  });

  suite.test("paths: backslashes are separators (S16b)", async (t) => {
    const base = t.dir();
    const name = uniqueName();
    const slashed = `${base}sub/${name}`;
    t.track(slashed);
    const backslashed = slashed.replace(/\//g, "\\");
    const data = randomData(99);
    await t.store.write(backslashed, data);
    expect((await t.store.stat(backslashed)).path).toBe(slashed);
    expectSameBytes(await t.store.read(backslashed), data);
    expectSameBytes(await t.store.read(slashed), data);
    expect(await listAll(t, base)).toEqual([slashed]);
  });

  suite.test("paths: '..' segments reject with InvalidArgument and create nothing", async (t) => {
    const base = t.dir();
    for (const path of [`${base}a/../b`, `../${uniqueName()}`, "..", `${base}..`, `${base}a\\..\\..\\b`]) {
      await expectError(() => t.store.write(path, randomData(3)), "InvalidArgument");
      await expectError(() => t.store.stat(path), "InvalidArgument");
    }
    expect(await listAll(t, base)).toEqual([]);
  });

  suite.test("paths: an empty path rejects with InvalidArgument on write", async (t) => {
    await expectError(() => t.store.write("", randomData(3)), "InvalidArgument");
  });

  suite.test("paths: `a/` is not the object `a`: reading, copying or moving it fails, deleting it leaves `a`", async (t) => {
    const base = t.dir();
    const data = randomData(16);
    t.track(`${base}a`);
    await t.store.write(`${base}a`, data);
    await expectError(() => t.store.read(`${base}a/`), "ObjectNotExist");
    if (t.store.features.copy) await expectError(() => t.store.copy(`${base}a/`, `${base}c`), "ObjectNotExist");
    if (t.store.features.move) await expectError(() => t.store.move(`${base}a/`, `${base}c`), "ObjectNotExist");
    await t.store.delete(`${base}a/`);
    expectSameBytes(await t.store.read(`${base}a`), data);
    expect(await listAll(t, base)).toEqual([`${base}a`]);
  });

  suite.test("paths: delete of a directory path (`d/`) without mode dir is ObjectModeInvalid when objects below make it a directory, and deletes nothing", async (t) => {
    const base = t.dir();
    const child = `${base}d/f`;
    t.track(child);
    await t.store.write(child, randomData(4));
    const e = await expectError(() => t.store.delete(`${base}d/`), "ObjectModeInvalid");
    // Every storage says how to delete it.
    expect(e.detail).toContain("mode dir");
    expect(await listAll(t, base)).toEqual([child]);
    await t.store.delete(`${base}nothing-here/`);
  });

  suite.test("paths: nothing creates an object at a directory path (`x/`): InvalidArgument, and the source stays", async (t) => {
    const base = t.dir();
    const data = randomData(12);
    const src = `${base}report.csv`;
    t.track(src);
    await t.store.write(src, data);
    const dir = `${base}archive/`;
    const f = t.store.features;
    await expectError(() => t.store.write(dir, randomData(5)), "InvalidArgument");
    await expectError(async () => {
      const stream = t.store.createWriteStream(dir, { size: 5 });
      await new Promise<void>((resolve, reject) => {
        stream.once("error", reject);
        stream.end(randomData(5), (error?: Error | null) => (error ? reject(error) : resolve()));
      });
    }, "InvalidArgument");
    if (f.copy) await expectError(() => t.store.copy(src, dir), "InvalidArgument");
    if (f.move) await expectError(() => t.store.move(src, dir), "InvalidArgument");
    if (f.append) await expectError(() => t.store.createAppend(dir), "InvalidArgument");
    if (f.multipart) await expectError(() => t.store.createMultipart(dir), "InvalidArgument");
    if (f.presignWrite) await expectError(() => t.store.presign("write", dir, { expires: 60 }), "InvalidArgument");
    expectSameBytes(await t.store.read(src), data);
    expect(await listAll(t, base)).toEqual([src]);
    await expectError(() => t.store.stat(dir), "ObjectNotExist");
  });

  suite.test("paths: a path with a lone surrogate is InvalidArgument for every operation, before anything is sent; the U+FFFD key it would collide with is untouched", async (t) => {
    const base = t.dir();
    const replaced = `${base}a\uFFFDb`;
    const lone = `${base}a\uD800b`;
    const other = `${base}other`;
    t.track(replaced);
    t.track(other);
    const data = randomData(20);
    await t.store.write(replaced, data);
    await t.store.write(other, randomData(3));
    const f = t.store.features;
    await expectError(() => t.store.write(lone, randomData(5)), "InvalidArgument");
    await expectError(() => t.store.stat(lone), "InvalidArgument");
    await expectError(() => t.store.read(lone), "InvalidArgument");
    await expectError(() => t.store.delete(lone), "InvalidArgument");
    await expectError(() => t.store.deleteMany([other, lone]), "InvalidArgument");
    await expectIterationError(() => t.store.list(`${base}\uDC00/`), "InvalidArgument");
    await expectError(() => t.store.listPage(`${base}\uDC00/`, {}), "InvalidArgument");
    if (f.copy) await expectError(() => t.store.copy(replaced, lone), "InvalidArgument");
    if (f.move) await expectError(() => t.store.move(lone, other), "InvalidArgument");
    if (f.createDir) await expectError(() => t.store.createDir(`${lone}/`), "InvalidArgument");
    if (f.createLink) await expectError(() => t.store.createLink(lone, other), "InvalidArgument");
    if (f.append) await expectError(() => t.store.createAppend(lone), "InvalidArgument");
    if (f.multipart) await expectError(() => t.store.createMultipart(lone), "InvalidArgument");
    if (f.presignRead) await expectError(() => t.store.presign("read", lone, { expires: 60 }), "InvalidArgument");
    if (f.presignWrite) await expectError(() => t.store.presign("write", lone, { expires: 60 }), "InvalidArgument");
    if (f.presignDelete) await expectError(() => t.store.presign("delete", lone, { expires: 60 }), "InvalidArgument");
    expectSameBytes(await t.store.read(replaced), data);
    expect((await listAll(t, base)).sort()).toEqual([replaced, other].sort());
  });

  suite.test("paths: a listing of a path with an empty segment (x//) is InvalidArgument, never a listing of x/", async (t) => {
    const base = t.dir();
    t.track(`${base}x/f`);
    await t.store.write(`${base}x/f`, randomData(2));
    const modes = [...(t.store.features.listDir ? ["dir" as const] : []), ...(t.store.features.listPrefix ? ["prefix" as const] : [])];
    for (const mode of modes) {
      for (const path of [`${base}x//`, `${base}x//f`, `${base}x\\\\`]) {
        await expectIterationError(() => t.store.list(path, { mode }), "InvalidArgument");
        await expectError(() => t.store.listPage(path, { mode }), "InvalidArgument");
      }
    }
    expect(await listAll(t, base)).toEqual([`${base}x/f`]);
  });

  suite.test("paths: a key up to the service's limits.keyMaximum bytes (UTF-8, work_dir included) works; one byte more is InvalidArgument before anything is sent", async (t) => {
    const base = t.dir();
    const maximum = t.store.features.limits.keyMaximum;
    // Without a limit (memory, fs), a key of 1,100 bytes in segments of at most 255 works.
    const room = (maximum ?? 1100) - Buffer.byteLength(normalizeWorkDir(t.store.info.workDir).slice(1) + base);
    const segment = "é".repeat(100) + "/"; // 201 bytes
    let name = segment.repeat(Math.floor(room / Buffer.byteLength(segment)));
    name += "x".repeat(room - Buffer.byteLength(name));
    const exact = base + name;
    t.track(exact);
    const data = randomData(9);
    await t.store.write(exact, data);
    expect((await t.store.stat(exact)).size).toBe(9);
    expectSameBytes(await t.store.read(exact), data);
    expect(await listAll(t, base)).toEqual([exact]);
    if (maximum === undefined) return;
    const long = exact + "y";
    await expectError(() => t.store.write(long, randomData(3)), "InvalidArgument");
    await expectError(() => t.store.stat(long), "InvalidArgument");
    if (t.store.features.copy) await expectError(() => t.store.copy(exact, long), "InvalidArgument");
    if (t.store.features.multipart) await expectError(() => t.store.createMultipart(long), "InvalidArgument");
    if (t.store.features.presignWrite) await expectError(() => t.store.presign("write", long, { expires: 60 }), "InvalidArgument");
    expect(await listAll(t, base)).toEqual([exact]);
  });
}
