import { randomUUID } from "node:crypto";
import { describe, expect, it } from "@jest/globals";
import { crc64Decimal, newStorager, type ObjectInfo, type Storager } from "@stowage/core";
import "../src/index.js";
import { buf, expectCode } from "./helpers.js";
import { MemoryStorageDriver } from "../src/storager.js";
import { MemoryStore } from "../src/store.js";

const fresh = (): Storager => newStorager(`memory://append-base-${randomUUID()}/`);

/** An append object at `ap` holding "A1". */
async function a1(store: Storager): Promise<ObjectInfo> {
  const obj = await store.createAppend("ap");
  await store.writeAppend(obj, "A1");
  return obj;
}

describe("memory append: only onto the bytes the append object describes", () => {
  it("refuses (ObjectModeInvalid) an append through a stale object after another createAppend re-created the object at the same length, and appends nothing", async () => {
    const store = fresh();
    const stale = await a1(store);
    const other = await store.createAppend("ap");
    await store.writeAppend(other, "B2");
    await expectCode(store.writeAppend(stale, "C"), "ObjectModeInvalid");
    expect((await store.read("ap")).toString()).toBe("B2");
    expect(stale).toMatchObject({ appendOffset: 2, crc64: crc64Decimal("A1") });
    // The new object's handle goes on, and its CRC-64 is the object's.
    expect(await store.writeAppend(other, "C")).toEqual({ size: 1, appendOffset: 3, crc64: crc64Decimal("B2C"), crc64Confirmed: true });
  });

  it("refuses an append after a move put another append object of the same length at the path", async () => {
    const store = fresh();
    const stale = await a1(store);
    const moved = await store.createAppend("other");
    await store.writeAppend(moved, "XY");
    await store.move("other", "ap");
    await expectCode(store.writeAppend(stale, "C"), "ObjectModeInvalid");
    expect((await store.read("ap")).toString()).toBe("XY");
  });

  it("appends through an object from stat (its crc64 is the object's) and through one without crc64", async () => {
    const store = fresh();
    await a1(store);
    const stated = await store.stat("ap");
    expect(await store.writeAppend(stated, "b")).toMatchObject({ appendOffset: 3, crc64: crc64Decimal("A1b"), crc64Confirmed: true });
    const bare: ObjectInfo = { path: "ap", mode: "append", appendOffset: 3 };
    const r = await store.writeAppend(bare, "c");
    expect(r).toEqual({ size: 1, appendOffset: 4, crc64: crc64Decimal("A1bc") });
    expect(bare.crc64).toBe(crc64Decimal("A1bc"));
  });

  it("the driver refuses a base CRC-64 that is not a decimal one (InvalidArgument), or not the object's, before appending", async () => {
    const d = new MemoryStorageDriver(new MemoryStore(), "");
    await d.createAppend("ap", {});
    await d.writeAppend("ap", 0, buf("A1"), {});
    await expectCode(d.writeAppend("ap", 2, { ...buf("C"), appendBaseCrc64: "x1" }, {}), "InvalidArgument");
    await expectCode(d.writeAppend("ap", 2, { ...buf("C"), appendBaseCrc64: crc64Decimal("B2") }, {}), "ObjectModeInvalid");
    expect(await d.writeAppend("ap", 2, { ...buf("C"), appendBaseCrc64: crc64Decimal("A1") }, {})).toEqual({ appendOffset: 3, crc64: crc64Decimal("A1C") });
  });
});
