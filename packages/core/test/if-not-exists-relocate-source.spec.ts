import { describe, expect, it } from "@jest/globals";
import type { DriverCallOptions, RawObject } from "../src/driver/storage-driver.js";
import { ErrorCode } from "../src/errors/error-code.js";
import { storageError } from "../src/errors/storage-error.js";
import type { Storager } from "../src/storager.js";
import { relocateStore } from "./relocate-store.js";

/**
 * A store holding "src", "dst" and "sealed" (whose stat is refused, as an SSE-C object's HEAD
 * without its key); "gone" is missing. copy and move refuse an existing destination with
 * `ifNotExists`, as a service's forbid-overwrite does. It records every call.
 */
function open(): { store: Storager; calls: string[] } {
  const calls: string[] = [];
  const objects = new Set(["src", "dst", "sealed"]);
  const relocate = (op: string) => async (from: string, to: string, options: DriverCallOptions): Promise<void> => {
    calls.push(`${op} ${from} ${to}`);
    if (!objects.has(from)) throw storageError(ErrorCode.ObjectNotExist, "no source");
    if (options.ifNotExists === true && objects.has(to)) throw storageError(ErrorCode.Conflict, "exists", { statusCode: 409 });
    objects.add(to);
    if (op === "move") objects.delete(from);
  };
  const store = relocateStore({
    features: { writeIfNotExists: true },
    async stat(key: string): Promise<RawObject> {
      calls.push(`stat ${key}`);
      if (key === "sealed") throw storageError(ErrorCode.InvalidArgument, "the object needs its SSE-C key");
      if (!objects.has(key)) throw storageError(ErrorCode.ObjectNotExist, "none");
      return { key, mode: "file", size: 1 };
    },
    copy: relocate("copy"),
    move: relocate("move"),
  });
  return { store, calls };
}

describe("copy and move ifNotExists: the source before the refusal", () => {
  it.each(["copy", "move"] as const)("%s of a missing source onto an existing object is ObjectNotExist, nothing sent", async (op) => {
    const { store, calls } = open();
    await expect(store[op]("gone", "dst", { ifNotExists: true })).rejects.toMatchObject({ code: "ObjectNotExist", op });
    // The destination's stat, the source's, and (a key without "/" that could name a directory) a stat of "gone/".
    expect(calls).toEqual(["stat dst", "stat gone", "stat gone/"]);
  });

  it.each(["copy", "move"] as const)("%s of an existing source onto an existing object is Conflict, one stat more, nothing sent", async (op) => {
    const { store, calls } = open();
    await expect(store[op]("src", "dst", { ifNotExists: true })).rejects.toMatchObject({ code: "Conflict", statusCode: 409 });
    expect(calls).toEqual(["stat dst", "stat src"]);
  });

  it("a source whose stat fails otherwise (no key to open it) leaves the refusal as it was", async () => {
    const { store, calls } = open();
    await expect(store.copy("sealed", "dst", { ifNotExists: true })).rejects.toMatchObject({ code: "Conflict" });
    expect(calls).toEqual(["stat dst", "stat sealed"]);
  });

  it("a copy onto a free path costs the destination's stat only", async () => {
    const { store, calls } = open();
    await store.copy("src", "new", { ifNotExists: true });
    expect(calls).toEqual(["stat new", "copy src new"]);
  });
});
