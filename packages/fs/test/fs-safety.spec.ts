import { chmod, lstat, mkdir, readFile, readdir, stat, symlink, utimes, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, jest } from "@jest/globals";
import type { DriverListRequest } from "@stowage/core";
import { buf, drain, expectCode, streamBody } from "./helpers.js";
import { sandbox, type Sandbox } from "./setup.js";
import { STALE_TEMP_MS } from "../src/stale-temps.js";
import { UNLISTED_WARNING } from "../src/unlisted.js";

let s: Sandbox;
beforeEach(async () => {
  s = await sandbox();
});
afterEach(async () => {
  await s.cleanup();
});

/** Every item of a listing of the whole store, as relative paths (bounded). */
async function keys(mode: "prefix" | "dir"): Promise<string[]> {
  const out: string[] = [];
  let token: string | undefined;
  for (let pages = 0; pages < 100; pages++) {
    const request: DriverListRequest = mode === "dir" ? { prefix: s.key(""), delimiter: "/", limit: 2 } : { prefix: s.key(""), limit: 2 };
    const page = await s.driver.listPage(token === undefined ? request : { ...request, token }, {});
    out.push(...page.items.map((o) => o.key.slice(s.key("").length)));
    token = page.nextToken;
    if (token === undefined) break;
  }
  return out;
}

describe("fs driver: appends at one position", () => {
  it("of two appends at the same position, one succeeds and the other is Conflict; the file holds the winner's bytes whole", async () => {
    await s.driver.createAppend(s.key("log"), {});
    await s.driver.writeAppend(s.key("log"), 0, buf("start\n"), {});
    const a = Buffer.from("writer-A-record\n".repeat(2000));
    const b = Buffer.from("writer-B-rec\n".repeat(2000));
    const results = await Promise.allSettled([
      s.driver.writeAppend(s.key("log"), 6, streamBody(a, 4096), {}),
      s.driver.writeAppend(s.key("log"), 6, streamBody(b, 4096), {}),
    ]);
    const won = results.filter((r) => r.status === "fulfilled");
    const lost = results.filter((r) => r.status === "rejected");
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect((lost[0] as PromiseRejectedResult).reason).toMatchObject({ code: "Conflict" });
    const winner = results[0]!.status === "fulfilled" ? a : b;
    expect((await readFile(join(s.root, "log"))).equals(Buffer.concat([Buffer.from("start\n"), winner]))).toBe(true);
  });
});

describe("fs driver: names no key can address", () => {
  it("lists neither a name with a backslash nor one that is not UTF-8, so no listed path reaches another file", async () => {
    await mkdir(join(s.root, "a"));
    await writeFile(join(s.root, "a/b"), "OTHER-FILE");
    await writeFile(join(s.root, "a\\b"), "backslash");
    await writeFile(Buffer.concat([Buffer.from(join(s.root, "x")), Buffer.from([0xff]), Buffer.from("y")]), "latin-1");
    await writeFile(join(s.root, "é"), "utf-8 name");
    const warn = jest.spyOn(process, "emitWarning").mockImplementation(() => undefined);
    try {
      expect(await keys("prefix")).toEqual(["a/b", "é"]);
      expect(await keys("dir")).toEqual(["a/", "é"]);
      // Left out, but not silently: each listing of the directory says so, with the names escaped.
      const calls = warn.mock.calls as unknown as Array<[string, { code?: string }]>;
      expect(calls.length).toBeGreaterThan(0);
      expect(calls.every(([, options]) => options.code === UNLISTED_WARNING)).toBe(true);
      expect(calls[0]![0]).toContain("2 entries");
      expect(calls[0]![0]).toContain("a\\x5cb");
      expect(calls[0]![0]).toContain("x\\xffy");
    } finally {
      warn.mockRestore();
    }
  });
});

describe("fs driver: deleting directories", () => {
  it("removes a temp file left by a write that died an hour ago, and keeps a fresh one (a write in progress)", async () => {
    await mkdir(join(s.root, "d"));
    const stale = join(s.root, "d/.stowage-tmp-0123456789abcdef01234567");
    await writeFile(stale, Buffer.alloc(1024));
    const old = (Date.now() - STALE_TEMP_MS - 60_000) / 1000;
    await utimes(stale, old, old);
    await s.driver.deleteDir(s.key("d/"), {});
    await expect(stat(join(s.root, "d"))).rejects.toMatchObject({ code: "ENOENT" });

    await mkdir(join(s.root, "e"));
    const fresh = join(s.root, "e/.stowage-tmp-fedcba9876543210fedcba98");
    await writeFile(fresh, "in progress");
    await expectCode(s.driver.deleteDir(s.key("e/"), {}), "Conflict");
    expect(await readFile(fresh, "utf8")).toBe("in progress");
  });

  it("keeps the work_dir itself, with its mode", async () => {
    await chmod(s.root, 0o2770);
    await s.driver.deleteDir(s.key(""), {});
    const st = await stat(s.root);
    expect(st.isDirectory()).toBe(true);
    expect(st.mode & 0o7777).toBe(0o2770);
  });

  it("refuses a link to a directory as a link, not as a bad parent, and keeps it", async () => {
    await mkdir(join(s.root, "real"));
    await symlink("real", join(s.root, "alias"));
    await writeFile(join(s.root, "plain"), "x");
    await expect(s.driver.deleteDir(s.key("alias/"), {})).rejects.toMatchObject({ code: "ObjectModeInvalid", message: expect.stringContaining("link to a directory") });
    expect((await lstat(join(s.root, "alias"))).isSymbolicLink()).toBe(true);
    await expect(s.driver.deleteDir(s.key("plain/"), {})).rejects.toMatchObject({ code: "ObjectModeInvalid", message: expect.stringContaining("is a file") });
    expect(await readdir(s.root)).toEqual(expect.arrayContaining(["alias", "plain", "real"]));
  });
});

describe("fs driver: move onto a link to the source", () => {
  it("replaces the link with the file: the bytes survive", async () => {
    await s.driver.write(s.key("f"), buf("precious"), {});
    await symlink("f", join(s.root, "l"));
    await s.driver.move(s.key("f"), s.key("l"), {});
    expect((await lstat(join(s.root, "l"))).isFile()).toBe(true);
    expect((await drain((await s.driver.read(s.key("l"), {}, {})).stream)).toString()).toBe("precious");
    await expect(lstat(join(s.root, "f"))).rejects.toMatchObject({ code: "ENOENT" });
  });
});
