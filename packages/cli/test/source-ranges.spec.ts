import { describe, expect, it } from "@jest/globals";
import { Readable } from "node:stream";
import type { Storager } from "@stowage/core";
import type { CopyEnv } from "../src/transfer/copy-object.js";
import { openSource, READ_RANGE_MAX } from "../src/transfer/source-stream.js";
import { TRANSFER_DEFAULTS } from "../src/transfer/settings.js";

/** The options `openSource` gives the source's createReadStream, for a part size and --read-concurrency. */
function readOptions(partSize: number, readConcurrency: number): Record<string, unknown> {
  let seen: Record<string, unknown> = {};
  const store = {
    createReadStream(_path: string, options: Record<string, unknown>): Readable {
      seen = options;
      return Readable.from([]);
    },
  } as unknown as Storager;
  const env = { settings: { ...TRANSFER_DEFAULTS, readConcurrency }, signal: new AbortController().signal } as unknown as CopyEnv;
  openSource(env, { store, path: "big" }, partSize, 0, undefined).read.destroy();
  return seen;
}

describe("--read-concurrency ranges", () => {
  it("are the part size while it is small", () => {
    expect(readOptions(8 * 1024 * 1024, 4)).toMatchObject({ readConcurrency: 4, readPartSize: 8 * 1024 * 1024 });
  });

  it("never exceed 64 MiB, however large the destination's parts (up to 5 GiB: n + 1 of them would be held)", () => {
    expect(readOptions(5 * 1024 * 1024 * 1024, 4)).toMatchObject({ readConcurrency: 4, readPartSize: READ_RANGE_MAX });
    expect(READ_RANGE_MAX).toBe(64 * 1024 * 1024);
  });

  it("are not asked for without --read-concurrency", () => {
    expect(readOptions(5 * 1024 * 1024 * 1024, 1)).not.toHaveProperty("readPartSize");
  });
});
