import { PassThrough } from "node:stream";
import { describe, expect, it } from "@jest/globals";
import { isStorageError, newStorager, type StorageError } from "@stowage/core";
import { MemoryStorageDriver } from "@stowage/memory";
import { MemoryStore } from "../src/store.js";
import { buf, drain, expectCode } from "./helpers.js";

// Conditional writes (`ifNotExists`, feature `writeIfNotExists`) on the memory driver: nothing is
// stored where anything exists at the key, decided in the same synchronous stretch as the store's set.

function driver(): MemoryStorageDriver {
  return new MemoryStorageDriver(new MemoryStore());
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

describe("memory ifNotExists", () => {
  it("declares the feature", () => {
    expect(driver().features.writeIfNotExists).toBe(true);
  });

  it("write stores a new object, then refuses to replace it: Conflict 409, not retryable, the object unchanged", async () => {
    const d = driver();
    await d.write("k", buf("first"), { ifNotExists: true });
    const before = await d.stat("k", {});
    const e = await rejection(d.write("k", buf("second!"), { ifNotExists: true }));
    expect(e).toMatchObject({ code: "Conflict", statusCode: 409, retryable: false });
    expect(await text(d, "k")).toBe("first");
    expect(await d.stat("k", {})).toEqual(before);
  });

  it("counts an append object, a link (dangling too) and a directory (real or implied) as existing", async () => {
    const d = driver();
    await d.createAppend("app", {});
    await d.writeAppend("app", 0, buf("log"), {});
    await d.createLink("dangling", "nowhere", {});
    await d.createDir("real/", {});
    await d.write("implied/child", buf("c"), {});
    for (const key of ["app", "dangling", "real", "implied"]) await expectCode(d.write(key, buf("x"), { ifNotExists: true }), "Conflict");
    expect(await text(d, "app")).toBe("log");
    expect(await d.stat("dangling", {})).toMatchObject({ mode: "link", linkTarget: "/nowhere" });
    expect(await d.stat("real", {})).toMatchObject({ mode: "dir" });
    await expectCode(d.stat("nowhere", {}), "ObjectNotExist");
    // Without the option a directory is still the wrong mode, and a file in a parent's place is not "exists".
    await expectCode(d.write("real", buf("x"), {}), "ObjectModeInvalid");
    await expectCode(d.write("app/below", buf("x"), { ifNotExists: true }), "ObjectModeInvalid");
  });

  it("of writes racing for one new key, exactly one stores its bytes; the others get Conflict", async () => {
    const store = newStorager("memory://");
    const bodies = Array.from({ length: 8 }, (_, i) => Buffer.alloc(4096, 65 + i));
    const results = await Promise.allSettled(bodies.map((b) => store.write("race", b, { ifNotExists: true })));
    const won = results.flatMap((r, i) => (r.status === "fulfilled" ? [i] : []));
    expect(won).toHaveLength(1);
    for (const r of results) if (r.status === "rejected") expect(r.reason).toMatchObject({ code: "Conflict" });
    expect((await store.read("race")).equals(bodies[won[0]!]!)).toBe(true);
  });

  it("an object stored while the body is still coming in wins: the conditional write gets Conflict", async () => {
    const d = driver();
    const body = new PassThrough();
    const pending = d.write("slow", { data: body, size: 6 }, { ifNotExists: true });
    body.write(Buffer.from("abc"));
    await new Promise((resolve) => setImmediate(resolve));
    await d.write("slow", buf("meanwhile"), {});
    body.end(Buffer.from("def"));
    await expectCode(pending, "Conflict");
    expect(await text(d, "slow")).toBe("meanwhile");
  });

  it("completeMultipart refuses where an object was stored since the upload began; the upload is kept", async () => {
    const d = driver();
    const { multipartId } = await d.createMultipart("mp", { ifNotExists: true });
    const p0 = await d.writePart("mp", multipartId, 0, buf("part"), { ifNotExists: true });
    await d.write("mp", buf("meanwhile"), {});
    const e = await rejection(d.completeMultipart("mp", multipartId, [p0], { ifNotExists: true }));
    expect(e).toMatchObject({ code: "Conflict", statusCode: 409, retryable: false });
    expect(await text(d, "mp")).toBe("meanwhile");
    expect(await d.statMultipart("mp", multipartId, {})).toMatchObject({ mode: "part", multipartId });
    // Once the key is free again the same upload completes.
    await d.delete("mp", {});
    await d.completeMultipart("mp", multipartId, [p0], { ifNotExists: true });
    expect(await text(d, "mp")).toBe("part");
  });

  it("of two uploads completing to one new key with ifNotExists, the second gets Conflict", async () => {
    const d = driver();
    const a = await d.createMultipart("two", {});
    const b = await d.createMultipart("two", {});
    const pa = await d.writePart("two", a.multipartId, 0, buf("from a"), {});
    const pb = await d.writePart("two", b.multipartId, 0, buf("from b"), {});
    const results = await Promise.allSettled([
      d.completeMultipart("two", a.multipartId, [pa], { ifNotExists: true }),
      d.completeMultipart("two", b.multipartId, [pb], { ifNotExists: true }),
    ]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected"]);
    expect((results[1] as PromiseRejectedResult).reason).toMatchObject({ code: "Conflict" });
    expect(await text(d, "two")).toBe("from a");
  });
});
