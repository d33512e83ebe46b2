import { describe, expect, it } from "@jest/globals";
import { newStorager } from "@stowage/core";
import "../src/index.js";
import { MemoryStorageDriver } from "../src/storager.js";
import { MemoryStore } from "../src/store.js";
import { buf, expectCode } from "./helpers.js";

function driver(): MemoryStorageDriver {
  return new MemoryStorageDriver(new MemoryStore(), "");
}

describe("memory driver: what delete refuses", () => {
  it("deleteMany checks every key first: a directory named without its / deletes nothing", async () => {
    const d = driver();
    for (const k of ["a", "d/x", "b"]) await d.write(k, buf("x"), {});
    await expect(d.deleteMany(["a", "d", "b"], {})).rejects.toMatchObject({ code: "ObjectModeInvalid", message: expect.stringContaining('"d": this path is a directory') });
    for (const k of ["a", "d/x", "b"]) expect((await d.stat(k, {})).size).toBe(1);
    await d.deleteMany(["a", "b", "missing"], {});
    await expectCode(d.stat("a", {}), "ObjectNotExist");
  });

  it("a deleteMany refused for a directory says the other paths were not attempted, not failed with the directory's code", async () => {
    const store = newStorager(`memory://delete-outcome-${Date.now()}/`);
    for (const k of ["a/b/b", "b", "c"]) await store.write(k, "x");
    const e = await store.deleteMany(["b", "a/b", "c", "b"]).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(e).toMatchObject({ code: "ObjectModeInvalid", batch: { failed: [{ path: "a/b", code: "ObjectModeInvalid" }], deleted: [], notAttempted: ["b", "c"] } });
    for (const k of ["a/b/b", "b", "c"]) expect((await store.stat(k)).size).toBe(1);
  });

  it("the empty key (the store's root) is refused by delete, deleteMany and deleteDir, and nothing goes", async () => {
    const d = driver();
    await d.write("a", buf("x"), {});
    await expectCode(d.delete("", {}), "InvalidArgument");
    await expectCode(d.deleteMany(["a", ""], {}), "InvalidArgument");
    await expectCode(d.deleteDir("", {}), "InvalidArgument");
    expect((await d.stat("a", {})).size).toBe(1);
  });
});
