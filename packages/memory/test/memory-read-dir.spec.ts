import { describe, expect, it } from "@jest/globals";
import { MemoryStorageDriver } from "../src/storager.js";
import { MemoryStore } from "../src/store.js";
import { buf, expectCode } from "./helpers.js";

function driver(): MemoryStorageDriver {
  return new MemoryStorageDriver(new MemoryStore(), "");
}

describe("memory driver: reading a directory", () => {
  it("an implied directory is ObjectModeInvalid with or without its trailing /, as a created one", async () => {
    const d = driver();
    await d.write("implied/child", buf("x"), {});
    await expectCode(d.read("implied", {}, {}), "ObjectModeInvalid");
    await expectCode(d.read("implied/", {}, {}), "ObjectModeInvalid");
    await expectCode(d.read("implied/", { offset: 1, size: 3 }, {}), "ObjectModeInvalid");
    await d.createDir("made/", {});
    await expectCode(d.read("made/", {}, {}), "ObjectModeInvalid");
    await expectCode(d.read("missing/", {}, {}), "ObjectNotExist");
  });

  it("a link to an implied directory is ObjectModeInvalid", async () => {
    const d = driver();
    await d.write("implied/child", buf("x"), {});
    await d.createLink!("l", "implied", {});
    await expectCode(d.read("l", {}, {}), "ObjectModeInvalid");
  });
});

describe("memory storager: stat of a directory", () => {
  it("reports the path with its trailing /, also when asked without one", async () => {
    const { newStorager } = await import("@stowage/core");
    await import("../src/index.js");
    const store = newStorager(`memory://stat-dir-${Date.now()}/`);
    await store.write("d/abc/f", "x");
    const o = await store.stat("d/abc");
    expect(o).toMatchObject({ path: "d/abc/", mode: "dir" });
    expect(await store.stat("d/abc", { mode: "dir" })).toMatchObject({ path: "d/abc/", mode: "dir" });
    expect(await store.stat("d/abc/f")).toMatchObject({ path: "d/abc/f", mode: "file" });
  });
});

describe("memory driver: deleting a directory path without mode dir", () => {
  it("is ObjectModeInvalid for an implied directory too (with or without its /), as for a created one, and deletes nothing", async () => {
    const d = driver();
    await d.write("implied/child", buf("x"), {});
    await expectCode(d.delete("implied/", {}), "ObjectModeInvalid");
    await expectCode(d.delete("implied", {}), "ObjectModeInvalid");
    await d.createDir("made/", {});
    await expectCode(d.delete("made/", {}), "ObjectModeInvalid");
    expect((await d.stat("implied/child", {})).size).toBe(1);
  });
});
