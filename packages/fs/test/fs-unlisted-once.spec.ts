/**
 * Entries a listing leaves out (names no key can address) are reported with one process warning
 * per directory per listing: not once for every page, although every page reads again the
 * directories that hold its token, and not for names before `startAfter`.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, jest } from "@jest/globals";
import { newStorager, type Storager } from "@stowage/core";
import "../src/index.js";
import { UNLISTED_WARNING } from "../src/unlisted.js";
import { sandbox, type Sandbox } from "./setup.js";

let s: Sandbox;
let store: Storager;
let warnings: string[];
beforeEach(async () => {
  s = await sandbox();
  store = newStorager(`fs://${s.root}/`);
  warnings = [];
  jest.spyOn(process, "emitWarning").mockImplementation(((message: string, options: { code?: string }) => {
    if (options?.code === UNLISTED_WARNING) warnings.push(message);
  }) as typeof process.emitWarning);
});
afterEach(async () => {
  jest.restoreAllMocks();
  await s.cleanup();
});

/** Every path one `list()` call gives (bounded). */
async function listed(path: string, options: Record<string, unknown>): Promise<string[]> {
  const out: string[] = [];
  for await (const o of store.list(path, options)) {
    out.push(o.path);
    if (out.length > 1000) throw new Error("listing does not end");
  }
  return out;
}

/** Files `<dir>/f00`…, and names no key can address: one with a backslash, one not UTF-8. */
async function fill(dir: string, files: number, bad: string[]): Promise<void> {
  await mkdir(join(s.root, dir), { recursive: true });
  for (let i = 0; i < files; i++) await writeFile(join(s.root, dir, `f${String(i).padStart(2, "0")}`), "v");
  for (const name of bad) await writeFile(join(s.root, dir, name), "x");
}

describe("fs: left-out names over a listing of many pages", () => {
  it("warn once per list() call, in prefix and in dir mode", async () => {
    await fill("d", 20, ["bad\\name", "zz\\last"]);
    expect(await listed("d/", { mode: "prefix", limit: 2 })).toHaveLength(20);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain("2 entries");
    expect(warnings[0]).toContain("bad\\x5cname");
    expect(warnings[0]).toContain("zz\\x5clast");
    warnings.length = 0;
    expect(await listed("d/", { mode: "dir", limit: 2 })).toHaveLength(20);
    expect(warnings).toHaveLength(1);
    // Once per listing, not once ever: a second listing says it again.
    warnings.length = 0;
    await listed("d/", { mode: "prefix", limit: 3 });
    expect(warnings).toHaveLength(1);
  });

  it("warn once for each directory of a tree walked page by page, a directory first read only to look ahead included", async () => {
    // "a1", "a2" fill page one (limit 2); "b/" is read to see that more follows, and is page two's.
    await writeFile(join(s.root, "a1"), "v");
    await writeFile(join(s.root, "a2"), "v");
    await fill("b", 3, ["b\\1"]);
    await fill("c/deep", 5, ["c\\2"]);
    expect(await listed("", { mode: "prefix", limit: 2 })).toHaveLength(10);
    expect(warnings).toHaveLength(2);
    expect(warnings.find((w) => w.includes("b\\x5c1"))).toContain(join(s.root, "b"));
    expect(warnings.find((w) => w.includes("c\\x5c2"))).toContain(join(s.root, "c/deep"));
  });

  it("do not name names that sort at or before startAfter", async () => {
    await fill("d", 6, ["a\\before", "g\\after"]);
    expect(await listed("d/", { mode: "prefix", limit: 2, startAfter: "d/f02" })).toEqual(["d/f03", "d/f04", "d/f05"]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain("1 entry");
    expect(warnings[0]).toContain("g\\x5cafter");
    expect(warnings[0]).not.toContain("a\\x5cbefore");
  });
});
