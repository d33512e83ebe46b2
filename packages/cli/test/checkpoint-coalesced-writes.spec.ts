/**
 * The checkpoint file is written at most once at a time, never from a queue of texts: a transfer
 * of ~40k small objects serialised the whole state every 100 ms and queued each text behind a
 * slow write until Node ran out of memory (review-scale H1). Here the file system's writes are
 * slowed down; saves made meanwhile must join one write of the state as it then is.
 */
import { afterEach, beforeEach, describe, expect, it, jest } from "@jest/globals";
import * as realFs from "node:fs/promises";
import { join } from "node:path";

let writes = 0;
// A save opens the file to write once (a temp file to rewrite it whole, or the journal to append to it).
jest.unstable_mockModule("node:fs/promises", () => ({
  ...realFs,
  default: realFs,
  open: async (...args: Parameters<typeof realFs.open>): Promise<realFs.FileHandle> => {
    const flags = args[1];
    const writing = typeof flags === "number" && (flags & (realFs.constants.O_WRONLY | realFs.constants.O_RDWR)) !== 0;
    if (writing && String(args[0]).includes("coalesced-ckpt")) {
      writes++;
      await new Promise((r) => setTimeout(r, 20));
    }
    return realFs.open(...args);
  },
}));

const { Checkpoint } = await import("../src/transfer/checkpoint.js");
const { removeDir, tempDir } = await import("./helpers.js");
const { readCheckpoint } = await import("./checkpoint-reader.js");

const META = { command: "cp", source: "fs:///src/", destination: "memory://dst/" };
const SOURCE = { size: 10, etag: "e" };

let work: string;
beforeEach(async () => {
  work = await tempDir();
  writes = 0;
});
afterEach(async () => {
  await removeDir(work);
});

describe("checkpoint writes", () => {
  it("joins upload starts made during a write into one more write, and records them all", async () => {
    const path = join(work, "coalesced-ckpt.json");
    const checkpoint = await Checkpoint.open(path, META);
    const starts = Array.from({ length: 50 }, (_, i) =>
      checkpoint.startUpload(`big/${i}`, { multipartId: `id-${i}`, partSize: 8, source: SOURCE, bytesDone: 0 }),
    );
    for (let i = 0; i < 2000; i++) checkpoint.markDone(`small/${i}`, SOURCE, { size: 10, etag: "d" });
    await Promise.all(starts);
    await checkpoint.flush();
    expect(writes).toBeLessThanOrEqual(3);
    const data = await readCheckpoint(path);
    expect(Object.keys(data.uploads)).toHaveLength(50);
    expect(Object.keys(data.done)).toHaveLength(2000);
    await checkpoint.remove();
    await expect(realFs.stat(path)).rejects.toMatchObject({ code: "ENOENT" });
  });
});
