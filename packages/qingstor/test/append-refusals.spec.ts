import { constants as bufferConstants } from "node:buffer";
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { ErrorCode, newStorager, storageError, type RawObject, type Storager } from "@stowage/core";
import { startEmulator, type Emulator } from "@stowage/emulator";
import { appendRefusal, type AppendContext } from "../src/append.js";
import type { QingStorClient } from "../src/client.js";
import "../src/index.js";

const BUCKET = "append-refusals";
const GiB = 1024 ** 3;
const BASE = "qingstor://b-limits/?credential=hmac:AK:SK&location=pek3b";

/** QingStor's answer to an append at a position that is not the object's length. */
const refused = storageError(ErrorCode.InvalidArgument, "append_object: invalid_argument", { statusCode: 400, requestId: "r1" });

/** An append context whose stat does `stat`. */
function context(stat: () => Promise<RawObject>): AppendContext {
  return { client: {} as QingStorClient, stat };
}

describe("qingstor appendRefusal: explaining an invalid_argument by a stat", () => {
  it("no object at a position past 0: Conflict saying the object is gone, no made-up length", async () => {
    const e = await appendRefusal(context(() => Promise.reject(storageError(ErrorCode.ObjectNotExist, "no such key", { statusCode: 404 }))), "log", 12, refused, {});
    expect(e.code).toBe("Conflict");
    expect(e.message).toContain('position 12 does not match: there is no object at "log"');
    expect(e.message).not.toContain("length 0");
    expect(e.statusCode).toBe(400);
  });

  it("no object at position 0: the service's own refusal", async () => {
    const e = await appendRefusal(context(() => Promise.reject(storageError(ErrorCode.ObjectNotExist, "no such key"))), "log", 0, refused, {});
    expect(e).toBe(refused);
  });

  it.each([
    ["Aborted", storageError(ErrorCode.Aborted, "the operation was aborted")],
    ["PermissionDenied", storageError(ErrorCode.PermissionDenied, "access denied", { statusCode: 403 })],
    ["ServiceInternal", storageError(ErrorCode.ServiceInternal, "internal error", { statusCode: 500, retryable: true })],
  ])("a stat that fails with %s: that error, not a Conflict", async (_code, failure) => {
    const e = await appendRefusal(context(() => Promise.reject(failure)), "log", 12, refused, {});
    expect(e).toBe(failure);
  });

  it("an object of another length: Conflict naming it", async () => {
    const e = await appendRefusal(context(async () => ({ key: "log", mode: "append", size: 5, appendOffset: 5 })), "log", 12, refused, {});
    expect(e.code).toBe("Conflict");
    expect(e.message).toContain("position 12 does not match the object's length 5");
  });
});

describe("qingstor append onto an object that is gone (emulator)", () => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await startEmulator({ provider: "qingstor", buckets: [BUCKET] });
  });
  afterAll(async () => {
    await emulator.stop();
  });
  const open = (): Storager => newStorager(emulator.connectionString(BUCKET, `/${randomUUID()}/`));

  it("after a delete, an append at 3 is Conflict saying there is no object", async () => {
    const store = open();
    const obj = await store.createAppend("log");
    await store.writeAppend(obj, "abc");
    await store.delete("log");
    await expect(store.writeAppend(obj, "def")).rejects.toMatchObject({ code: "Conflict", message: expect.stringContaining("there is no object at") });
  });

  it.each([
    ["more metadata than QingStor keeps", { metadata: { big: "x".repeat(2048) } }],
    ["a metadata name over 512 bytes", { metadata: { ["n".repeat(513)]: "v" } }],
    ["a storage class QingStor lacks", { storageClass: "GLACIER" }],
  ])("createAppend with %s refuses before deleting what is at the key: nothing sent, the object kept", async (_what, options) => {
    const store = open();
    await store.write("log", Buffer.from("precious"));
    const before = emulator.stats().requests;
    await expect(store.createAppend("log", options)).rejects.toMatchObject({ code: "InvalidArgument" });
    expect(emulator.stats().requests).toBe(before);
    expect((await store.read("log")).toString()).toBe("precious");
  });
});

describe("qingstor appends off: the refusal says why", () => {
  it("opened with an SSE-C key: createAppend is CapabilityInsufficient naming the key", async () => {
    const key = Buffer.alloc(32, 7).toString("base64");
    const store = newStorager(`${BASE}&encryption_customer_key=${key}&endpoint=http:127.0.0.1:1`);
    expect(store.features.append).toBe(false);
    await expect(store.createAppend("log")).rejects.toMatchObject({
      code: "CapabilityInsufficient",
      message: expect.stringContaining("AppendObject takes no SSE-C key, and this storager was opened with one (encryption_customer_key)"),
    });
  });

  it("appendSizeMaximum is QingStor's 5 GiB, capped at what one Buffer holds (an append holds its chunk in memory)", () => {
    expect(newStorager(BASE).features.limits.appendSizeMaximum).toBe(Math.min(5 * GiB, bufferConstants.MAX_LENGTH));
  });
});
