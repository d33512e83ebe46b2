import { constants as bufferConstants } from "node:buffer";
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { newStorager, type Storager } from "@stowage/core";
import { startEmulator, type Emulator } from "@stowage/emulator";
import "../src/index.js";
import { rawServer } from "./raw-server.js";

const BUCKET = "append-answers-1250000000";
const GiB = 1024 ** 3;
const BASE = "cos://b-1250000000/?credential=hmac:AK:SK&location=ap-guangzhou";

describe("cos createAppend: a CRC-64 in the empty append's answer", () => {
  it("other than 0 is IntegrityMismatch, not an append object carrying it", async () => {
    // COS documents no CRC-64 in its APPEND answer; one that comes must be the empty object's.
    const server = await rawServer((req) =>
      req.method === "DELETE" ? { status: 204 } : { headers: { "x-cos-next-append-position": "0", "x-cos-hash-crc64ecma": "12345", etag: '"d41d8cd98f00b204e9800998ecf8427e"' } },
    );
    try {
      const store = newStorager(`${BASE}&endpoint=http://127.0.0.1:${server.port}`);
      await expect(store.createAppend("log")).rejects.toMatchObject({
        code: "IntegrityMismatch",
        message: expect.stringContaining('the CRC-64 "12345" for the empty appendable object it made, not 0'),
      });
      expect(server.requests.map((r) => r.method)).toEqual(["DELETE", "POST"]);
    } finally {
      await server.stop();
    }
  });

  it("of 0 is taken", async () => {
    const server = await rawServer((req) => (req.method === "DELETE" ? { status: 204 } : { headers: { "x-cos-next-append-position": "0", "x-cos-hash-crc64ecma": "0" } }));
    try {
      const store = newStorager(`${BASE}&endpoint=http://127.0.0.1:${server.port}`);
      expect(await store.createAppend("log")).toMatchObject({ mode: "append", appendOffset: 0, crc64: "0" });
    } finally {
      await server.stop();
    }
  });
});

describe("cos append: the service's hash of the chunk contradicts it", () => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await startEmulator({ provider: "cos", buckets: [BUCKET] });
  });
  afterAll(async () => {
    await emulator.stop();
  });
  const open = (): Storager => newStorager(emulator.connectionString(BUCKET, `/${randomUUID()}/`));

  it("is IntegrityMismatch saying the chunk was stored, the append object not advanced, and to stat the object", async () => {
    const store = open();
    const obj = await store.createAppend("f.log");
    await store.writeAppend(obj, "hello ");
    emulator.setFaults([{ kind: "flip-byte", operation: "AppendObject", count: 1 }]);
    let error: { code?: string; message?: string } = {};
    try {
      await store.writeAppend(obj, "world!").catch((e: { code: string; message: string }) => (error = e));
    } finally {
      emulator.setFaults([]);
    }
    expect(error.code).toBe("IntegrityMismatch");
    expect(error.message).toContain("the service hashed the chunk to");
    expect(error.message).toContain("the chunk was stored (possibly corrupted) and the append object was not advanced");
    expect(error.message).toContain("stat the object to tell what it holds (12 bytes long with the chunk on it)");
    expect(obj.appendOffset).toBe(6);
    expect((await store.stat("f.log")).size).toBe(12);
  });
});

describe("cos appends off: the refusal says why", () => {
  const key = Buffer.alloc(32, 7).toString("base64");
  it.each([
    ["an SSE default", `${BASE}&default_server_side_encryption=AES256`],
    ["an SSE-C key", `${BASE}&server_side_encryption_customer_key=${key}`],
  ])("opened with %s: createAppend, writeAppend and commitAppend are CapabilityInsufficient naming the encryption", async (_label, conn) => {
    const store = newStorager(`${conn}&endpoint=http://127.0.0.1:1`);
    expect(store.features.append).toBe(false);
    const obj = { path: "log", mode: "append" as const, appendOffset: 0 };
    for (const call of [() => store.createAppend("log"), () => store.writeAppend(obj, "x"), () => store.commitAppend(obj)]) {
      await expect(call()).rejects.toMatchObject({
        code: "CapabilityInsufficient",
        message: expect.stringContaining("COS APPEND takes no encryption, and this storager was opened to encrypt what it writes"),
      });
    }
  });

  it("without encryption, appends are on and nothing is added", () => {
    expect(newStorager(BASE).features.append).toBe(true);
  });

  it("appendSizeMaximum is COS's 5 GiB, capped at what one Buffer holds (an append holds its chunk in memory)", () => {
    expect(newStorager(BASE).features.limits.appendSizeMaximum).toBe(Math.min(5 * GiB, bufferConstants.MAX_LENGTH));
  });
});
