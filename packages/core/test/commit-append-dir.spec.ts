/**
 * `commitAppend` of a path ending in `/` is `InvalidArgument` in core, as `writeAppend`'s is: on a
 * service whose commit is a no-op (COS, OSS, QingStor; the recording driver here) it no longer
 * succeeds, and the driver is not called. An `obj.mode` other than "append" stays `ObjectModeInvalid`.
 */
import { describe, expect, it } from "@jest/globals";
import { isStorageError } from "../src/errors/storage-error.js";
import { openRecording } from "./recording-driver.js";
import { rejection } from "./rejection.js";

describe("commitAppend: the checks core makes on every storage", () => {
  it.each(["d/", "a/b/", "/d/"])("a path ending in / (%p) is InvalidArgument, the driver not called, as writeAppend's", async (path) => {
    const { store, driver } = openRecording();
    const obj = { path, mode: "append" as const, appendOffset: 0 };
    const commit = await rejection(store.commitAppend(obj));
    expect(isStorageError(commit, "InvalidArgument")).toBe(true);
    expect((commit as { op?: string }).op).toBe("commit_append");
    const append = await rejection(store.writeAppend(obj, "x"));
    expect(isStorageError(append, "InvalidArgument")).toBe(true);
    expect(driver.calls).toEqual([]);
  });

  it("an obj.mode other than append is ObjectModeInvalid, the driver not called", async () => {
    const { store, driver } = openRecording();
    const e = await rejection(store.commitAppend({ path: "a.txt", mode: "file" }));
    expect(isStorageError(e, "ObjectModeInvalid")).toBe(true);
    expect(driver.calls).toEqual([]);
  });

  it("an append object's path is committed through the driver", async () => {
    const { store, driver } = openRecording();
    await store.commitAppend({ path: "log.txt", mode: "append", appendOffset: 3 });
    expect(driver.calls).toEqual([{ method: "commitAppend", keys: ["log.txt"] }]);
  });
});
