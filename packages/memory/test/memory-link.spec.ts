import { randomUUID } from "node:crypto";
import { describe, expect, it } from "@jest/globals";
import { newStorager, type Storager } from "@stowage/core";
import { MemoryStorageDriver } from "@stowage/memory";
import { expectCode } from "./helpers.js";

/**
 * A storager on a fresh named store, with `x → y` and `y → x`: core refuses a link that closes a
 * loop, so the second link goes through the driver (a loop another writer made, as it were).
 */
async function withLoop(x: string, y: string): Promise<Storager> {
  const name = `loop-${randomUUID()}`;
  const s = newStorager(`memory://${name}/`);
  await s.createLink(x, y);
  await new MemoryStorageDriver(undefined, name).createLink(y, x, {});
  return s;
}

/** The memory driver's links beyond the behaviour suite: what follows them, what does not, and what is refused. */
describe("memory links", () => {
  const open = () => newStorager("memory://");

  it("copy follows a link and stores the target's bytes as a file", async () => {
    const s = open();
    await s.write("t", "target bytes");
    await s.createLink("l", "t");
    await s.copy("l", "c");
    expect((await s.stat("c")).mode).toBe("file");
    expect((await s.read("c")).toString()).toBe("target bytes");
  });

  it("move moves the link itself: the new path is a link to the same target, the target stays", async () => {
    const s = open();
    await s.write("t", "x");
    await s.createLink("l", "t");
    await s.move("l", "m");
    const moved = await s.stat("m");
    expect(moved.mode).toBe("link");
    expect(moved.linkTarget).toBe("/t");
    await expectCode(s.stat("l"), "ObjectNotExist");
    expect((await s.read("t")).toString()).toBe("x");
  });

  it("reads follow a chain of links, and give up on a loop with InvalidArgument", async () => {
    const s = open();
    await s.write("t", "end");
    await s.createLink("a", "t");
    await s.createLink("b", "a");
    expect((await s.read("b")).toString()).toBe("end");
    await s.createLink("x", "y");
    await expectCode(s.createLink("y", "x"), "InvalidArgument");
    await expectCode((await withLoop("x", "y")).read("x"), "InvalidArgument");
  });

  it("a directory at the link's path is ObjectModeInvalid and stays a directory", async () => {
    const s = open();
    await s.write("d/f", "1");
    await expectCode(s.createLink("d", "t"), "ObjectModeInvalid");
    expect((await s.stat("d", { mode: "dir" })).mode).toBe("dir");
  });

  it("a write over a link replaces the link, not its target", async () => {
    const s = open();
    await s.write("t", "old");
    await s.createLink("l", "t");
    await s.write("l", "new");
    expect((await s.stat("l")).mode).toBe("file");
    expect((await s.read("t")).toString()).toBe("old");
  });

  it("reports link targets relative to the bucket root whatever the work_dir", async () => {
    const s = newStorager("memory:///wd/");
    const o = await s.createLink("sub/l", "/wd/t");
    expect(o.path).toBe("sub/l");
    expect(o.linkTarget).toBe("/wd/t");
    const listed = [];
    for await (const item of s.list("sub/")) listed.push(item);
    expect(listed.map((i) => [i.path, i.mode, i.linkTarget])).toEqual([["sub/l", "link", "/wd/t"]]);
  });
  it("conditions on a read through a link compare the target's ETag, concurrent ranges included; a 0-byte read checks them too", async () => {
    const s = open();
    const data = Buffer.alloc(50_000, 3);
    await s.write("t", data);
    await s.createLink("l", "t");
    const etag = (await s.stat("t")).etag!;
    expect((await s.read("l", { ifMatch: etag })).equals(data)).toBe(true);
    expect((await s.read("l", { ifMatch: etag, readConcurrency: 3, readPartSize: 10_000 })).equals(data)).toBe(true);
    await expectCode(s.read("l", { ifNoneMatch: etag, readConcurrency: 3, readPartSize: 10_000 }), "Conflict");
    await expectCode(s.read("t", { ifMatch: '"other"', size: 0 }), "Conflict");
  });
  it("refuses to move a link onto its target however long the chain (past the hop limit too); the target keeps its bytes", async () => {
    const s = open();
    await s.write("t", "precious");
    await s.createLink("c0", "t");
    for (let i = 1; i <= 9; i++) await s.createLink(`c${i}`, `c${i - 1}`);
    await expectCode(s.move("c9", "t"), "InvalidArgument");
    await expectCode(s.move("c5", "t"), "InvalidArgument");
    expect((await s.stat("t")).mode).toBe("file");
  });

  it("a 0-byte read checks its conditions against what it would read: a link's target", async () => {
    const s = open();
    await s.write("t", "x");
    await s.createLink("l", "t");
    const etag = (await s.stat("t")).etag!;
    expect((await s.read("l", { ifMatch: etag, size: 0 })).length).toBe(0);
    await expectCode(s.read("l", { ifMatch: '"nope"', size: 0 }), "Conflict");
    await expectCode(s.read("l", { ifNoneMatch: etag, size: 0 }), "Conflict");
  });
  it("moves a looping or long-chained link anywhere else (only the move onto its target is refused); a 0-byte read of a link to a directory is ObjectModeInvalid", async () => {
    const s = await withLoop("a", "b");
    await s.move("a", "z");
    expect((await s.stat("z")).linkTarget).toBe("/b");
    await s.write("t", "x");
    await s.createLink("c0", "t");
    for (let i = 1; i <= 12; i++) await s.createLink(`c${i}`, `c${i - 1}`);
    await s.move("c12", "elsewhere");
    expect((await s.stat("elsewhere")).mode).toBe("link");
    await s.write("d/f", "1");
    await s.createLink("ld", "d");
    await expectCode(s.read("ld", { size: 0 }), "ObjectModeInvalid");
  });
});
