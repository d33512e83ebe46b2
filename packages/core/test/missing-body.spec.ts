/**
 * A body that is no object (`null`, `undefined`: what JavaScript callers and `as any` let through)
 * is `InvalidArgument` with the one "body must be ..." message on every write that takes a body,
 * never an `Unexpected` TypeError from looking for its `destroy`.
 */
import { describe, expect, it } from "@jest/globals";
import "@stowage/memory";
import { isReadable } from "../src/io/body.js";
import { newStorager } from "../src/registry/registry.js";
import { rejection } from "./rejection.js";

const store = newStorager("memory://missing-body/");
const BODY_MESSAGE = "body must be a Buffer, Uint8Array, string, Readable or AsyncIterable of bytes";

/** Casts a value past the types, as a JavaScript caller would pass it. */
const untyped = (value: unknown): Buffer => value as Buffer;

describe("a null or undefined body", () => {
  it.each([null, undefined])("isReadable(%p) is false", (value) => {
    expect(isReadable(value)).toBe(false);
  });

  it.each([null, undefined])("write with body %p is InvalidArgument, nothing stored", async (value) => {
    const e = await rejection(store.write("w.txt", untyped(value)));
    expect(e.code).toBe("InvalidArgument");
    expect(e.detail).toBe(BODY_MESSAGE);
    expect(e.op).toBe("write");
    await expect(store.stat("w.txt")).rejects.toMatchObject({ code: "ObjectNotExist" });
  });

  it.each([null, undefined])("writeAppend with body %p is InvalidArgument, the object unchanged", async (value) => {
    const obj = await store.createAppend("a.txt");
    const e = await rejection(store.writeAppend(obj, untyped(value)));
    expect(e.code).toBe("InvalidArgument");
    expect(e.detail).toBe(BODY_MESSAGE);
    expect(e.op).toBe("write_append");
    expect((await store.stat("a.txt")).size).toBe(0);
    await store.delete("a.txt");
  });

  it.each([null, undefined])("writeMultipart with body %p is InvalidArgument, no part stored", async (value) => {
    const upload = await store.createMultipart("m.txt");
    const e = await rejection(store.writeMultipart(upload, untyped(value), { index: 0 }));
    expect(e.code).toBe("InvalidArgument");
    expect(e.detail).toBe(BODY_MESSAGE);
    expect(e.op).toBe("write_multipart");
    const parts: unknown[] = [];
    for await (const part of store.listMultipart(upload)) parts.push(part);
    expect(parts).toEqual([]);
    await store.delete("m.txt", { multipartId: upload.multipartId });
  });
});
