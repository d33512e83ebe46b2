import { describe, expect, it } from "@jest/globals";
import { randomFillSync } from "node:crypto";
import { Readable } from "node:stream";
import type { DriverCallOptions, DriverReadResult, RawObject, StorageDriver } from "../src/driver/storage-driver.js";
import { defineFeatures } from "../src/features.js";
import { httpPairs } from "../src/http/http-pairs.js";
import { resolveOpenConfig } from "../src/pairs/open-config.js";
import type { ServiceDefinition } from "../src/registry/service-definition.js";
import { createStorager } from "../src/storager/create-storager.js";
import type { Storager } from "../src/storager.js";

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;
/** The object repeats this block; a body is views of it, so gigabytes cost no memory. */
const BLOCK = 64 * MiB;
const SIZE = 5 * GiB + 2;

/** An object of {@link SIZE} bytes that repeats one block, served as views of it (never copied). */
class RepeatingDriver implements StorageDriver {
  readonly service = "repeat";
  readonly name = "bucket";
  readonly features = defineFeatures({ stat: true, read: true, write: true, delete: true, list: true, readRange: true, crc64: true });
  readonly block = randomFillSync(Buffer.alloc(BLOCK));
  readonly reads: Array<{ offset: number; size: number | undefined }> = [];

  async stat(key: string): Promise<RawObject> {
    return { key, mode: "file", size: SIZE, etag: '"e"' };
  }

  async read(key: string, range: { offset?: number; size?: number }, _options: DriverCallOptions): Promise<DriverReadResult> {
    const offset = range.offset ?? 0;
    this.reads.push({ offset, size: range.size });
    const end = range.size === undefined ? SIZE : Math.min(SIZE, offset + range.size);
    const block = this.block;
    function* views(): Generator<Buffer> {
      for (let at = offset; at < end; ) {
        const from = at % BLOCK;
        const n = Math.min(BLOCK - from, end - at);
        yield block.subarray(from, from + n);
        at += n;
      }
    }
    return { stream: Readable.from(views()), object: { key, mode: "file", size: SIZE, etag: '"e"' } };
  }

  async write(): Promise<object> {
    return {};
  }
  async delete(): Promise<void> {}
  async listPage(): Promise<{ items: RawObject[] }> {
    return { items: [] };
  }
}

function open(driver: RepeatingDriver): Storager {
  const definition: ServiceDefinition = { type: "repeat", packageName: "repeat", description: "test", pairs: { ...httpPairs }, newStorageDriver: () => driver };
  const resolved = resolveOpenConfig(definition, "repeat://bucket/?retry_base_delay=0", "storager");
  return createStorager(driver, { ...resolved, definition });
}

describe("a concurrent read whose readPartSize exceeds the largest Buffer (4 GiB on Node 20)", () => {
  it("reads ranges of 5 GiB: every byte in order, nothing allocated for a whole range", async () => {
    const driver = new RepeatingDriver();
    const stream = open(driver).createReadStream("obj", { offset: 1, readConcurrency: 2, readPartSize: 5 * GiB });
    // Each chunk must be the view of the block at its position in the object: the bytes in order,
    // checked without reading 5 GiB (flowing mode hands chunks over as they were pushed).
    let at = 1;
    let misplaced = 0;
    const done = new Promise<unknown>((resolve) => {
      stream.on("data", (chunk: Buffer) => {
        if (chunk.buffer !== driver.block.buffer || chunk.byteOffset - driver.block.byteOffset !== at % BLOCK) misplaced++;
        at += chunk.length;
      });
      stream.once("end", () => resolve(undefined));
      stream.once("error", resolve);
    });
    expect(await done).toBeUndefined();
    expect(at).toBe(SIZE);
    expect(misplaced).toBe(0);
    expect(driver.reads).toEqual([
      { offset: 1, size: 5 * GiB },
      { offset: 5 * GiB + 1, size: 1 },
    ]);
  });
});
