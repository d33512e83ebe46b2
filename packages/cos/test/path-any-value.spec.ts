/**
 * On an HTTP driver (COS on the emulator), a path or bucket name of a type no JSON takes (a
 * bigint, a list holding one, an object with a cycle) is refused with `InvalidArgument` before
 * anything is sent, never a TypeError from building the error; a read stream given one errors
 * instead of throwing out of its failure handling (which would end the process).
 */
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { isStorageError, newServicer, type Servicer, type Storager } from "@stowage/core";
import { startEmulator, type Emulator } from "@stowage/emulator";
import "../src/index.js";
import { emulatorStorager } from "./emulator-storager.js";

const BUCKET = "anyvalue-1250000000";
const cyclic: Record<string, unknown> = { name: "c" };
cyclic["self"] = cyclic;

let emulator: Emulator;
let store: Storager;
let servicer: Servicer;
beforeAll(async () => {
  emulator = await startEmulator({ provider: "cos", buckets: [BUCKET] });
  store = emulatorStorager(emulator, BUCKET, "/");
  const { accessKey, secretKey } = emulator.credential;
  servicer = newServicer(`cos://?credential=hmac:${accessKey}:${secretKey}&endpoint=http:127.0.0.1:${emulator.port}&location=${emulator.region}`);
});
afterAll(async () => {
  await emulator.stop();
});

/** What `call` failed with (a rejection, or a synchronous throw). */
async function failure(call: () => unknown): Promise<unknown> {
  try {
    await call();
  } catch (e) {
    return e;
  }
  throw new Error("the call succeeded");
}

function expectInvalid(e: unknown, op: string): void {
  if (!isStorageError(e)) throw new Error(`expected a StorageError, got ${String(e)}`);
  expect({ code: e.code, op: e.op, service: e.service }).toEqual({ code: "InvalidArgument", op, service: "cos" });
  expect(() => JSON.stringify(e)).not.toThrow();
}

describe.each([
  ["5n", 5n],
  ["[5n]", [5n]],
  ["a cyclic object", cyclic],
] as Array<[string, unknown]>)("cos: the path %s", (_label, value) => {
  const path = (): string => value as string;

  it.each([
    ["stat", "stat", () => store.stat(path())],
    ["read", "read", () => store.read(path())],
    ["write", "write", () => store.write(path(), "x")],
    ["listPage", "list", () => store.listPage(path())],
    ["list", "list", () => store.list(path())[Symbol.asyncIterator]().next()],
  ] as Array<[string, string, () => Promise<unknown>]>)("%s is InvalidArgument (op %s)", async (_method, op, call) => {
    expectInvalid(await failure(call), op);
  });

  it("createReadStream errors with InvalidArgument", async () => {
    const stream = store.createReadStream(path());
    const e = await new Promise<unknown>((resolve) => {
      stream.once("error", resolve);
      stream.once("end", () => resolve(undefined));
      stream.resume();
    });
    expectInvalid(e, "read");
  });

  it.each([
    ["create", "servicer_create", () => servicer.create(path())],
    ["delete", "servicer_delete", () => servicer.delete(path())],
    ["get", "servicer_get", () => servicer.get(path())],
  ] as Array<[string, string, () => unknown]>)("Servicer.%s is InvalidArgument", async (_method, op, call) => {
    const e = await failure(call);
    if (!isStorageError(e)) throw new Error(`expected a StorageError, got ${String(e)}`);
    expect({ code: e.code, op: e.op }).toEqual({ code: "InvalidArgument", op });
    expect(() => JSON.stringify(e)).not.toThrow();
  });
});
