import { open, readFile, rename, utimes, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, jest } from "@jest/globals";
import { crc64Decimal, newStorager, type ObjectInfo, type Storager } from "@stowage/core";
import "../src/index.js";
import { buf, expectCode } from "./helpers.js";
import { sandbox, type Sandbox } from "./setup.js";

let s: Sandbox;
let store: Storager;
beforeEach(async () => {
  s = await sandbox();
  store = newStorager(`fs://${s.root}/`);
});
afterEach(async () => {
  await s.cleanup();
});

/** An append object at `ap` holding "hello". */
async function hello(): Promise<ObjectInfo> {
  const obj = await store.createAppend("ap");
  await store.writeAppend(obj, "hello");
  return obj;
}

/** A time no append this run made the file's mtime: the kernel's clock is coarser than a test, so an edit may keep the mtime. */
const LONG_AGO = new Date("2001-02-03T04:05:06Z");

describe("fs append: only onto the bytes the append object describes", () => {
  it("refuses (ObjectModeInvalid) an append after a write replaced the object with a file of the same length, and changes nothing", async () => {
    const obj = await hello();
    await store.write("ap", "HELLO");
    await expectCode(store.writeAppend(obj, " world"), "ObjectModeInvalid");
    expect(await readFile(join(s.root, "ap"), "utf8")).toBe("HELLO");
    expect(obj).toMatchObject({ appendOffset: 5, crc64: crc64Decimal("hello") });
  });

  it("refuses an append after a new append object took the path over at the same length", async () => {
    const first = await hello();
    const second = await store.createAppend("ap");
    await store.writeAppend(second, "HOWDY");
    await expectCode(store.writeAppend(first, " world"), "ObjectModeInvalid");
    await store.writeAppend(second, " world");
    expect(await readFile(join(s.root, "ap"), "utf8")).toBe("HOWDY world");
  });

  it("refuses an append after a file moved in by rename (another inode) holds other bytes", async () => {
    const obj = await hello();
    await writeFile(join(s.outside, "other"), "jello");
    await rename(join(s.outside, "other"), join(s.root, "ap"));
    await expectCode(store.writeAppend(obj, " world"), "ObjectModeInvalid");
    expect(await readFile(join(s.root, "ap"), "utf8")).toBe("jello");
  });

  it("refuses an append after another program edited the file in place (same inode, same length)", async () => {
    const obj = await hello();
    const handle = await open(join(s.root, "ap"), "r+");
    await handle.write("J", 0);
    await handle.close();
    await utimes(join(s.root, "ap"), LONG_AGO, LONG_AGO);
    await expectCode(store.writeAppend(obj, " world"), "ObjectModeInvalid");
    expect(await readFile(join(s.root, "ap"), "utf8")).toBe("Jello");
  });

  it("appends when the file's times moved but its bytes are the object's (read whole and checked)", async () => {
    const obj = await hello();
    await utimes(join(s.root, "ap"), LONG_AGO, LONG_AGO);
    await store.writeAppend(obj, " world");
    await store.writeAppend(obj, "!");
    expect(await readFile(join(s.root, "ap"), "utf8")).toBe("hello world!");
    expect(obj.crc64).toBe(crc64Decimal("hello world!"));
  });

  it("appends through a second storager on the same directory, and onto a copy with the same bytes", async () => {
    const obj = await hello();
    const other = newStorager(`fs://${s.root}/`);
    await other.writeAppend(obj, " there");
    await store.write("ap", "hello there"); // the same bytes in a new file: obj's CRC still describes them
    await store.writeAppend(obj, "!");
    expect(await readFile(join(s.root, "ap"), "utf8")).toBe("hello there!");
    expect(obj.crc64).toBe(crc64Decimal("hello there!"));
  });

  it("reads the file only when this process did not make its current state (the common case costs no read)", async () => {
    const obj = await hello();
    // Every FileHandle shares one prototype: count the reads of the append's check.
    const probe = await open(join(s.root, "ap"), "r");
    const proto = Object.getPrototypeOf(probe) as { read(...args: unknown[]): Promise<unknown> };
    await probe.close();
    const reads = jest.spyOn(proto, "read");
    try {
      await store.writeAppend(obj, " world");
      expect(reads).not.toHaveBeenCalled();
      await utimes(join(s.root, "ap"), LONG_AGO, LONG_AGO);
      await store.writeAppend(obj, "!");
      expect(reads).toHaveBeenCalled();
    } finally {
      reads.mockRestore();
    }
    expect(await readFile(join(s.root, "ap"), "utf8")).toBe("hello world!");
  });

  it("still gives Conflict when the size is not the append position", async () => {
    const obj = await hello();
    await store.write("ap", "hello!");
    await expectCode(store.writeAppend(obj, " world"), "Conflict");
  });
});

describe("fs driver: appendBaseCrc64", () => {
  it("refuses a base that is not a CRC-64 (InvalidArgument), and without one checks the size only, as before", async () => {
    await s.driver.createAppend(s.key("ap"), {});
    await s.driver.writeAppend(s.key("ap"), 0, buf("abc"), {});
    await expectCode(s.driver.writeAppend(s.key("ap"), 3, { ...buf("d"), appendBaseCrc64: "not-a-crc" }, {}), "InvalidArgument");
    await expectCode(s.driver.writeAppend(s.key("ap"), 3, { ...buf("d"), appendBaseCrc64: crc64Decimal("xyz") }, {}), "ObjectModeInvalid");
    await s.driver.writeAppend(s.key("ap"), 3, { ...buf("d"), appendBaseCrc64: crc64Decimal("abc") }, {});
    await s.driver.writeAppend(s.key("ap"), 4, buf("e"), {});
    expect(await readFile(join(s.root, "ap"), "utf8")).toBe("abcde");
  });
});
