import { mkdir, readFile, stat, symlink, utimes, writeFile } from "node:fs/promises";
import { readlinkSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, jest } from "@jest/globals";
import { isStorageError, type DriverListRequest } from "@stowage/core";
import { STALE_TEMP_MS } from "../src/stale-temps.js";
import { UNLISTED_WARNING } from "../src/unlisted.js";
import { buf, drain, expectCode } from "./helpers.js";
import { sandbox, type Sandbox } from "./setup.js";

let s: Sandbox;
let warnings: string[];
let restoreWarnings: () => void;
beforeEach(async () => {
  s = await sandbox();
  warnings = [];
  const spy = jest.spyOn(process, "emitWarning").mockImplementation(((message: string, options: { code?: string }) => {
    expect(options.code).toBe(UNLISTED_WARNING);
    warnings.push(message);
  }) as typeof process.emitWarning);
  restoreWarnings = () => spy.mockRestore();
});
afterEach(async () => {
  restoreWarnings();
  await s.cleanup();
});

const TEMP = ".stowage-tmp-0123456789abcdef01234567";
const LOCK = ".stowage-lock-00000000000abcde";
/** A lock file's text as its holder writes it (lock-owner.ts), naming a live process of this machine. */
const OWNER = JSON.stringify({ pid: process.ppid, host: hostname(), ns: process.platform === "linux" ? readlinkSync("/proc/self/ns/pid") : "", token: "t", since: "now" });

/** Every item as a relative path (dirs marked), page by page (bounded). */
async function all(request: Omit<DriverListRequest, "token">): Promise<string[]> {
  const out: string[] = [];
  let token: string | undefined;
  for (let pages = 0; pages < 1000; pages++) {
    const page = await s.driver.listPage(token === undefined ? request : { ...request, token }, {});
    out.push(...page.items.map((o) => o.key.slice(s.key("").length) + (o.mode === "dir" ? "(dir)" : "")));
    token = page.nextToken;
    if (token === undefined) break;
  }
  return out;
}

async function put(path: string, content = path): Promise<void> {
  await mkdir(join(s.root, path, ".."), { recursive: true });
  await writeFile(join(s.root, path), content);
}

async function old(path: string): Promise<void> {
  const then = (Date.now() - STALE_TEMP_MS - 60_000) / 1000;
  await utimes(join(s.root, path), then, then);
}

describe("fs: .stowage- names the driver does not make are ordinary keys", () => {
  const names = [
    ".stowage-keep.txt",
    ".stowage-notes/n.txt",
    ".stowage-multipart-old/x",
    "d/.stowage-tmp-notes",
    "d/.stowage-tmp-0123",
    "d/.stowage-multipartz",
    "d/.stowage-lock-0123",
    "d/.stowage-lock-0123456789abcdef-c",
    "d/.stowage-locks",
  ];

  it("lists them (both modes) and reads, stats, overwrites and deletes them, with no warning", async () => {
    for (const name of names) await put(name);
    expect(await all({ prefix: s.key(""), limit: 2 })).toEqual([...names].sort());
    expect(await all({ prefix: s.key(""), delimiter: "/", limit: 100 })).toEqual([".stowage-keep.txt", ".stowage-multipart-old/(dir)", ".stowage-notes/(dir)", "d/(dir)"]);
    expect(await all({ prefix: s.key(".stowage-"), limit: 100 })).toEqual([".stowage-keep.txt", ".stowage-multipart-old/x", ".stowage-notes/n.txt"]);
    for (const name of names) {
      expect((await drain((await s.driver.read(s.key(name), {}, {})).stream)).toString()).toBe(name);
      expect(await s.driver.stat(s.key(name), {})).toMatchObject({ mode: "file", size: name.length });
    }
    await s.driver.write(s.key(".stowage-keep.txt"), buf("new"), {});
    await s.driver.write(s.key(".stowage-new/y"), buf("y"), {});
    expect(await readFile(join(s.root, ".stowage-keep.txt"), "utf8")).toBe("new");
    expect(await readFile(join(s.root, ".stowage-new/y"), "utf8")).toBe("y");
    await s.driver.delete(s.key(".stowage-notes/n.txt"), {});
    await expect(stat(join(s.root, ".stowage-notes/n.txt"))).rejects.toMatchObject({ code: "ENOENT" });
    expect(warnings).toEqual([]);
  });

  it("never lets the stale-temp cleanup of deleteDir remove them (a directory holding one is not empty)", async () => {
    await put("d/.stowage-tmp-notes", "mine");
    await put("d/.stowage-tmp-0123456789abcdef0123456", "mine too"); // 23 digits
    await old("d/.stowage-tmp-notes");
    await old("d/.stowage-tmp-0123456789abcdef0123456");
    await expectCode(s.driver.deleteDir(s.key("d/"), {}), "Conflict");
    expect(await readFile(join(s.root, "d/.stowage-tmp-notes"), "utf8")).toBe("mine");
    expect(await readFile(join(s.root, "d/.stowage-tmp-0123456789abcdef0123456"), "utf8")).toBe("mine too");
  });
});

describe("fs: the names the driver reserves for its own entries", () => {
  it("refuses every key through one (InvalidArgument, naming the reserved names), in either case", async () => {
    for (const key of [".stowage-multipart", ".stowage-multipart/x", "a/.STOWAGE-MULTIPART/x", `a/${TEMP}`, `a/${TEMP.toUpperCase()}`, LOCK, `a/${LOCK}-b`, `a/${LOCK.toUpperCase()}/x`]) {
      for (const call of [
        s.driver.write(s.key(key), buf("x"), {}),
        s.driver.read(s.key(key), {}, {}),
        s.driver.stat(s.key(key), {}),
        s.driver.delete(s.key(key), {}),
      ]) {
        const e = await call.then(() => undefined, (err: unknown) => err);
        expect(isStorageError(e, "InvalidArgument")).toBe(true);
        expect((e as Error).message).toContain(".stowage-multipart, .stowage-tmp-<24 hex digits> and .stowage-lock-<16 hex digits>[-b]");
      }
    }
  });

  it("leaves the driver's own entries out of listings, without a warning", async () => {
    const { multipartId } = await s.driver.createMultipart(s.key("up"), {});
    await s.driver.writePart(s.key("up"), multipartId, 0, buf("part"), {});
    await put(`sub/${TEMP}`, "a write in progress");
    await symlink("f", join(s.root, "sub/.stowage-tmp-fedcba9876543210fedcba98")); // createLink's temp
    await put("sub/f");
    await put(`sub/${LOCK}`, OWNER); // an append in progress
    await put(`sub/${LOCK}-b`, ""); // a guard just taken, its holder's name not written yet
    // Another store's staging, with its work_dir below this one's (the CLI's get into `nested/`).
    await mkdir(join(s.root, "nested/.stowage-multipart/0123456789abcdef0123456789abcdef"), { recursive: true });
    expect(await all({ prefix: s.key(""), limit: 100 })).toEqual(["sub/f"]);
    expect(await all({ prefix: s.key(""), delimiter: "/", limit: 100 })).toEqual(["nested/(dir)", "sub/(dir)"]);
    expect(await all({ prefix: s.key("sub/"), delimiter: "/", limit: 100 })).toEqual(["sub/f"]);
    expect(warnings).toEqual([]);
  });

  it("leaves out, and reports, entries under a reserved name that the driver did not make", async () => {
    await put(`a/${TEMP}/f`); // a directory named as a temp file
    await put("b/.stowage-multipart"); // a file named as the staging directory
    await put("c/.stowage-multipart/notes.txt"); // a staging directory holding a user's file
    await put(`d/${TEMP.toUpperCase()}`); // another case
    await put("e/f");
    await put(`g/${LOCK}/f`); // a directory named as a lock
    await put(`h/${LOCK.toUpperCase()}-B`); // another case of a guard
    await symlink("../e/f", join(s.root, `i-${LOCK}`)); // not a reserved name: an ordinary link
    await put("j/f");
    await symlink("f", join(s.root, `j/${LOCK}`)); // a link named as a lock
    expect(await all({ prefix: s.key(""), limit: 100 })).toEqual(["e/f", `i-${LOCK}`, "j/f"]);
    expect(warnings).toHaveLength(7);
    const [a, b, c, d, g, h, j] = [...warnings].sort();
    expect(g).toContain(`1 entry in ${join(s.root, "g")} not listed`);
    expect(g).toContain(LOCK);
    expect(h).toContain(`${LOCK.toUpperCase()}-B`);
    expect(j).toContain(`1 entry in ${join(s.root, "j")} not listed`);
    expect(a).toContain(`1 entry in ${join(s.root, "a")} not listed: the name is reserved for the fs driver's own files`);
    expect(a).toContain(TEMP);
    expect(b).toContain(`${join(s.root, "b")} not listed`);
    expect(b).toContain(".stowage-multipart");
    expect(c).toContain(`${join(s.root, "c")} not listed`);
    expect(d).toContain(TEMP.toUpperCase());
    // A listing of a prefix that does not take them in says nothing of them.
    warnings.length = 0;
    expect(await all({ prefix: s.key("a/x"), delimiter: "/", limit: 100 })).toEqual([]);
    expect(warnings).toEqual([]);
  });

  it("leaves out and reports a user's file named as a lock, and deleteDir never removes it", async () => {
    const older = (Date.now() - 60_000) / 1000; // beyond the locks' stale bound (30 s)
    await put(`k/${LOCK}`, "a user's notes, not a lock");
    await put(`l/${LOCK}-b`, "");
    await utimes(join(s.root, `l/${LOCK}-b`), older, older); // empty and old: no lock being made
    await put(`m/${LOCK}`, "a user's notes, not a lock");
    await utimes(join(s.root, `m/${LOCK}`), older, older);
    expect(await all({ prefix: s.key(""), limit: 100 })).toEqual([]);
    expect(warnings).toHaveLength(3);
    const [k, l, m] = [...warnings].sort();
    expect(k).toContain(`1 entry in ${join(s.root, "k")} not listed: the name is reserved for the fs driver's own files`);
    expect(k).toContain(LOCK);
    expect(l).toContain(`${LOCK}-b`);
    expect(m).toContain(LOCK);
    for (const dir of ["k", "l", "m"]) await expectCode(s.driver.deleteDir(s.key(`${dir}/`), {}), "Conflict");
    expect(await readFile(join(s.root, `l/${LOCK}-b`), "utf8")).toBe("");
    expect(await readFile(join(s.root, `m/${LOCK}`), "utf8")).toBe("a user's notes, not a lock");
  });

  it("reports both kinds a directory leaves out in one warning (the CLI counts one per directory)", async () => {
    await put("m/.stowage-multipart");
    await put("m/back\\slash");
    await put("m/f");
    expect(await all({ prefix: s.key("m/"), delimiter: "/", limit: 100 })).toEqual(["m/f"]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain("2 entries");
    expect(warnings[0]).toContain("back\\x5cslash");
    expect(warnings[0]).toContain("but these entries are not the driver's: .stowage-multipart");
  });
});
