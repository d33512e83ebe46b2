import { describe, expect, it } from "@jest/globals";
import { isStorageError, newStorager, type StorageError } from "@stowage/core";
import { MemoryStorageDriver } from "@stowage/memory";
import { fileEntry, MemoryStore } from "../src/store.js";
import { buf, drain, expectCode } from "./helpers.js";

// `ifNotExists` on copy and move (feature `writeIfNotExists`): nothing is stored where anything is at
// the destination, decided in the same synchronous stretch as the store's update; a refused move
// keeps its source.

function driver(store = new MemoryStore()): MemoryStorageDriver {
  return new MemoryStorageDriver(store);
}

async function text(d: MemoryStorageDriver, key: string): Promise<string> {
  return (await drain((await d.read(key, {}, {})).stream)).toString();
}

/** The StorageError `promise` rejects with (fails the test when it resolves or throws anything else). */
async function rejection(promise: Promise<unknown>): Promise<StorageError> {
  const e = await promise.then(
    () => undefined,
    (err: unknown) => err,
  );
  if (!isStorageError(e)) throw new Error(`expected a StorageError, got ${String(e)}`);
  return e;
}

/** A driver holding a file `src`, a file `file`, an append object, a dangling link and two directories (real, implied). */
async function occupied(): Promise<{ d: MemoryStorageDriver; taken: string[] }> {
  const d = driver();
  await d.write("src", buf("source"), { contentType: "text/plain" });
  await d.write("file", buf("file"), {});
  await d.createAppend("app", {});
  await d.writeAppend("app", 0, buf("log"), {});
  await d.createLink("dangling", "nowhere", {});
  await d.createDir("real/", {});
  await d.write("implied/child", buf("c"), {});
  return { d, taken: ["file", "app", "dangling", "real", "implied"] };
}

/** Everything stat says of each key (a directory by its `/`). */
async function snapshot(d: MemoryStorageDriver, keys: string[]): Promise<unknown[]> {
  return Promise.all(keys.map((k) => d.stat(k, {}).catch((e: unknown) => (e as StorageError).code)));
}

describe("memory copy ifNotExists", () => {
  it("copies to a new key, then refuses every taken one (a file, an append object, a dangling link, a directory, itself): Conflict 409, nothing changed", async () => {
    const { d, taken } = await occupied();
    await d.copy("src", "fresh", { ifNotExists: true });
    expect(await text(d, "fresh")).toBe("source");
    const keys = ["src", "fresh", ...taken];
    const before = await snapshot(d, keys);
    for (const key of [...taken, "src", "fresh"]) {
      const e = await rejection(d.copy("src", key, { ifNotExists: true }));
      expect(e).toMatchObject({ code: "Conflict", statusCode: 409, retryable: false });
    }
    expect(await snapshot(d, keys)).toEqual(before);
    await expectCode(d.stat("nowhere", {}), "ObjectNotExist");
  });

  it("an object stored at the destination during the progress event wins: Conflict, that object kept", async () => {
    const store = new MemoryStore();
    const d = driver(store);
    await d.write("src", buf("source"), {});
    const onProgress = (): void => store.set("dst", fileEntry("file", Buffer.from("meanwhile")));
    await expectCode(d.copy("src", "dst", { ifNotExists: true, onProgress }), "Conflict");
    expect(await text(d, "dst")).toBe("meanwhile");
  });

  it("of copies racing to one new key, exactly one stores its bytes; the others get Conflict", async () => {
    const s = newStorager("memory://");
    const sources = Array.from({ length: 8 }, (_, i) => Buffer.alloc(4096, 65 + i));
    for (const [i, data] of sources.entries()) await s.write(`src-${i}`, data);
    const results = await Promise.allSettled(sources.map((_, i) => s.copy(`src-${i}`, "race", { ifNotExists: true })));
    const won = results.flatMap((r, i) => (r.status === "fulfilled" ? [i] : []));
    expect(won).toHaveLength(1);
    for (const r of results) if (r.status === "rejected") expect(r.reason).toMatchObject({ code: "Conflict" });
    expect((await s.read("race")).equals(sources[won[0]!]!)).toBe(true);
  });
});

describe("memory move ifNotExists", () => {
  it("moves to a new key, then refuses every taken one: Conflict 409, the source kept, the destination unchanged", async () => {
    const { d, taken } = await occupied();
    await d.move("src", "moved", { ifNotExists: true });
    await expectCode(d.stat("src", {}), "ObjectNotExist");
    expect(await d.stat("moved", {})).toMatchObject({ mode: "file", contentType: "text/plain" });
    const keys = ["moved", ...taken];
    const before = await snapshot(d, keys);
    for (const key of taken) {
      const e = await rejection(d.move("moved", key, { ifNotExists: true }));
      expect(e).toMatchObject({ code: "Conflict", statusCode: 409, retryable: false });
    }
    expect(await snapshot(d, keys)).toEqual(before);
    expect(await text(d, "moved")).toBe("source");
  });

  it("moves a link as a link; onto a taken key Conflict, the link kept", async () => {
    const d = driver();
    await d.write("target", buf("t"), {});
    await d.write("taken", buf("taken"), {});
    await d.createLink("l", "target", {});
    await d.move("l", "l2", { ifNotExists: true });
    expect(await d.stat("l2", {})).toMatchObject({ mode: "link", linkTarget: "/target" });
    await expectCode(d.move("l2", "taken", { ifNotExists: true }), "Conflict");
    expect(await d.stat("l2", {})).toMatchObject({ mode: "link", linkTarget: "/target" });
    expect(await text(d, "taken")).toBe("taken");
  });

  it("an object stored at the destination during the progress event wins: Conflict, the source kept", async () => {
    const store = new MemoryStore();
    const d = driver(store);
    await d.write("src", buf("source"), {});
    const onProgress = (): void => store.set("dst", fileEntry("file", Buffer.from("meanwhile")));
    await expectCode(d.move("src", "dst", { ifNotExists: true, onProgress }), "Conflict");
    expect([await text(d, "src"), await text(d, "dst")]).toEqual(["source", "meanwhile"]);
  });

  it("of moves racing to one new key, exactly one moves; every other source is kept", async () => {
    const s = newStorager("memory://");
    const names = Array.from({ length: 8 }, (_, i) => `src-${i}`);
    for (const name of names) await s.write(name, name);
    const results = await Promise.allSettled(names.map((name) => s.move(name, "race", { ifNotExists: true })));
    const won = results.flatMap((r, i) => (r.status === "fulfilled" ? [i] : []));
    expect(won).toHaveLength(1);
    for (const r of results) if (r.status === "rejected") expect(r.reason).toMatchObject({ code: "Conflict" });
    expect((await s.read("race")).toString()).toBe(names[won[0]!]);
    for (const [i, name] of names.entries()) {
      if (i === won[0]) await expectCode(s.stat(name), "ObjectNotExist");
      else expect((await s.read(name)).toString()).toBe(name);
    }
  });
});
