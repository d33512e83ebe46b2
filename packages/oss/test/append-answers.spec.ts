import { constants as bufferConstants } from "node:buffer";
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { crc64Decimal, newStorager, type Storager } from "@stowage/core";
import { startEmulator, type Emulator } from "@stowage/emulator";
import "../src/index.js";

const BUCKET = "append-answers";
const GiB = 1024 ** 3;

describe("oss appends: answers that contradict the bytes", () => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await startEmulator({ provider: "oss", buckets: [BUCKET] });
  });
  afterAll(async () => {
    await emulator.stop();
  });
  const open = (): Storager => newStorager(emulator.connectionString(BUCKET, `/${randomUUID()}/`));

  it("createAppend whose empty append is answered with a CRC-64 other than 0 is IntegrityMismatch, not an append object carrying it", async () => {
    const store = open();
    emulator.setFaults([{ kind: "wrong-crc64", operation: "AppendObject", count: 1 }]);
    try {
      await expect(store.createAppend("w.log")).rejects.toMatchObject({
        code: "IntegrityMismatch",
        message: expect.stringContaining("for the empty appendable object it made, not 0"),
      });
    } finally {
      emulator.setFaults([]);
    }
    // The object was made, empty: a new append object goes on from it.
    const obj = await store.createAppend("w.log");
    expect(obj.crc64).toBe("0");
    expect(await store.writeAppend(obj, "data-1")).toMatchObject({ appendOffset: 6, crc64Confirmed: true });
  });

  it("an append answered with a CRC-64 that does not follow is IntegrityMismatch saying the chunk was stored and how to go on", async () => {
    const store = open();
    const obj = await store.createAppend("f.log");
    await store.writeAppend(obj, "hello ");
    emulator.setFaults([{ kind: "wrong-crc64", operation: "AppendObject", count: 1 }]);
    let message = "";
    try {
      await store.writeAppend(obj, "world!").catch((e: Error) => (message = e.message));
    } finally {
      emulator.setFaults([]);
    }
    expect(message).toContain("IntegrityMismatch");
    expect(message).toContain("the chunk was stored (possibly corrupted) and the append object was not advanced");
    expect(message).toContain("stat the object to tell what it holds (12 bytes long with the chunk on it)");
    expect(obj.appendOffset).toBe(6);
    const now = await store.stat("f.log");
    expect([now.size, now.crc64]).toEqual([12, crc64Decimal("hello world!")]);
    // As the message says: an append object made from the stat goes on.
    expect(await store.writeAppend(now, "!")).toMatchObject({ appendOffset: 13, crc64Confirmed: true });
  });
});

describe("oss appends: the chunk limit", () => {
  it("appendSizeMaximum is OSS's 5 GiB, capped at what one Buffer holds (an append holds its chunk in memory)", () => {
    const store = newStorager("oss://b-limits/?credential=hmac:AK:SK&location=cn-hangzhou");
    expect(store.features.limits.appendSizeMaximum).toBe(Math.min(5 * GiB, bufferConstants.MAX_LENGTH));
  });
});
