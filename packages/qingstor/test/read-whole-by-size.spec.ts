import { randomBytes, randomUUID } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "@jest/globals";
import { isStorageError, newStorager, type Storager } from "@stowage/core";
import { startEmulator, type Emulator } from "@stowage/emulator";
import "../src/index.js";

const BUCKET = "read-whole-by-size";
let emulator: Emulator;
let store: Storager;

beforeAll(async () => {
  emulator = await startEmulator({ provider: "qingstor", buckets: [BUCKET] });
  store = newStorager(`${emulator.connectionString(BUCKET, `/${randomUUID()}/`)}&max_retries=0`);
});
afterAll(async () => {
  await emulator.stop();
});
afterEach(() => emulator.setFaults([]));

describe("qingstor: a whole read asked with a size is MD5-checked like one asked without", () => {
  const data = randomBytes(100_000);
  const cases: Array<[string, { offset?: number; size?: number }]> = [
    ["no range", {}],
    ["size = object size", { size: data.length }],
    ["offset 0, size past the end", { offset: 0, size: data.length * 2 }],
  ];

  it.each(cases)("%s: a flipped byte is IntegrityMismatch, the intact object reads back", async (_name, range) => {
    const path = `o-${randomUUID()}`;
    await store.write(path, data);
    try {
      expect((await store.read(path, range)).equals(data)).toBe(true);
      emulator.setFaults([{ kind: "flip-byte", offset: 10, operation: "GetObject", count: 1 }]);
      const e = await store.read(path, range).catch((err: unknown) => err);
      expect(isStorageError(e, "IntegrityMismatch")).toBe(true);
      expect((e as Error).message).toContain("md5 mismatch");
    } finally {
      await store.delete(path);
    }
  });

  it("a read of part of the object is not checked against the whole object's MD5", async () => {
    const path = `o-${randomUUID()}`;
    await store.write(path, data);
    try {
      expect((await store.read(path, { offset: 0, size: data.length - 1 })).equals(data.subarray(0, -1))).toBe(true);
      expect((await store.read(path, { offset: 1 })).equals(data.subarray(1))).toBe(true);
    } finally {
      await store.delete(path);
    }
  });
});
