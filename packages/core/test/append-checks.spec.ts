import { constants as bufferConstants } from "node:buffer";
import { Readable } from "node:stream";
import { describe, expect, it } from "@jest/globals";
import { defineFeatures } from "../src/features.js";
import { isStorageError } from "../src/errors/storage-error.js";
import { crc64Decimal } from "../src/integrity/crc64.js";
import { appendChunkMaximum } from "../src/storager/append-ops.js";
import { newStorager } from "../src/registry/registry.js";
import { memoryVariant } from "./memory-variant.js";

/** What `promise` rejected with (a test failure when it resolved). */
async function failure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (e) {
    return e;
  }
  throw new Error("expected a rejection");
}

/** A stream that records whether anything asked it for bytes (it has none to give). */
function untouchedStream(): { stream: Readable; read: () => boolean } {
  let asked = false;
  const stream = new Readable({
    read() {
      asked = true;
      this.destroy(new Error("the stream was read"));
    },
  });
  return { stream, read: () => asked };
}

describe("writeAppend: a chunk is held in memory, so it is at most what one Buffer holds", () => {
  it("appendChunkMaximum caps appendSizeMaximum at buffer.constants.MAX_LENGTH, and is that cap without one", () => {
    expect(appendChunkMaximum({})).toBe(bufferConstants.MAX_LENGTH);
    expect(appendChunkMaximum({ appendSizeMaximum: 10 })).toBe(10);
    expect(appendChunkMaximum({ appendSizeMaximum: Number.MAX_SAFE_INTEGER })).toBe(bufferConstants.MAX_LENGTH);
  });

  it("a `size` over what a Buffer holds is InvalidArgument before the stream is read (memory: no limit of its own)", async () => {
    const store = newStorager("memory://");
    const obj = await store.createAppend("log");
    const { stream, read } = untouchedStream();
    const e = await failure(store.writeAppend(obj, stream, { size: bufferConstants.MAX_LENGTH + 1 }));
    expect(isStorageError(e, "InvalidArgument")).toBe(true);
    expect((e as Error).message).toContain("what one Buffer holds");
    expect(read()).toBe(false);
    expect(stream.destroyed).toBe(true);
    expect(obj.appendOffset).toBe(0);
    expect((await store.stat("log")).size).toBe(0);
  });

  it("an object past appendTotalSizeMaximum is InvalidArgument before a stream of known size is read", async () => {
    const { store, calls } = memoryVariant("memory://", { features: (real) => defineFeatures({ ...real, limits: { ...real.limits, appendTotalSizeMaximum: 10 } }) });
    const obj = await store.createAppend("log");
    await store.writeAppend(obj, "12345");
    const { stream, read } = untouchedStream();
    const e = await failure(store.writeAppend(obj, stream, { size: 6 }));
    expect(isStorageError(e, "InvalidArgument")).toBe(true);
    expect(read()).toBe(false);
    expect(calls.filter((c) => c === "writeAppend")).toHaveLength(1);
  });
});

describe("writeAppend: the append object after an append", () => {
  it("keeps no etag, contentMd5 or lastModified of the object before it, so a read with ifMatch: obj.etag works", async () => {
    const store = newStorager("memory://");
    const obj = await store.createAppend("log");
    expect(obj.etag).toBeDefined();
    await store.writeAppend(obj, "hello world");
    expect(obj.etag).toBeUndefined();
    expect(obj.contentMd5).toBeUndefined();
    expect(obj.lastModified).toBeUndefined();
    expect((await store.read("log", { ifMatch: obj.etag })).toString()).toBe("hello world");
    // A stat gives the current ones.
    const now = await store.stat("log");
    expect((await store.read("log", { ifMatch: now.etag })).toString()).toBe("hello world");
  });

  it("a path ending in / is InvalidArgument before anything is sent, as for every call that makes an object", async () => {
    const { store, calls } = memoryVariant("memory://");
    const e = await failure(store.writeAppend({ path: "d/", mode: "append", appendOffset: 0 }, "xyz"));
    expect(isStorageError(e, "InvalidArgument")).toBe(true);
    expect(calls).toEqual([]);
  });
});

describe("writeAppend: a CRC-64 answer that contradicts the chunk", () => {
  it("is IntegrityMismatch saying the chunk was stored and the append object not advanced, and how to go on", async () => {
    // The driver answers with another object's CRC-64 (the bytes are appended all the same).
    const { store: lying, real } = memoryVariant("memory://");
    const original = real.writeAppend!.bind(real);
    real.writeAppend = async (...args) => ({ ...(await original(...args)), crc64: crc64Decimal(Buffer.from("other")) });
    const handle = await lying.createAppend("log");
    const e = await failure(lying.writeAppend(handle, "data"));
    expect(isStorageError(e, "IntegrityMismatch")).toBe(true);
    const message = (e as Error).message;
    expect(message).toContain("crc64 mismatch after append");
    expect(message).toContain("the chunk was stored (possibly corrupted) and the append object was not advanced");
    expect(message).toContain("stat the object");
    expect(message).toContain("4 bytes long with the chunk on it");
    expect(handle.appendOffset).toBe(0);
    expect((await lying.stat("log")).size).toBe(4);
  });
});
