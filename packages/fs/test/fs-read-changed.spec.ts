import { appendFileSync, closeSync, openSync, truncateSync, writeSync } from "node:fs";
import { utimes, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "@jest/globals";
import { isStorageError, newStorager, type Storager } from "@stowage/core";
import "../src/index.js";
import { sandbox, type Sandbox } from "./setup.js";

// A file written in place while it is read (the same inode: no ETag check between ranges sees it)
// fails the read with IntegrityMismatch before its stream ends, instead of handing out a mix of two
// versions: the file is looked at once more when its bytes are read (its size and mtime against
// those it was opened with). A file that grew was appended to past the bytes read: the read ends
// well. The files are dated in the past first, so an edit's mtime (now) differs whatever the
// kernel clock's tick.

// Eight chunks of the driver's stream (1 MiB each): far more than the streams between it and the reader hold
// (one chunk each), so the change comes before the driver has read the last byte.
const SIZE = 8 * 1024 * 1024;
const LONG_AGO = new Date("2001-01-01T00:00:00Z");

let s: Sandbox;
let store: Storager;
beforeEach(async () => {
  s = await sandbox();
  store = newStorager(`fs://${s.root}/`);
  await writeFile(join(s.root, "big"), Buffer.alloc(SIZE, "a"));
  await utimes(join(s.root, "big"), LONG_AGO, LONG_AGO);
});
afterEach(async () => {
  await s.cleanup();
});

/** Reads `big` through a stream, running `change` once its first chunk came; resolves with the bytes, or the error. */
async function readWhile(change: () => void): Promise<{ bytes: Buffer } | { error: unknown }> {
  const chunks: Buffer[] = [];
  let changed = false;
  try {
    for await (const chunk of store.createReadStream("big")) {
      chunks.push(chunk as Buffer);
      if (!changed) {
        changed = true;
        change();
      }
    }
    return { bytes: Buffer.concat(chunks) };
  } catch (error) {
    return { error };
  }
}

describe("fs: a file changed while it is read", () => {
  it("written in place, the same size: IntegrityMismatch, never a mix of both versions", async () => {
    const got = await readWhile(() => {
      const fd = openSync(join(s.root, "big"), "r+");
      writeSync(fd, Buffer.alloc(SIZE - 1024 * 1024, "b"), 0, SIZE - 1024 * 1024, 1024 * 1024);
      closeSync(fd);
    });
    expect("error" in got && isStorageError(got.error, "IntegrityMismatch")).toBe(true);
    expect(String((got as { error: unknown }).error)).toContain("the object changed during the read (it was written in place");
  });

  it("shrunk: IntegrityMismatch", async () => {
    const got = await readWhile(() => truncateSync(join(s.root, "big"), 1024 * 1024));
    expect("error" in got && isStorageError(got.error, "IntegrityMismatch")).toBe(true);
  });

  it("appended to: the bytes it had when opened, whole", async () => {
    const got = await readWhile(() => appendFileSync(join(s.root, "big"), "more"));
    expect("bytes" in got && got.bytes.equals(Buffer.alloc(SIZE, "a"))).toBe(true);
  });

  it("unchanged: read whole, by stream and at once", async () => {
    expect((await store.read("big")).equals(Buffer.alloc(SIZE, "a"))).toBe(true);
    await writeFile(join(s.root, "small"), "small file");
    expect((await store.read("small")).toString()).toBe("small file");
  });
});
