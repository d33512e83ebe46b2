import { describe, expect, it } from "@jest/globals";
import { randomFillSync, randomUUID } from "node:crypto";
import fs, { appendFileSync, createReadStream, openSync, truncateSync, unlinkSync } from "node:fs";
import { join } from "node:path";
import { Readable } from "node:stream";
import "@stowage/fs";
import "@stowage/memory";
import { isStorageError } from "../src/errors/storage-error.js";
import { defineFeatures } from "../src/features.js";
import type { ObjectInfo, Part } from "../src/object/object-info.js";
import { newStorager } from "../src/registry/registry.js";
import type { Storager } from "../src/storager.js";
import { rejection } from "./rejection.js";
import { memoryVariant } from "./memory-variant.js";
import { changingStream } from "./changing-stream.js";
import { useTempFiles } from "./temp-files.js";

// A write whose length core is not told plans its parts for a file stream's length (a stat):
// with 16-byte parts and 10,000 parts at most, 160,001 bytes from a file used to fail at part 10,001.

const MiB = 1024 * 1024;
/** One byte more than 10,000 parts of 16 bytes. */
const PAST_16_BYTE_PARTS = 160_001;

const { dir, fileOf } = useTempFiles("stowage-file-stream-parts-");

/** A memory store whose writes go in parts of 16 bytes from 17 bytes on (the service allows 10,000). */
function tinyParts(): Storager {
  return newStorager(`memory://tiny-${randomUUID()}/wd/?part_size=16&multipart_threshold=16`);
}

/** A memory store of 1 MiB parts above 1 KiB, whose driver reports at most 4 parts an upload. */
function fourParts(): Storager {
  return memoryVariant(`memory://four-${randomUUID()}/wd/?part_size=1MiB&multipart_threshold=1KiB`, {
    features: (real) => defineFeatures({ ...real, limits: { ...real.limits, multipartNumberMaximum: 4 } }),
  }).store;
}


async function stored(store: Storager, path: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of store.createReadStream(path)) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

describe("write of a file stream without size: its parts are planned for the file's length", () => {
  it("memory, 16-byte parts: 160,001 bytes are stored (in parts raised to fit 10,000)", async () => {
    const store = tinyParts();
    const { path, data } = fileOf(PAST_16_BYTE_PARTS);
    const result = await store.write("o", createReadStream(path));
    expect(result.size).toBe(PAST_16_BYTE_PARTS);
    expect(result.parts).toBeLessThanOrEqual(10_000);
    expect((await stored(store, "o")).equals(data)).toBe(true);
  });

  it("fs, 16-byte parts: 160,001 bytes are stored", async () => {
    const root = join(dir(), `fs-${randomUUID()}`);
    const store = newStorager(`fs://${root}/?part_size=16&multipart_threshold=16`);
    const { path, data } = fileOf(PAST_16_BYTE_PARTS);
    const result = await store.write("o", createReadStream(new URL(`file://${path}`)));
    expect(result.size).toBe(PAST_16_BYTE_PARTS);
    expect(result.parts).toBeLessThanOrEqual(10_000);
    expect((await stored(store, "o")).equals(data)).toBe(true);
  });

  it("honours the stream's start and end: the parts fit what it reads, not the whole file", async () => {
    // 6 MiB read in at most 4 parts: 2 MiB parts (3). Planned for the 20 MiB file, one 6 MiB part; unplanned, 1 MiB parts (6: too many).
    const { path, data } = fileOf(20 * MiB);
    for (const [name, options, bytes] of [
      ["start", { start: 14 * MiB }, data.subarray(14 * MiB)],
      ["end", { end: 6 * MiB - 1 }, data.subarray(0, 6 * MiB)],
      ["start and end", { start: MiB, end: 7 * MiB - 1 }, data.subarray(MiB, 7 * MiB)],
    ] as const) {
      const store = fourParts();
      const result = await store.write("o", createReadStream(path, options));
      expect([name, result.size, result.parts]).toEqual([name, 6 * MiB, 3]);
      expect((await stored(store, "o")).equals(bytes)).toBe(true);
    }
  });

  it("a file that grows while read is stored whole (its length was a hint, not a size)", async () => {
    const store = tinyParts();
    const { path, data } = fileOf(PAST_16_BYTE_PARTS);
    const more = randomFillSync(Buffer.alloc(10_000));
    const result = await store.write("o", changingStream(path, PAST_16_BYTE_PARTS, () => appendFileSync(path, more), 1024));
    expect(result.size).toBe(PAST_16_BYTE_PARTS + more.length);
    expect((await stored(store, "o")).equals(Buffer.concat([data, more]))).toBe(true);
  });

  it("a file that shrinks while read is stored as read, without an error", async () => {
    const store = tinyParts();
    const { path, data } = fileOf(PAST_16_BYTE_PARTS);
    const result = await store.write("o", changingStream(path, 100_000, () => truncateSync(path, 120_000), 1024));
    expect(result.size).toBe(120_000);
    expect((await stored(store, "o")).equals(data.subarray(0, 120_000))).toBe(true);
  });

  it("a file that grows past what its parts can hold fails as a body of unknown length does", async () => {
    // Planned for 64 KiB: 1 MiB parts, at most 4; it grows past 5 MiB.
    const store = fourParts();
    const { path } = fileOf(64 * 1024);
    const e = await rejection(store.write("o", changingStream(path, 64 * 1024, () => appendFileSync(path, Buffer.alloc(5 * MiB)), 1024)));
    expect(isStorageError(e, "InvalidArgument")).toBe(true);
    expect(e.message).toContain("body needs more than 4 parts of 1048576 bytes");
    await expect(store.stat("o")).rejects.toMatchObject({ code: "ObjectNotExist" });
  });

  it("resumes an upload it planned, from part 0 (multipartId) or past its stored parts (resumeOffset)", async () => {
    // 6 MiB in at most 4 parts: 2 MiB parts, planned the same way by the write that resumes.
    const { path, data } = fileOf(6 * MiB);
    for (const fromOffset of [false, true]) {
      const store = fourParts();
      let multipartId = "";
      const failed = await rejection(
        store.write("o", createReadStream(path), {
          concurrency: 1,
          onMultipartCreate: (id) => (multipartId = id),
          onProgress: (p) => {
            if (p.bytes >= 2 * MiB) throw new Error("stop");
          },
        }),
      );
      expect(failed.code).toBe("Unexpected");
      const parts: Part[] = [];
      for await (const part of store.listMultipart({ path: "o", mode: "part", multipartId } as ObjectInfo)) parts.push(part);
      expect(parts.find((p) => p.index === 0)?.size).toBe(2 * MiB);
      const offset = fromOffset ? 2 * MiB : 0;
      const result = await store.write("o", createReadStream(path, { start: offset }), { multipartId, ...(fromOffset ? { resumeOffset: offset } : {}) });
      expect([result.size, result.parts, result.resumedParts! >= 1]).toEqual([6 * MiB, 3, true]);
      expect((await stored(store, "o")).equals(data)).toBe(true);
    }
  });
});

describe("write of a body whose length core cannot learn", () => {
  it("fails at the part past the limit, saying how to give its length, and stores nothing", async () => {
    const store = tinyParts();
    const { data } = fileOf(PAST_16_BYTE_PARTS);
    const e = await rejection(store.write("o", Readable.from([data.subarray(0, 80_000), data.subarray(80_000)])));
    expect(isStorageError(e, "InvalidArgument")).toBe(true);
    expect(e.message).toContain("body needs more than 10000 parts of 16 bytes (at most 160000 bytes fit at this part size)");
    expect(e.message).toContain("give the write the body's size (size), or a larger part size (partSize, part_size)");
    await expect(store.stat("o")).rejects.toMatchObject({ code: "ObjectNotExist" });
    // With its size, the same body is stored.
    expect((await store.write("o", Readable.from([data]), { size: data.length })).size).toBe(PAST_16_BYTE_PARTS);
  });

  it("a file stream over an fd is not stat'ed: it goes in the parts it is given", async () => {
    const store = fourParts();
    const { path } = fileOf(6 * MiB);
    const e = await rejection(store.write("o", createReadStream("", { fd: openSync(path, "r") })));
    expect(e.message).toContain("body needs more than 4 parts of 1048576 bytes");
  });

  it("a file stream whose path no longer stats (removed once opened) goes in the parts it is given", async () => {
    const store = fourParts();
    const { path, data } = fileOf(6 * MiB);
    const body = createReadStream(path);
    await new Promise<void>((resolve) => body.once("ready", () => resolve()));
    unlinkSync(path);
    const e = await rejection(store.write("o", body));
    expect(e.message).toContain("body needs more than 4 parts of 1048576 bytes");
    // With a larger part size, the same bytes are stored.
    expect((await store.write("o", Readable.from([data]), { partSize: 2 * MiB })).parts).toBe(3);
  });
});
