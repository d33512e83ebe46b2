import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { newStorager, type Storager } from "@stowage/core";
import { isFsStorager } from "../src/index.js";

// The guard narrows a Storager to Storager<FsOptions> (compile-time: test-consumer/); at run time it
// must say true of this driver's storagers only, and never throw on what a JavaScript caller passes.
describe("isFsStorager", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "stowage-fs-guard-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("is true of a storager it opened: the narrowed storager's copy takes sourceWithin", async () => {
    const store: Storager = newStorager(`fs://${dir}/`);
    expect(isFsStorager(store)).toBe(true);
    if (!isFsStorager(store)) return;
    await store.write("a/f", "x");
    await store.copy("a/f", "b/f", { sourceWithin: "a/", destinationWithin: "b/" });
    expect((await store.read("b/f")).toString()).toBe("x");
  });

  it("is false of another service's storager", () => {
    const other = { info: { service: "memory", name: "", workDir: "/" } } as unknown as Storager;
    expect(isFsStorager(other)).toBe(false);
  });

  it("is false, never a throw, of what is no storager", () => {
    for (const value of [undefined, null, 0, "fs", {}, { info: null }, { info: {} }]) {
      expect(isFsStorager(value as unknown as Storager)).toBe(false);
    }
  });
});
