import { describe, expect, it } from "@jest/globals";
import type { DriverCallOptions, RawObject } from "../src/driver/storage-driver.js";
import { ErrorCode } from "../src/errors/error-code.js";
import { storageError } from "../src/errors/storage-error.js";
import type { Storager } from "../src/storager.js";
import { relocateStore } from "./relocate-store.js";

/** A driver recording the options its copy and move get; `attributes` turns `copyAttributes` on. */
function open(query: string, attributes = true): { store: Storager; seen: DriverCallOptions[] } {
  const seen: DriverCallOptions[] = [];
  const keep = async (_src: string, _dst: string, options: DriverCallOptions): Promise<void> => {
    const { signal: _signal, ...rest } = options;
    seen.push(rest);
  };
  const store = relocateStore(
    {
      features: { contentType: true, userMetadata: true, storageClass: true, cacheControl: true, writeIfNotExists: true, copyAttributes: attributes },
      async stat(key: string): Promise<RawObject> {
        // "a" is the source the cases copy; "taken" an object in the way.
        if (key !== "taken" && key !== "a") throw storageError(ErrorCode.ObjectNotExist, "none");
        return { key, mode: "file", size: 0 };
      },
      copy: keep,
      move: keep,
    },
    query,
  );
  return { store, seen };
}

describe("copy attributes and ifNotExists on copy and move (core)", () => {
  it("hands the call's attributes and ifNotExists to the driver; a move takes ifNotExists only", async () => {
    const { store, seen } = open("");
    await store.copy("a", "b", { contentType: "text/plain", metadata: { k: "v" }, cacheControl: "no-cache", storageClass: "IA", ifNotExists: true });
    await store.move("a", "c", { ifNotExists: true });
    expect(seen[0]).toMatchObject({ contentType: "text/plain", metadata: { k: "v" }, cacheControl: "no-cache", storageClass: "IA", ifNotExists: true, defaulted: [] });
    expect(seen[1]).toMatchObject({ ifNotExists: true });
    await expect(store.move("a", "d", { contentType: "text/plain" } as never)).rejects.toMatchObject({ code: "PairUnsupported" });
  });

  it("ifNotExists of a source that is there onto an existing object is Conflict, before the driver's copy or move", async () => {
    const { store, seen } = open("");
    await expect(store.copy("a", "taken", { ifNotExists: true })).rejects.toMatchObject({ code: "Conflict" });
    await expect(store.move("a", "taken", { ifNotExists: true })).rejects.toMatchObject({ code: "Conflict" });
    expect(seen).toEqual([]);
  });

  it("open-time defaults never turn a copy into a replacing one", async () => {
    const { store, seen } = open("?default_content_type=text%2Fhtml&default_cache_control=no-store&default_storage_class=IA");
    await store.copy("a", "b");
    expect(seen[0]?.contentType).toBeUndefined();
    expect(seen[0]?.cacheControl).toBeUndefined();
    expect(seen[0]?.storageClass).toBeUndefined();
    expect(seen[0]?.defaulted).toEqual([]);
  });

  it("a storage without copyAttributes refuses them (PairUnsupported) before the driver, or drops them when loose", async () => {
    const strict = open("", false);
    await expect(strict.store.copy("a", "b", { metadata: { k: "v" } })).rejects.toMatchObject({ code: "PairUnsupported" });
    expect(strict.seen).toEqual([]);
    const loose = open("?enable_loose_pair=true", false);
    await loose.store.copy("a", "b", { metadata: { k: "v" }, ifNotExists: true });
    expect(loose.seen[0]?.metadata).toBeUndefined();
    expect(loose.seen[0]?.ifNotExists).toBe(true);
  });
});
