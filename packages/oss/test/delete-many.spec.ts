import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { newStorager, type ObjectInfo, type Storager } from "@stowage/core";
import { startEmulator, type Emulator } from "@stowage/emulator";
import "../src/index.js";
import { deleteObjects } from "../src/requests.js";
import { fitsXml } from "@stowage/core";

const BUCKET = "delete-many";
let emulator: Emulator;
let store: Storager;

beforeAll(async () => {
  emulator = await startEmulator({ provider: "oss", buckets: [BUCKET] });
  store = newStorager(emulator.connectionString(BUCKET, `/${randomUUID()}/`));
});
afterAll(async () => {
  await emulator.stop();
});

async function names(): Promise<string[]> {
  const out: string[] = [];
  for await (const o of store.list("", { mode: "prefix" }) as AsyncIterable<ObjectInfo>) out.push(o.path);
  return out.sort();
}

describe("oss deleteMany with keys XML cannot carry", () => {
  it("deletes keys with control characters one by one, and the others in the batch", async () => {
    const keys = ["ok.txt", "ctl\u0001key.txt", "tab\tand\rcr.txt", "unit\u001fsep.txt", "amp&<lt>.txt"];
    for (const k of keys) await store.write(k, k);
    expect(await names()).toEqual([...keys].sort());
    emulator.resetStats();
    await store.deleteMany(keys);
    expect(await names()).toEqual([]);
    expect(emulator.stats().byOperation["DeleteObjects"]).toBe(1);
    expect(emulator.stats().byOperation["DeleteObject"]).toBe(2);
  });

  it("a batch of only such keys sends no DeleteMultipleObjects", async () => {
    await store.write("only\u0002one", "x");
    emulator.resetStats();
    await store.deleteMany(["only\u0002one", "missing\u0003too"]);
    expect(await names()).toEqual([]);
    expect(emulator.stats().byOperation["DeleteObjects"]).toBeUndefined();
    expect(emulator.stats().byOperation["DeleteObject"]).toBe(2);
  });

  it("a key with a lone surrogate is refused as InvalidArgument naming its position, before anything is deleted", async () => {
    await store.write("kept.txt", "x");
    await expect(store.deleteMany(["kept.txt", "bad\uD800.txt"])).rejects.toMatchObject({ code: "InvalidArgument", message: expect.stringContaining("key 1") });
    expect(await names()).toEqual(["kept.txt"]);
    await store.delete("kept.txt");
  });

  it("the XML request refuses such keys with InvalidArgument, never a plain Error", () => {
    expect(fitsXml("a\u0001b")).toBe(false);
    expect(fitsXml("a\t\n\r&<>b")).toBe(true);
    expect(fitsXml("\uD83D\uDE00")).toBe(true);
    expect(fitsXml("\uDE00")).toBe(false);
    expect(() => deleteObjects(["fine", "x\u001f"])).toThrow(expect.objectContaining({ name: "StorageError", code: "InvalidArgument", message: expect.stringContaining("key 1") }));
  });
});
