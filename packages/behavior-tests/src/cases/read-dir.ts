import { expect } from "@jest/globals";
import { isStorageError, type ErrorCode, type ReadOptions } from "@stowage/core";
import type { CaseScope, Suite } from "../context.js";
import { expectError, expectIterationError, randomData } from "../fixtures.js";

/** A fresh path (no trailing `/`) whose directory is removed with `mode: "dir"` after the case. */
function dirPath(t: CaseScope): string {
  const path = t.key();
  t.defer(() => t.store.delete(path, { mode: "dir" }));
  return path;
}

/**
 * The read options every case tries: whole and concurrent; 0 bytes and ranged where the storage
 * reads ranges (without readRange any `size` or `offset` is refused first, `CapabilityInsufficient`).
 */
function variants(t: CaseScope): ReadOptions[] {
  const all: ReadOptions[] = [{}, { readConcurrency: 2, readPartSize: 1 }];
  if (t.store.features.readRange) all.push({ size: 0 }, { offset: 1 }, { offset: 0, size: 5 }, { size: 1, readConcurrency: 2, readPartSize: 1 });
  return all;
}

/** Asserts that `read` and `createReadStream` of `path` fail with `code` under every option of {@link variants}. */
async function expectEveryRead(t: CaseScope, path: string, code: ErrorCode): Promise<void> {
  for (const options of variants(t)) {
    try {
      await expectError(() => t.store.read(path, options), code);
    } catch (e) {
      throw new Error(`read(${JSON.stringify(path)}, ${JSON.stringify(options)}): ${(e as Error).message}`);
    }
  }
  await expectIterationError(() => t.store.createReadStream(path), code);
}

/** What a read of `path` with `options` fails with (undefined when it succeeds). */
async function readError(t: CaseScope, path: string, options: ReadOptions): Promise<string | undefined> {
  try {
    await t.store.read(path, options);
    return undefined;
  } catch (e) {
    return isStorageError(e) ? e.code : String(e);
  }
}

/**
 * Reads of directories. One rule on every driver: a path ending in `/` names a directory and is
 * never read: `ObjectModeInvalid` when the directory exists (made by createDir, or implied by keys
 * under it), `ObjectNotExist` when nothing is there, whatever the offset, size or concurrency (a
 * 0-byte read fails exactly as the read would). The same path without `/` fails one way for every
 * option too: `ObjectModeInvalid` where a name is either a file or a directory (memory, fs),
 * `ObjectNotExist` where it is another key (object storages).
 */
export function registerReadDirCases(suite: Suite): void {
  suite.gated(
    "read: a created dir read as `dir/` is ObjectModeInvalid, whatever the offset, size or concurrency",
    ["createDir"],
    async (t) => {
      const path = dirPath(t);
      await t.store.createDir(path);
      await expectEveryRead(t, path + "/", "ObjectModeInvalid");
    },
    async (t) => {
      await expectError(() => t.store.createDir(t.key()), "CapabilityInsufficient");
    },
  );

  suite.test("read: an implied dir (keys under it) read as `dir/` is ObjectModeInvalid, whatever the offset, size or concurrency", async (t) => {
    const path = dirPath(t);
    await t.store.write(t.key(path + "/"), randomData(10));
    await expectEveryRead(t, path + "/", "ObjectModeInvalid");
  });

  suite.test("read: a missing `dir/` is ObjectNotExist, whatever the offset, size or concurrency", async (t) => {
    await expectEveryRead(t, t.key() + "/", "ObjectNotExist");
  });

  suite.test("read: a dir read without its `/` fails the same way for every offset, size and concurrency", async (t) => {
    const path = dirPath(t);
    await t.store.write(t.key(path + "/"), randomData(10));
    const codes = new Set<string | undefined>();
    for (const options of variants(t)) codes.add(await readError(t, path, options));
    expect([...codes]).toHaveLength(1);
    expect(["ObjectModeInvalid", "ObjectNotExist"]).toContain([...codes][0]);
  });
}
