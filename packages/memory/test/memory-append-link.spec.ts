import { describe, expect, it } from "@jest/globals";
import { crc64, newStorager } from "@stowage/core";
import "@stowage/memory";
import { expectCode } from "./helpers.js";

/** An append through a link goes onto the append object the link leads to, and the link stays (as fs does through a symlink). */
describe("memory: writeAppend through a link", () => {
  const open = () => newStorager("memory://");

  it("appends to the link's target and keeps the link", async () => {
    const s = open();
    const target = await s.createAppend("target.log");
    await s.writeAppend(target, "abc");
    await s.createLink("link.log", "target.log");
    const viaLink = { path: "link.log", mode: "append" as const, appendOffset: 3, crc64: target.crc64! };
    const result = await s.writeAppend(viaLink, "def");
    expect(result).toEqual({ size: 3, appendOffset: 6, crc64: crc64(Buffer.from("abcdef")).toString(), crc64Confirmed: true });
    expect((await s.read("target.log")).toString()).toBe("abcdef");
    const link = await s.stat("link.log");
    expect(link.mode).toBe("link");
    expect(link.linkTarget).toBe("/target.log");
    const stored = await s.stat("target.log");
    expect([stored.mode, stored.size, stored.appendOffset]).toEqual(["append", 6, 6]);
    // The target's own append object goes on from where the link's left it.
    await expectCode(s.writeAppend(target, "x"), "Conflict");
    await s.writeAppend({ ...stored }, "ghi");
    expect((await s.read("link.log")).toString()).toBe("abcdefghi");
  });

  it("follows a chain of links to the append object", async () => {
    const s = open();
    const target = await s.createAppend("t");
    await s.createLink("l1", "t");
    await s.createLink("l2", "l1");
    await s.writeAppend({ path: "l2", mode: "append", appendOffset: 0, crc64: target.crc64! }, "xyz");
    expect((await s.read("t")).toString()).toBe("xyz");
    expect((await s.stat("l1")).mode).toBe("link");
    expect((await s.stat("l2")).mode).toBe("link");
    await s.commitAppend({ path: "l2", mode: "append", appendOffset: 3 });
  });

  it("through a link to a plain file is ObjectModeInvalid, and nothing changes", async () => {
    const s = open();
    await s.write("plain", "p");
    await s.createLink("l", "plain");
    await expectCode(s.writeAppend({ path: "l", mode: "append", appendOffset: 1 }, "x"), "ObjectModeInvalid");
    expect((await s.read("plain")).toString()).toBe("p");
    expect((await s.stat("l")).mode).toBe("link");
  });
});
