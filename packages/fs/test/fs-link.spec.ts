import { lstat, mkdir, readFile, readlink, rename, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "@jest/globals";
import { FsStorageDriver } from "../src/storager.js";
import { buf, drain, expectCode, tree } from "./helpers.js";
import { sandbox, type Sandbox } from "./setup.js";

let s: Sandbox;
beforeEach(async () => {
  s = await sandbox();
});
afterEach(async () => {
  await s.cleanup();
});

async function text(key: string, driver: FsStorageDriver = s.driver): Promise<string> {
  return (await drain((await driver.read(key, {}, {})).stream)).toString();
}

describe("fs driver: symbolic links", () => {
  it("stores the target relative to the link's directory, creating missing parents", async () => {
    const o = await s.driver.createLink!(s.key("a/b/link"), s.key("t/x"), {});
    expect(o).toEqual({ key: s.key("a/b/link"), mode: "link", linkTarget: join(s.root, "t/x"), lastModified: expect.any(Date) });
    expect(await readlink(join(s.root, "a/b/link"))).toBe("../../t/x");
    await s.driver.createLink!(s.key("same"), s.key("dir/t"), {});
    expect(await readlink(join(s.root, "same"))).toBe("dir/t");
    expect(await tree(s.root)).toEqual(["a", "a/b", "a/b/link", "same"]);
  });

  it("keeps working when the work_dir is moved as a whole", async () => {
    await s.driver.write(s.key("t"), buf("target bytes"), {});
    await s.driver.createLink!(s.key("d/l"), s.key("t"), {});
    const moved = join(s.tmp, "moved");
    await rename(s.root, moved);
    const d = new FsStorageDriver(moved + "/");
    const key = (p: string): string => moved.slice(1) + "/" + p;
    expect(await text(key("d/l"), d)).toBe("target bytes");
    expect((await d.stat(key("d/l"), {})).linkTarget).toBe(join(moved, "t"));
  });

  it("replaces a link or a file atomically; a directory at the path is ObjectModeInvalid and stays", async () => {
    await s.driver.write(s.key("t1"), buf("one"), {});
    await s.driver.write(s.key("t2"), buf("two"), {});
    await s.driver.write(s.key("l"), buf("a file"), {});
    await s.driver.createLink!(s.key("l"), s.key("t1"), {});
    expect(await text(s.key("l"))).toBe("one");
    await s.driver.createLink!(s.key("l"), s.key("t2"), {});
    expect(await text(s.key("l"))).toBe("two");
    await s.driver.write(s.key("full/inner"), buf("kept"), {});
    await mkdir(join(s.root, "empty"));
    await expectCode(s.driver.createLink!(s.key("full"), s.key("t1"), {}), "ObjectModeInvalid");
    await expectCode(s.driver.createLink!(s.key("empty"), s.key("t1"), {}), "ObjectModeInvalid");
    await expectCode(s.driver.createLink!(s.key("t1/under"), s.key("t2"), {}), "ObjectModeInvalid");
    expect(await tree(s.root)).toEqual(["empty", "full", "full/inner", "l", "t1", "t2"]);
  });

  it("refuses a link to itself, a reserved target and a target leading outside, creating nothing", async () => {
    await symlink(s.outside, join(s.root, "escape"));
    await expectCode(s.driver.createLink!(s.key("l"), s.key("l"), {}), "InvalidArgument");
    await expectCode(s.driver.createLink!(s.key("l"), s.key("x/../l"), {}), "InvalidArgument");
    await expectCode(s.driver.createLink!(s.key("l"), s.key(".stowage-multipart/x"), {}), "InvalidArgument");
    await expectCode(s.driver.createLink!(s.key("l"), s.key("../outside/x"), {}), "InvalidArgument");
    await expectCode(s.driver.createLink!(s.key("l"), s.key("escape/x"), {}), "InvalidArgument");
    // The refusal names the target, by its absolute path, as core's does.
    await expect(s.driver.createLink!(s.key("l"), s.key("escape/x"), {})).rejects.toThrow(`link target "${join(s.root, "escape/x")}": path escapes work_dir`);
    await expectCode(s.driver.createLink!(s.key("escape/l"), s.key("t"), {}), "InvalidArgument");
    await expectCode(s.driver.createLink!(s.key("l/"), s.key("t"), {}), "InvalidArgument");
    expect(await tree(s.root)).toEqual(["escape"]);
    expect(await tree(s.outside)).toEqual([]);
  });

  it("a link in a directory reached through a symlink leads where it says", async () => {
    await s.driver.write(s.key("t"), buf("top"), {});
    await mkdir(join(s.root, "real/deep"), { recursive: true });
    // One level in the path, two on disk: a target relative to the path would miss.
    await symlink(join(s.root, "real/deep"), join(s.root, "alias"));
    const o = await s.driver.createLink!(s.key("alias/link"), s.key("t"), {});
    expect(o.linkTarget).toBe(join(s.root, "t"));
    expect(await readlink(join(s.root, "real/deep/link"))).toBe("../../t");
    expect(await text(s.key("alias/link"))).toBe("top");
    expect((await s.driver.stat(s.key("alias/link"), {})).linkTarget).toBe(join(s.root, "t"));
    expect((await s.driver.stat(s.key("real/deep/link"), {})).linkTarget).toBe(join(s.root, "t"));
    const listed = (await s.driver.listPage({ prefix: s.key("alias/"), delimiter: "/", limit: 5 }, {})).items;
    expect(listed.map((i) => [i.key, i.linkTarget])).toEqual([[s.key("alias/link"), join(s.root, "t")]]);
  });

  it("a link to a directory is a link to stat, list and delete; the directory key follows it", async () => {
    await s.driver.write(s.key("real/f"), buf("f"), {});
    await s.driver.createLink!(s.key("dl"), s.key("real"), {});
    expect(await s.driver.stat(s.key("dl"), {})).toMatchObject({ mode: "link", linkTarget: join(s.root, "real") });
    expect((await s.driver.stat(s.key("dl/"), {})).mode).toBe("dir");
    await expectCode(s.driver.read(s.key("dl"), {}, {}), "ObjectModeInvalid");
    const all = await s.driver.listPage({ prefix: s.key(""), limit: 10 }, {});
    expect(all.items.map((o) => [o.key, o.mode])).toEqual([
      [s.key("dl"), "link"],
      [s.key("real/f"), "file"],
    ]);
    const inside = await s.driver.listPage({ prefix: s.key("dl/"), delimiter: "/", limit: 10 }, {});
    expect(inside.items.map((o) => o.key)).toEqual([s.key("dl/f")]);
    await s.driver.delete(s.key("dl"), {});
    expect(await tree(s.root)).toEqual(["real", "real/f"]);
  });

  it("a link pointing at its own parent directory is listed, never walked into", async () => {
    await s.driver.write(s.key("d/f"), buf("f"), {});
    await s.driver.createLink!(s.key("d/up"), s.key("d"), {});
    expect(await readlink(join(s.root, "d/up"))).toBe(".");
    const all = await s.driver.listPage({ prefix: s.key(""), limit: 10 }, {});
    expect(all.items.map((o) => o.key)).toEqual([s.key("d/f"), s.key("d/up")]);
  });

  it("pages through links like any item, in both modes", async () => {
    await s.driver.write(s.key("b/f"), buf("f"), {});
    await s.driver.write(s.key("z"), buf("z"), {});
    await s.driver.createLink!(s.key("a"), s.key("z"), {});
    await s.driver.createLink!(s.key("b/l"), s.key("b"), {});
    await s.driver.createLink!(s.key("b0"), s.key("b"), {});
    for (const [delimiter, expected] of [
      ["/", ["a", "b/", "b0", "z"]],
      [undefined, ["a", "b/f", "b/l", "b0", "z"]],
    ] as const) {
      const seen: string[] = [];
      let token: string | undefined;
      for (let pages = 0; pages < 20; pages++) {
        const page = await s.driver.listPage({ prefix: s.key(""), limit: 1, ...(delimiter ? { delimiter } : {}), ...(token ? { token } : {}) }, {});
        seen.push(...page.items.map((o) => o.key.slice(s.key("").length)));
        token = page.nextToken;
        if (token === undefined) break;
      }
      expect(seen).toEqual(expected);
    }
  });

  it("a loop of links stats and lists; reading it is InvalidArgument", async () => {
    await s.driver.createLink!(s.key("a"), s.key("b"), {});
    await s.driver.createLink!(s.key("b"), s.key("a"), {});
    expect((await s.driver.stat(s.key("a"), {})).linkTarget).toBe(join(s.root, "b"));
    await expectCode(s.driver.read(s.key("a"), {}, {}), "InvalidArgument");
    const page = await s.driver.listPage({ prefix: s.key(""), delimiter: "/", limit: 10 }, {});
    expect(page.items.map((o) => [o.key, o.mode])).toEqual([
      [s.key("a"), "link"],
      [s.key("b"), "link"],
    ]);
  });

  it("move keeps a link's target (dangling ones too); copy copies the target's bytes", async () => {
    await s.driver.write(s.key("t"), buf("bytes"), {});
    await s.driver.createLink!(s.key("l"), s.key("t"), {});
    await s.driver.move(s.key("l"), s.key("sub/dir/l2"), {});
    await expectCode(s.driver.stat(s.key("l"), {}), "ObjectNotExist");
    expect((await s.driver.stat(s.key("sub/dir/l2"), {})).linkTarget).toBe(join(s.root, "t"));
    expect(await readlink(join(s.root, "sub/dir/l2"))).toBe("../../t");
    expect(await text(s.key("sub/dir/l2"))).toBe("bytes");
    await s.driver.copy(s.key("sub/dir/l2"), s.key("c"), {});
    expect(await s.driver.stat(s.key("c"), {})).toMatchObject({ mode: "file", size: 5 });
    await s.driver.createLink!(s.key("dangling"), s.key("missing"), {});
    await s.driver.move(s.key("dangling"), s.key("sub/dangling"), {});
    expect((await s.driver.stat(s.key("sub/dangling"), {})).linkTarget).toBe(join(s.root, "missing"));
    await expectCode(s.driver.move(s.key("sub/dir/l2"), s.key("t"), {}), "InvalidArgument");
    expect(await readFile(join(s.root, "t"), "utf8")).toBe("bytes");
    expect((await s.driver.stat(s.key("sub/dir/l2"), {})).mode).toBe("link");
  });

  it("writing over a link replaces the link, never its target, even a link to a directory", async () => {
    await s.driver.write(s.key("t"), buf("target"), {});
    await s.driver.write(s.key("real/f"), buf("f"), {});
    await s.driver.createLink!(s.key("l"), s.key("t"), {});
    await s.driver.createLink!(s.key("dl"), s.key("real"), {});
    await s.driver.write(s.key("l"), buf("new"), {});
    await s.driver.write(s.key("dl"), buf("new too"), {});
    expect(await readFile(join(s.root, "t"), "utf8")).toBe("target");
    expect((await lstat(join(s.root, "l"))).isFile()).toBe(true);
    expect((await lstat(join(s.root, "dl"))).isFile()).toBe(true);
    expect(await tree(join(s.root, "real"))).toEqual(["f"]);
  });

  it("reports a link another process made, with an absolute or a relative target", async () => {
    await writeFile(join(s.root, "t"), "t");
    await symlink(join(s.root, "t"), join(s.root, "abs"));
    await mkdir(join(s.root, "d"));
    await symlink("../t", join(s.root, "d/rel"));
    expect((await s.driver.stat(s.key("abs"), {})).linkTarget).toBe(join(s.root, "t"));
    expect((await s.driver.stat(s.key("d/rel"), {})).linkTarget).toBe(join(s.root, "t"));
    expect(await text(s.key("d/rel"))).toBe("t");
  });
  it("refuses to move a link onto its own target reached through a linked directory; the target keeps its bytes", async () => {
    await s.driver.write(s.key("real/file"), buf("the data"), {});
    await s.driver.createLink!(s.key("alias"), s.key("real"), {});
    await s.driver.createLink!(s.key("l"), s.key("alias/file"), {});
    await expectCode(s.driver.move(s.key("l"), s.key("real/file"), {}), "InvalidArgument");
    expect(await text(s.key("real/file"))).toBe("the data");
    expect((await s.driver.stat(s.key("l"), {})).mode).toBe("link");
  });
  it("moving a link onto itself through a linked directory keeps it", async () => {
    await s.driver.write(s.key("real/f"), buf("data"), {});
    await s.driver.createLink!(s.key("real/l"), s.key("real/f"), {});
    await s.driver.createLink!(s.key("alias"), s.key("real"), {});
    await s.driver.move(s.key("alias/l"), s.key("real/l"), {});
    expect((await s.driver.stat(s.key("real/l"), {})).mode).toBe("link");
    expect(await text(s.key("real/l"))).toBe("data");
  });
});
