/**
 * A failed copy or move says which side was the problem where core can tell (review-errors L12):
 * a missing source is `source: ...`, an object refused at the destination by `ifNotExists` and a
 * directory at the destination (memory, fs) are `destination: ...`, and a directory source has the
 * same message on every storage (`the copy source is a directory (copy or move the objects below it
 * one by one)`). `path` keeps both paths, and the code, answer and verdict stay the driver's. What
 * core cannot place (a missing bucket, a driver's `Conflict`: the source's change or the
 * destination's condition) is left as the driver gave it, and a copy that succeeds costs no stat.
 */
import { describe, expect, it } from "@jest/globals";
import type { RawObject } from "../src/driver/storage-driver.js";
import { ErrorCode } from "../src/errors/error-code.js";
import { storageError, type StorageError } from "../src/errors/storage-error.js";
import { newStorager } from "../src/registry/registry.js";
import { rejection } from "./rejection.js";
import { relocateStore, type Relocate } from "./relocate-store.js";
import "@stowage/memory";

/** A memory store holding "a", "b" and "d/x" (so "d/" is a directory). */
async function memoryStore(name: string) {
  const store = newStorager(`memory://${name}/`);
  await store.write("a", Buffer.from("A"));
  await store.write("b", Buffer.from("B"));
  await store.write("d/x", Buffer.from("X"));
  return store;
}

describe("copy and move on memory: the message names the side at fault", () => {
  it.each(["copy", "move"] as const)("%s of a missing source: source: no such object, both paths kept", async (op) => {
    const store = await memoryStore(`side-missing-${op}`);
    const e = await rejection(store[op]("zz", "c"));
    expect(e).toMatchObject({ code: "ObjectNotExist", op, path: ["zz", "c"], detail: "source: no such object" });
    expect(e.message).toBe(`ObjectNotExist: source: no such object (op=${op}, service=memory, path=["zz","c"])`);
  });

  it.each(["copy", "move"] as const)("%s with ifNotExists: a missing source is the source's, an object at the destination the destination's", async (op) => {
    const store = await memoryStore(`side-ine-${op}`);
    expect(await rejection(store[op]("zz", "b", { ifNotExists: true }))).toMatchObject({ code: "ObjectNotExist", detail: "source: no such object" });
    const e = await rejection(store[op]("a", "b", { ifNotExists: true }));
    expect(e).toMatchObject({ code: "Conflict", statusCode: 409, path: ["a", "b"], detail: "destination: an object exists at this path (if_not_exists): nothing was written" });
    expect(await store.read("b")).toEqual(Buffer.from("B"));
  });

  it.each([
    ["copy", "d"],
    ["copy", "d/"],
    ["move", "d"],
    ["move", "d/"],
  ] as const)("%s of the directory %s: the same message as on the object stores", async (op, src) => {
    const store = await memoryStore(`side-dir-${op}-${src.length}`);
    const e = await rejection(store[op](src, "c"));
    expect(e).toMatchObject({ code: "ObjectModeInvalid", path: [src, "c"], detail: `the ${op} source is a directory (copy or move the objects below it one by one)` });
  });

  it.each(["copy", "move"] as const)("%s onto a directory named without its /: destination: a directory exists at this path", async (op) => {
    const store = await memoryStore(`side-dst-dir-${op}`);
    const e = await rejection(store[op]("a", "d"));
    expect(e).toMatchObject({ code: "ObjectModeInvalid", path: ["a", "d"], detail: "destination: a directory exists at this path" });
    expect(await store.read("a")).toEqual(Buffer.from("A"));
  });
});

/** A store whose copy and move fail with `error` (and whose stat answers `modes`, else ObjectNotExist), recording the stats. */
function failing(error: () => StorageError, modes: Record<string, RawObject["mode"]> = {}): { store: ReturnType<typeof relocateStore>; stats: string[] } {
  const stats: string[] = [];
  const relocate: Relocate = async () => {
    throw error();
  };
  const store = relocateStore({
    async stat(key: string): Promise<RawObject> {
      stats.push(key);
      const mode = modes[key];
      if (mode === undefined) throw storageError(ErrorCode.ObjectNotExist, "none");
      return { key, mode, size: 0 };
    },
    copy: relocate,
    move: relocate,
  });
  return { store, stats };
}

describe("copy and move over a driver: what the driver said is kept, the side added where core can tell", () => {
  it("a missing source keeps its status, request id, service code, verdict and cause", async () => {
    const cause = new Error("HEAD 404");
    const { store, stats } = failing(() => storageError(ErrorCode.ObjectNotExist, "head_object: NoSuchKey: The specified key does not exist.", { statusCode: 404, requestId: "rid-1", serviceCode: "NoSuchKey", cause }));
    const e = await rejection(store.copy("src", "dst"));
    expect(e).toMatchObject({ code: "ObjectNotExist", statusCode: 404, requestId: "rid-1", serviceCode: "NoSuchKey", retryable: false, path: ["src", "dst"], op: "copy", service: "rs" });
    expect(e.detail).toBe("source: head_object: NoSuchKey: The specified key does not exist.");
    expect((e.cause as Error).message).toBe("HEAD 404");
    // Only the stat that tells a directory named without its "/".
    expect(stats).toEqual(["src/"]);
  });

  it("a missing bucket is both sides': left as the driver gave it", async () => {
    const { store } = failing(() => storageError(ErrorCode.ObjectNotExist, "copy_object: NoSuchBucket: The specified bucket does not exist.", { statusCode: 404, serviceCode: "NoSuchBucket" }));
    expect((await rejection(store.move("src", "dst"))).detail).toBe("copy_object: NoSuchBucket: The specified bucket does not exist.");
  });

  it("a driver's Conflict (the source changed, or the destination's condition) is left as it is, with no stat", async () => {
    const { store, stats } = failing(() => storageError(ErrorCode.Conflict, "the copy source changed while it was copied", { statusCode: 412 }));
    expect(await rejection(store.copy("src", "dst"))).toMatchObject({ code: "Conflict", statusCode: 412, detail: "the copy source changed while it was copied" });
    expect(stats).toEqual([]);
  });

  it("ObjectModeInvalid: a directory source, else a directory destination, else as it was", async () => {
    const refused = (): StorageError => storageError(ErrorCode.ObjectModeInvalid, "not a regular object");
    expect((await rejection(failing(refused, { src: "dir" }).store.copy("src", "dst"))).detail).toBe("the copy source is a directory (copy or move the objects below it one by one)");
    const atDestination = failing(refused, { src: "file", dst: "dir" });
    expect((await rejection(atDestination.store.move("src", "dst"))).detail).toBe("destination: not a regular object");
    expect(atDestination.stats).toEqual(["src", "dst"]);
    const neither = failing(refused, { src: "append", dst: "file" });
    expect((await rejection(neither.store.copy("src", "dst"))).detail).toBe("not a regular object");
  });
});
