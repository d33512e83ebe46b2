import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "@jest/globals";
import { isStorageError, newStorager, type Storager } from "@stowage/core";
import "../src/index.js";
import { PATH_MAXIMUM } from "../src/path-limit.js";
import { sandbox, type Sandbox } from "./setup.js";

// A key made of short names can add up to a path longer than the system takes (PATH_MAX). Such a
// key must be refused before anything is staged or made: a multipart upload used to stage its
// whole body and fail only at completion, and a multipart write of a path of exactly PATH_MAX
// bytes made a file (through its directory's handle) that no read could reach by its path.

const MIB = 1024 * 1024;
let s: Sandbox;
let store: Storager;
beforeEach(async () => {
  s = await sandbox();
  store = newStorager(`fs://${s.root}/?multipart_threshold=1MiB&part_size=1MiB`);
});
afterEach(async () => {
  await s.cleanup();
});

/** A key of names of 200 bytes or fewer whose path on disk (`<root>/<key>`) is `bytes` long; `tag` starts each name. */
function keyOfPath(bytes: number, tag: string): string {
  let left = bytes - s.root.length - 1;
  const names: string[] = [];
  while (left > 201) {
    names.push(tag + "d".repeat(199));
    left -= 201;
  }
  names.push(tag + "f".repeat(left - 1));
  const key = names.join("/");
  expect(Buffer.byteLength(`${s.root}/${key}`)).toBe(bytes);
  return key;
}

/** The error `call` rejects with (fails the test when it resolves). */
async function errorOf(call: Promise<unknown>): Promise<unknown> {
  try {
    await call;
  } catch (e) {
    return e;
  }
  throw new Error("expected the call to fail");
}

/** Expects `call` to fail with the path-limit `InvalidArgument`. */
async function expectTooLong(call: Promise<unknown>, bytes: number): Promise<void> {
  const e = await errorOf(call);
  expect(isStorageError(e, "InvalidArgument")).toBe(true);
  expect((e as Error).message).toContain(`would be ${bytes} bytes, over this system's limit of ${PATH_MAXIMUM - 1} (PATH_MAX ${PATH_MAXIMUM}`);
}

describe("fs: a path on disk longer than PATH_MAX", () => {
  it("a path of PATH_MAX - 1 bytes works: multipart write, read, stat, copy, append, link, dir", async () => {
    const key = keyOfPath(PATH_MAXIMUM - 1, "a");
    const sibling = key.slice(0, -1);
    const body = Buffer.alloc(3 * MIB, 7);
    expect((await store.write(key, body)).parts).toBe(3);
    expect((await store.read(key)).equals(body)).toBe(true);
    expect((await store.stat(key)).size).toBe(3 * MIB);
    await store.copy(key, sibling + "c");
    expect((await store.stat(sibling + "c")).size).toBe(3 * MIB);
    await store.createAppend(sibling + "p");
    expect((await store.createLink(sibling + "l", key)).path).toBe(sibling + "l");
    expect((await store.createDir(sibling + "d/")).mode).toBe("dir");
  });

  it("one byte more is refused by every call that makes something, before anything is read, staged or made", async () => {
    await store.write("src", "source");
    const bytes = PATH_MAXIMUM;
    const key = keyOfPath(bytes, "b");
    let progress = 0;
    await expectTooLong(store.write(key, Buffer.alloc(3 * MIB, 7), { onProgress: () => void progress++ }), bytes);
    await expectTooLong(store.write(key, "small"), bytes);
    await expectTooLong(store.createMultipart(key), bytes);
    await expectTooLong(store.createAppend(key), bytes);
    await expectTooLong(store.createDir(key + "/"), bytes);
    await expectTooLong(store.copy("src", key), bytes);
    await expectTooLong(store.move("src", key), bytes);
    await expectTooLong(store.createLink(key, "src"), bytes);
    await expectTooLong(store.createLink("link", key), bytes);
    // The refusal names the link's target as such (error.path is the link).
    expect(await errorOf(store.createLink("link", key))).toMatchObject({ path: "link", message: expect.stringMatching(/link target \(\d+ characters\): the path on disk/) });
    // Refused before the server is asked (nothing listens on port 9).
    await expectTooLong(store.fetch(key, "http://127.0.0.1:9/x"), bytes);
    expect(progress).toBe(0);
    const staged = await readdir(join(s.root, ".stowage-multipart")).catch(() => []);
    expect(staged).toEqual([]);
    // Nothing made: the source is where it was, no directory of the key was started.
    expect((await readdir(s.root)).filter((n) => n !== ".stowage-multipart")).toEqual(["src"]);
    expect((await store.read("src")).toString()).toBe("source");
  });

  it("reads, stats, deletes and listings of such a path give the same InvalidArgument", async () => {
    const bytes = PATH_MAXIMUM + 900;
    const key = keyOfPath(bytes, "c");
    await expectTooLong(store.stat(key), bytes);
    await expectTooLong(store.read(key), bytes);
    await expectTooLong(store.delete(key), bytes);
    const listing = async (): Promise<unknown[]> => {
      const out: unknown[] = [];
      for await (const o of store.list(key + "/")) out.push(o);
      return out;
    };
    await expectTooLong(listing(), bytes);
  });
});
