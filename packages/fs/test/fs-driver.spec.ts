import { execFileSync } from "node:child_process";
import { link, mkdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "@jest/globals";
import { buf, drain, expectCode, md5, streamBody } from "./helpers.js";
import { sandbox, type Sandbox } from "./setup.js";

let s: Sandbox;
beforeEach(async () => {
  s = await sandbox();
});
afterEach(async () => {
  await s.cleanup();
});

describe("fs driver: objects", () => {
  it("writes a file at /key, stats and reads it back", async () => {
    const result = await s.driver.write(s.key("a/b.txt"), buf("hello world"), {});
    expect(await readFile(join(s.root, "a/b.txt"), "utf8")).toBe("hello world");
    const st = await s.driver.stat(s.key("a/b.txt"), {});
    expect(st).toMatchObject({ key: s.key("a/b.txt"), mode: "file", size: 11, etag: result.etag });
    expect(st.lastModified).toBeInstanceOf(Date);
    const read = await s.driver.read(s.key("a/b.txt"), {}, {});
    expect((await drain(read.stream)).toString()).toBe("hello world");
    expect(read.object?.size).toBe(11);
  });

  it("never takes a key ending in / for the file without it: a/ is no object, d/ a directory", async () => {
    await s.driver.write(s.key("a"), buf("hello"), {});
    await s.driver.createDir(s.key("d/"), {});
    await expectCode(s.driver.read(s.key("a/"), {}, {}), "ObjectNotExist");
    await expectCode(s.driver.read(s.key("d/"), {}, {}), "ObjectModeInvalid");
    await expectCode(s.driver.copy(s.key("a/"), s.key("c"), {}), "ObjectNotExist");
    await expectCode(s.driver.move(s.key("a/"), s.key("c"), {}), "ObjectNotExist");
    await expectCode(s.driver.writeAppend!(s.key("a/"), 5, buf("!"), {}), "ObjectNotExist");
    await expectCode(s.driver.createMultipart!(s.key("a/"), {}), "InvalidArgument");
    await s.driver.delete(s.key("a/"), {});
    await expectCode(s.driver.delete(s.key("d/"), {}), "ObjectModeInvalid");
    expect(await readFile(join(s.root, "a"), "utf8")).toBe("hello");
    expect((await stat(join(s.root, "d"))).isDirectory()).toBe(true);
    await expectCode(s.driver.stat(s.key("c"), {}), "ObjectNotExist");
  });

  it("moving a file onto another name of itself keeps the file: nothing to do through a bind mount, the source name goes for a hard link", async () => {
    await mkdir(join(s.root, "d"));
    await s.driver.write(s.key("d/f.txt"), buf("only copy"), {});
    await mkdir(join(s.root, "m"));
    let bound = false;
    try {
      execFileSync("mount", ["--bind", join(s.root, "d"), join(s.root, "m")], { stdio: "ignore" });
      bound = true; // rename(2) across the two mounts fails with EXDEV: the copy-and-delete path
    } catch {
      await link(join(s.root, "d/f.txt"), join(s.root, "m/f.txt")); // rename(2) of two links to one file does nothing
    }
    try {
      await s.driver.move(s.key("d/f.txt"), s.key("m/f.txt"), {});
      expect(await readFile(join(s.root, "m/f.txt"), "utf8")).toBe("only copy");
      // Through the mount both names are one entry; as hard links, mv(1) removes the source name.
      expect(await stat(join(s.root, "d/f.txt")).then(() => true, () => false)).toBe(bound);
    } finally {
      if (bound) execFileSync("umount", [join(s.root, "m")]);
    }
  });

  it("moving a hard link onto another link of the same file removes the source name, as mv(1) does", async () => {
    await s.driver.write(s.key("a.txt"), buf("shared"), {});
    await link(join(s.root, "a.txt"), join(s.root, "b.txt"));
    await s.driver.move(s.key("a.txt"), s.key("b.txt"), {});
    expect(await readFile(join(s.root, "b.txt"), "utf8")).toBe("shared");
    await expectCode(s.driver.stat(s.key("a.txt"), {}), "ObjectNotExist");
  });

  it("reads ranges and nothing past the end", async () => {
    await s.driver.write(s.key("r"), buf("0123456789"), {});
    const part = async (range: { offset?: number; size?: number }) => (await drain((await s.driver.read(s.key("r"), range, {})).stream)).toString();
    expect(await part({ offset: 3 })).toBe("3456789");
    expect(await part({ size: 4 })).toBe("0123");
    expect(await part({ offset: 2, size: 3 })).toBe("234");
    expect(await part({ offset: 2, size: 0 })).toBe("");
    expect(await part({ offset: 99 })).toBe("");
  });

  it("streams a large body and overwrites completely", async () => {
    const big = Buffer.alloc(3 * 1024 * 1024 + 5, 7);
    await s.driver.write(s.key("big"), streamBody(big, 65536), {});
    expect((await stat(join(s.root, "big"))).size).toBe(big.length);
    await s.driver.write(s.key("big"), buf("small"), {});
    expect(await readFile(join(s.root, "big"), "utf8")).toBe("small");
  });

  it("refuses a body of the wrong length and leaves nothing behind", async () => {
    await expectCode(s.driver.write(s.key("short"), { data: streamBody(Buffer.from("abc")).data, size: 4 }, {}), "InvalidArgument");
    await expectCode(s.driver.write(s.key("long"), { data: streamBody(Buffer.from("abcde")).data, size: 4 }, {}), "InvalidArgument");
    await expectCode(s.driver.stat(s.key("short"), {}), "ObjectNotExist");
    expect((await s.driver.listPage({ prefix: s.key(""), limit: 10 }, {})).items).toEqual([]);
  });

  it("checks Content-MD5", async () => {
    await s.driver.write(s.key("m"), { ...buf("data"), contentMd5: md5("data") }, {});
    await expectCode(s.driver.write(s.key("m"), { ...buf("new"), contentMd5: md5("other") }, {}), "IntegrityMismatch");
    // Refused before storing, as a cloud's 400 BadDigest (core reads a mismatch without a status as bytes stored wrong).
    await expect(s.driver.write(s.key("m"), { ...buf("new"), contentMd5: md5("other") }, {})).rejects.toMatchObject({ statusCode: 400 });
    expect(await readFile(join(s.root, "m"), "utf8")).toBe("data");
  });

  it("reports missing objects and deletes idempotently", async () => {
    await expectCode(s.driver.stat(s.key("nope"), {}), "ObjectNotExist");
    await expectCode(s.driver.read(s.key("nope"), {}, {}), "ObjectNotExist");
    await expectCode(s.driver.read(s.key("nope/deeper"), {}, {}), "ObjectNotExist");
    await s.driver.write(s.key("gone"), buf("1"), {});
    await s.driver.delete(s.key("gone"), {});
    await s.driver.delete(s.key("gone"), {});
    await expectCode(s.driver.stat(s.key("gone"), {}), "ObjectNotExist");
  });

  it("refuses to write onto a directory or under a file", async () => {
    await s.driver.createDir(s.key("d/"), {});
    await expectCode(s.driver.write(s.key("d"), buf("x"), {}), "ObjectModeInvalid");
    await s.driver.write(s.key("f"), buf("x"), {});
    await expectCode(s.driver.write(s.key("f/child"), buf("x"), {}), "ObjectModeInvalid");
    await expectCode(s.driver.read(s.key("d"), {}, {}), "ObjectModeInvalid");
    await expectCode(s.driver.delete(s.key("d"), {}), "ObjectModeInvalid");
  });
});

describe("fs driver: special files", () => {
  it("refuses to read a FIFO (without hanging) and does not list it", async () => {
    execFileSync("mkfifo", [join(s.root, "pipe")]);
    await expectCode(s.driver.read(s.key("pipe"), {}, {}), "ObjectModeInvalid");
    await expectCode(s.driver.stat(s.key("pipe"), {}), "ObjectModeInvalid");
    expect((await s.driver.listPage({ prefix: s.key(""), delimiter: "/", limit: 5 }, {})).items).toEqual([]);
  });
});

describe("fs driver: directories", () => {
  it("creates dirs with parents, idempotently, and stats them", async () => {
    expect(await s.driver.createDir(s.key("x/y/"), {})).toMatchObject({ key: s.key("x/y/"), mode: "dir" });
    await s.driver.createDir(s.key("x/y/"), {});
    expect((await s.driver.stat(s.key("x/y/"), { mode: "dir" })).mode).toBe("dir");
    expect((await s.driver.stat(s.key("x/"), { mode: "dir" })).mode).toBe("dir");
    await expectCode(s.driver.stat(s.key("z/"), { mode: "dir" }), "ObjectNotExist");
    await s.driver.write(s.key("file"), buf("x"), {});
    await expectCode(s.driver.stat(s.key("file/"), { mode: "dir" }), "ObjectNotExist");
    await expectCode(s.driver.createDir(s.key("file/"), {}), "ObjectModeInvalid");
  });

  it("deletes empty dirs only; a missing one is fine", async () => {
    await s.driver.write(s.key("e/f"), buf("x"), {});
    await expectCode(s.driver.deleteDir(s.key("e/"), {}), "Conflict");
    await s.driver.delete(s.key("e/f"), {});
    await s.driver.deleteDir(s.key("e/"), {});
    await s.driver.deleteDir(s.key("e/"), {});
    await expectCode(s.driver.stat(s.key("e/"), { mode: "dir" }), "ObjectNotExist");
  });
});

describe("fs driver: copy and move", () => {
  it("copies over a file dst and keeps the source", async () => {
    await s.driver.write(s.key("src"), buf("source"), {});
    await s.driver.write(s.key("dst"), buf("old destination"), {});
    await s.driver.copy(s.key("src"), s.key("dst"), {});
    expect(await readFile(join(s.root, "dst"), "utf8")).toBe("source");
    expect(await readFile(join(s.root, "src"), "utf8")).toBe("source");
  });

  it("moves into a new dir and removes the source; a second move finds nothing", async () => {
    await s.driver.write(s.key("m1"), buf("moving"), {});
    await s.driver.move(s.key("m1"), s.key("sub/m2"), {});
    await expectCode(s.driver.stat(s.key("m1"), {}), "ObjectNotExist");
    expect(await readFile(join(s.root, "sub/m2"), "utf8")).toBe("moving");
    await expectCode(s.driver.move(s.key("m1"), s.key("sub/m2"), {}), "ObjectNotExist");
  });

  it("refuses dirs as source or destination", async () => {
    await s.driver.write(s.key("s"), buf("x"), {});
    await s.driver.createDir(s.key("dir/"), {});
    await expectCode(s.driver.copy(s.key("s"), s.key("dir"), {}), "ObjectModeInvalid");
    await expectCode(s.driver.move(s.key("s"), s.key("dir"), {}), "ObjectModeInvalid");
    await expectCode(s.driver.copy(s.key("dir"), s.key("t"), {}), "ObjectModeInvalid");
    await expectCode(s.driver.copy(s.key("missing"), s.key("t"), {}), "ObjectNotExist");
    expect(await readFile(join(s.root, "s"), "utf8")).toBe("x");
  });
});

describe("fs driver: append", () => {
  it("creates, appends at the file size, truncates on create", async () => {
    expect(await s.driver.createAppend(s.key("ap"), {})).toMatchObject({ mode: "append", appendOffset: 0 });
    expect(await s.driver.writeAppend(s.key("ap"), 0, buf("hello "), {})).toEqual({ appendOffset: 6 });
    expect(await s.driver.writeAppend(s.key("ap"), 6, buf("world"), {})).toEqual({ appendOffset: 11 });
    await expectCode(s.driver.writeAppend(s.key("ap"), 6, buf("!"), {}), "Conflict");
    await s.driver.commitAppend(s.key("ap"), {});
    expect(await readFile(join(s.root, "ap"), "utf8")).toBe("hello world");
    await s.driver.createAppend(s.key("ap"), {});
    expect((await stat(join(s.root, "ap"))).size).toBe(0);
  });

  it("cuts a failed append back off and refuses a missing file", async () => {
    await s.driver.createAppend(s.key("ap"), {});
    await s.driver.writeAppend(s.key("ap"), 0, buf("keep"), {});
    await expectCode(s.driver.writeAppend(s.key("ap"), 4, { ...buf("bad"), contentMd5: md5("good") }, {}), "IntegrityMismatch");
    await expectCode(s.driver.writeAppend(s.key("ap"), 4, { data: streamBody(Buffer.from("ab")).data, size: 3 }, {}), "InvalidArgument");
    expect(await readFile(join(s.root, "ap"), "utf8")).toBe("keep");
    await expectCode(s.driver.writeAppend(s.key("none"), 0, buf("y"), {}), "ObjectNotExist");
  });
});
