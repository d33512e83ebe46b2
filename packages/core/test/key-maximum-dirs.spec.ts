/**
 * A directory whose key is over `limits.keyMaximum` only by its `/` (its name is a valid object's):
 * no marker and no key below it can exist on the service, so a stat of it answers ObjectNotExist and
 * a delete of it does nothing, neither sending anything; creating it stays InvalidArgument, and so
 * does a directory whose name alone is too long.
 */
import { describe, expect, it } from "@jest/globals";
import { isStorageError } from "../src/errors/storage-error.js";
import { openRecording } from "./recording-driver.js";

// 20 bytes allowed; the work_dir's "w/" counts.
const open = () => openRecording("/w/", { keyMaximum: 20 });
const exact = "é".repeat(9); // "w/" + 18 bytes = 20 bytes: an object may have this name
const tooLong = exact + "x"; // 21 bytes

async function failure(fn: () => Promise<unknown>): Promise<unknown> {
  try {
    await fn();
  } catch (e) {
    return e;
  }
  return undefined;
}

describe("a directory whose key only its / takes over limits.keyMaximum", () => {
  it.each([
    ["stat mode dir", exact, { mode: "dir" }],
    ["stat of a path ending in /", exact + "/", {}],
  ] as const)("%s: ObjectNotExist, nothing sent", async (_name, path, options) => {
    const { driver, store } = open();
    const e = await failure(() => store.stat(path, options));
    expect(isStorageError(e, "ObjectNotExist")).toBe(true);
    expect((e as Error).message).toMatch(/no such directory: its key, with the "\/", would be longer than rec allows/);
    expect(driver.calls).toEqual([]);
  });

  it.each([
    ["delete mode dir", exact, { mode: "dir" }],
    ["delete of a path ending in /", exact + "/", {}],
  ] as const)("%s: done (idempotent), nothing sent", async (_name, path, options) => {
    const { driver, store } = open();
    await expect(store.delete(path, options)).resolves.toBeUndefined();
    expect(driver.calls).toEqual([]);
  });

  it("a delete of it with an aborted signal is Aborted, as every call is", async () => {
    const { driver, store } = open();
    const e = await failure(() => store.delete(exact, { mode: "dir", signal: AbortSignal.abort() }));
    expect(isStorageError(e, "Aborted")).toBe(true);
    expect(driver.calls).toEqual([]);
  });

  it("the object of that name is still stat'ed and deleted", async () => {
    const { driver, store } = open();
    await store.stat(exact);
    await store.delete(exact);
    expect(driver.calls).toEqual([
      { method: "stat", keys: ["w/" + exact] },
      { method: "delete", keys: ["w/" + exact] },
    ]);
  });

  it.each([
    ["createDir of it", () => open().store.createDir(exact)],
    ["stat of a directory whose name alone is too long", () => open().store.stat(tooLong, { mode: "dir" })],
    ["delete of a directory whose name alone is too long", () => open().store.delete(tooLong, { mode: "dir" })],
    ["stat of an upload at the directory key", () => open().store.stat(exact + "/", { multipartId: "u1" })],
  ] as const)("%s: InvalidArgument", async (_name, op) => {
    const e = await failure(op);
    expect(isStorageError(e, "InvalidArgument")).toBe(true);
    expect((e as Error).message).toMatch(/longer than the 20 bytes rec allows/);
  });
});
