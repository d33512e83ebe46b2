/**
 * A path of a type no JSON takes (a bigint, a list holding one, an object with a cycle) is refused
 * with `InvalidArgument` like any other wrong type, never a TypeError from building the error, and
 * a read stream given one errors (it never throws out of its own failure handling, which would
 * crash the process). The error's JSON can always be made.
 */
import { describe, expect, it } from "@jest/globals";
import { isStorageError, newServicer, newStorager, type Storager } from "@stowage/core";
import "../src/index.js";

const cyclic: Record<string, unknown> = { name: "c" };
cyclic["self"] = cyclic;
const VALUES: Array<[string, unknown]> = [
  ["5n", 5n],
  ["[5n]", [5n]],
  ["a cyclic object", cyclic],
];

/** What `call` failed with (a rejection, or a synchronous throw). */
async function failure(call: () => unknown): Promise<unknown> {
  try {
    await call();
  } catch (e) {
    return e;
  }
  throw new Error("the call succeeded");
}

/** Expects an `InvalidArgument` StorageError about the path whose message and JSON can be built and read. */
function expectInvalidPath(e: unknown, op: string): void {
  if (!isStorageError(e)) throw new Error(`expected a StorageError, got ${String(e)}`);
  expect({ code: e.code, op: e.op, service: e.service }).toEqual({ code: "InvalidArgument", op, service: "memory" });
  expect(e.message).toMatch(/path|paths/);
  expect(() => JSON.stringify(e)).not.toThrow();
}

/** Reads `stream` to its end or its error: the error, or undefined when it ended. */
function streamOutcome(stream: NodeJS.ReadableStream | NodeJS.WritableStream, drive: () => void): Promise<unknown> {
  return new Promise((resolve) => {
    stream.once("error", resolve);
    stream.once("end", () => resolve(undefined));
    stream.once("finish", () => resolve(undefined));
    drive();
  });
}

describe.each(VALUES)("memory: the path %s", (_label, value) => {
  const store: Storager = newStorager("memory://path-any-value/");
  const path = value as string;

  it.each([
    ["stat", "stat", () => store.stat(path)],
    ["read", "read", () => store.read(path)],
    ["write", "write", () => store.write(path, "x")],
    ["delete", "delete", () => store.delete(path)],
    ["copy", "copy", () => store.copy(path, "dst.txt")],
    ["move (as the destination)", "move", () => store.move("src.txt", path)],
    ["listPage", "list", () => store.listPage(path)],
    ["list", "list", () => store.list(path)[Symbol.asyncIterator]().next()],
  ] as Array<[string, string, () => Promise<unknown>]>)("%s is InvalidArgument (op %s)", async (_method, op, call) => {
    expectInvalidPath(await failure(call), op);
  });

  it("createReadStream errors with InvalidArgument (nothing thrown out of the stream)", async () => {
    const stream = store.createReadStream(path);
    const e = await streamOutcome(stream, () => stream.resume());
    expectInvalidPath(e, "read");
  });

  it("createWriteStream errors with InvalidArgument", async () => {
    const stream = store.createWriteStream(path);
    const e = await streamOutcome(stream, () => stream.end("x"));
    expectInvalidPath(e, "write");
  });

  it("deleteMany is InvalidArgument", async () => {
    expectInvalidPath(await failure(() => store.deleteMany([path])), "delete");
  });
});

describe.each(VALUES)("memory servicer: the name %s", (_label, value) => {
  const servicer = newServicer("memory://");
  it.each([
    ["servicer_create", () => servicer.create(value as string)],
    ["servicer_delete", () => servicer.delete(value as string)],
    ["servicer_get", () => servicer.get(value as string)],
  ] as Array<[string, () => unknown]>)("%s is InvalidArgument", async (op, call) => {
    const e = await failure(call);
    if (!isStorageError(e)) throw new Error(`expected a StorageError, got ${String(e)}`);
    expect({ code: e.code, op: e.op }).toEqual({ code: "InvalidArgument", op });
    expect(() => JSON.stringify(e)).not.toThrow();
  });
});
