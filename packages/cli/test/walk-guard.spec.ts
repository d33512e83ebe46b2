/**
 * The dir walk behind `rm -r`, `cp -r`, `ls -r` and `du` lists each directory once, whatever the
 * listings answer: a directory entry that lists as itself (another client's `x//` used to list as
 * `x/` again, for ever, on billed LIST requests) cannot make it loop.
 */
import { describe, expect, it } from "@jest/globals";
import { defineFeatures, type ObjectInfo, type Storager } from "@stowage/core";
import { walk } from "../src/transfer/walk.js";

/** A storage with dir listings only, whose listing of `x/` and of `x//` both answer `x//` (and a file). */
function loopingStore(listed: string[]): Storager {
  const entries: Record<string, ObjectInfo[]> = {
    "": [{ path: "x/", mode: "dir" }, { path: "top", mode: "file", size: 1 }],
    "x/": [{ path: "x//", mode: "dir" }, { path: "x/f", mode: "file", size: 1 }],
    "x//": [{ path: "x//", mode: "dir" }, { path: "x/", mode: "dir" }],
  };
  const store = {
    features: defineFeatures({ list: true, listDir: true }),
    async *list(path: string): AsyncIterable<ObjectInfo> {
      listed.push(path);
      if (listed.length > 50) throw new Error("the walk keeps listing");
      yield* entries[path] ?? [];
    },
  };
  return store as unknown as Storager;
}

describe("walk over dir listings", () => {
  it("lists every directory once, even when a listing names a directory already listed (or itself)", async () => {
    const listed: string[] = [];
    const seen: string[] = [];
    for await (const o of walk(loopingStore(listed), { dirs: true })) seen.push(o.path);
    expect(listed).toEqual(["", "x/", "x//"]);
    expect(seen).toEqual(["x/", "top", "x//", "x/f", "x//", "x/"]);
  });
});
