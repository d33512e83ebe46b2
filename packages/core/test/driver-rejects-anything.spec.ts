/**
 * Whatever a driver rejects with, the caller gets a StorageError: a value `String()` refuses (an
 * object without a prototype, one whose `toString` throws, a revoked Proxy) as well as a Symbol or a
 * bigint is `Unexpected`, with op, service and path, and its text where it has one (its kind,
 * `(object)`, where it has none), instead of the TypeError that making it text would throw.
 */
import { describe, expect, it } from "@jest/globals";
import { isStorageError } from "../src/errors/storage-error.js";
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

/** A revoked Proxy: `instanceof` and `String()` both throw on it. */
function revoked(): unknown {
  const { proxy, revoke } = Proxy.revocable({}, {});
  revoke();
  return proxy;
}

const THROWN: Array<[string, () => unknown, string]> = [
  ["an object without a prototype", () => Object.create(null), "(object)"],
  ["an object whose toString throws", () => ({ toString: () => { throw new Error("no text"); } }), "(object)"],
  ["a Symbol", () => Symbol("sym"), "Symbol(sym)"],
  ["a bigint", () => 5n, "5"],
  ["a revoked Proxy", revoked, "(object)"],
  ["an Error whose message is an object without a prototype", () => Object.assign(new Error(), { message: Object.create(null) as unknown }), "(object)"],
  ["null", () => null, "null"],
];

describe("a driver that rejects with a value that is no Error", () => {
  it.each(THROWN)("stat, write and copy reject with Unexpected (%s)", async (_label, make, text) => {
    const { store, real } = memoryVariant("memory://drv-rejects-anything");
    await store.write("a", Buffer.from("A"));
    // The proxy reads each method from the real driver: these own properties shadow its methods.
    const driver = real as unknown as Record<string, unknown>;
    for (const method of ["stat", "write", "copy"]) driver[method] = async () => Promise.reject(make());

    const calls: Array<[string, string | string[], () => Promise<unknown>]> = [
      ["stat", "a", () => store.stat("a")],
      ["write", "b", () => store.write("b", Buffer.from("B"))],
      ["copy", ["a", "c"], () => store.copy("a", "c")],
    ];
    for (const [op, path, call] of calls) {
      const e = await failure(call());
      expect(isStorageError(e)).toBe(true);
      expect(e).toMatchObject({ code: "Unexpected", op, service: "memory", path, detail: text });
    }
  });
});
