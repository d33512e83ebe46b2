import { randomBytes } from "node:crypto";
import { expect } from "@jest/globals";
import type { Storager } from "@stowage/core";
import { expectSameBytes, randomData } from "./fixtures.js";

/**
 * Checks server-side copies on a service with customer keys (SSE-C). `open(key)` opens a
 * storager on one shared, empty work_dir with `key` as its open-time SSE-C key (none when
 * undefined). A storager opened with a key copies and moves its own objects without a
 * copy-source key, copies a plain object into an encrypted one (onto itself too: in place), and
 * refuses a source encrypted with another key with an error that says a copy-source key may be
 * missing (never the key).
 */
export async function checkSseCCopies(open: (key?: Buffer) => Storager): Promise<void> {
  const key = randomBytes(32);
  const store = open(key);
  const data = randomData(3000);
  await store.write("a", data);
  await store.copy("a", "b");
  expectSameBytes(await store.read("b"), data);
  await store.move("b", "c");
  expectSameBytes(await store.read("c"), data);

  const plain = open();
  await plain.write("plain", data);
  await store.copy("plain", "encrypted");
  expectSameBytes(await store.read("encrypted"), data);
  await expect(plain.read("encrypted")).rejects.toMatchObject({ name: "StorageError" });

  // Onto itself: with the key it already has, nothing changes; a plain object gets encrypted in place.
  await store.copy("c", "c");
  expectSameBytes(await store.read("c"), data);
  await plain.write("in-place", data);
  await store.copy("in-place", "in-place");
  expectSameBytes(await store.read("in-place"), data);
  await expect(plain.read("in-place")).rejects.toMatchObject({ name: "StorageError" });

  const other = open(randomBytes(32));
  await other.write("other", data);
  const error = await store.copy("other", "d").then(
    () => undefined,
    (e: unknown) => e as Error,
  );
  expect(error).toMatchObject({ name: "StorageError" });
  expect(error!.message).toContain("copy-source key");
  expect(error!.message).not.toContain(key.toString("base64"));
  await expect(store.stat("d")).rejects.toMatchObject({ code: "ObjectNotExist" });
  await plain.deleteMany(["a", "c", "plain", "encrypted", "other", "in-place"]);
}

/**
 * Checks that a storager opened with an SSE-C key (`open(key)`, as for {@link checkSseCCopies})
 * stats the directories it makes: their markers are plain zero-byte objects, which refuse SSE-C
 * headers, so a directory's stat must not send the key.
 */
export async function checkSseCDirs(open: (key?: Buffer) => Storager): Promise<void> {
  const store = open(randomBytes(32));
  await store.createDir("d/");
  expect(await store.stat("d/")).toMatchObject({ mode: "dir" });
  await store.write("d/x", "inside");
  expect(await store.stat("d/")).toMatchObject({ mode: "dir" });
  expect((await store.read("d/x")).toString()).toBe("inside");
  await store.delete("d/x");
  await store.delete("d/", { mode: "dir" });
}

/**
 * Checks that a storager opened with an SSE-C key has no appends (`features.append` false: the
 * services append without a key, so the object would be stored unencrypted and unreadable with
 * it), and refuses them before anything changes: an object already at the key stays as it was.
 */
export async function checkSseCAppends(open: (key?: Buffer) => Storager): Promise<void> {
  const store = open(randomBytes(32));
  expect(store.features.append).toBe(false);
  await store.write("log", "kept");
  await expect(store.createAppend("log")).rejects.toMatchObject({ code: "CapabilityInsufficient" });
  expect((await store.read("log")).toString()).toBe("kept");
  const plain = open();
  expect(plain.features.append).toBe(true);
  const created = await plain.createAppend("plain-log");
  await expect(store.writeAppend(created, "more")).rejects.toMatchObject({ code: "CapabilityInsufficient" });
  expect((await plain.stat("plain-log")).size).toBe(0);
  await plain.deleteMany(["log", "plain-log"]);
}

/**
 * Checks what a stat of an object written with a customer key says when the key is wrong or
 * missing (a HEAD answer has no body to say why): with another key, `PermissionDenied` whose
 * message names the customer key the request carried; without one, a message naming the
 * customer key and `keyPair` (the pair to give it with). Neither message holds a key, in any
 * encoding. `open(key)` as in {@link checkSseCCopies}.
 */
export async function checkSseCKeyHints(open: (key?: Buffer) => Storager, keyPair: string): Promise<void> {
  const key = randomBytes(32);
  const wrong = randomBytes(32);
  await open(key).write("hinted", "secret");
  const wrongKey = await open(wrong).stat("hinted").then(
    () => undefined,
    (e: unknown) => e as { code?: string; message: string },
  );
  expect(wrongKey).toMatchObject({ code: "PermissionDenied", message: expect.stringContaining("the SSE-C customer key the request carried may not be the one the object was written with") });
  const noKey = await open().stat("hinted").then(
    () => undefined,
    (e: unknown) => e as { code?: string; message: string },
  );
  expect(noKey?.message).toContain(`a HEAD needs that key: give it with \`${keyPair}\``);
  for (const shown of [wrongKey!.message, noKey!.message]) {
    for (const k of [key, wrong]) for (const encoding of ["base64", "base64url", "hex"] as const) expect(shown).not.toContain(k.toString(encoding));
  }
}
