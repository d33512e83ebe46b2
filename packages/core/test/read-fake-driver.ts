import { randomFillSync } from "node:crypto";
import { getEventListeners } from "node:events";
import { Readable } from "node:stream";
import type { DriverCallOptions, DriverReadResult, RawObject, StorageDriver } from "../src/driver/storage-driver.js";
import { storageError } from "../src/errors/storage-error.js";
import { defineFeatures } from "../src/features.js";
import { httpPairs } from "../src/http/http-pairs.js";
import { crc64Decimal } from "../src/integrity/crc64.js";
import { resolveOpenConfig } from "../src/pairs/open-config.js";
import type { ServiceDefinition } from "../src/registry/service-definition.js";
import { createStorager } from "../src/storager/create-storager.js";
import type { Storager } from "../src/storager.js";

/**
 * A driver of one object (any key but `dir/` keys, which are an implied directory) that records
 * what core asks: stats, reads, bodies still open, and the most abort listeners seen on a signal
 * it was handed. Each read listens to its signal while its body is open, as HTTP drivers do.
 */
export class ReadFakeDriver implements StorageDriver {
  readonly service = "fake";
  readonly name = "bucket";
  features = defineFeatures({ stat: true, read: true, write: true, delete: true, list: true, readRange: true, crc64: true });
  data: Buffer;
  stats = 0;
  readonly reads: Array<{ offset: number; size: number | undefined }> = [];
  /** Bodies handed out and not closed yet. */
  open = 0;
  /** Most `abort` listeners on a signal handed to read, measured while reads were in flight. */
  maxListeners = 0;
  /** Chunk size of the bodies. */
  chunk = 1024;
  /** Leave the size out of read answers (a body sent without Content-Length). */
  sizeless = false;
  /** Flip this byte of every body sent (object offset), after the CRC-64 was announced. */
  flip: number | undefined;
  /** End every body after this many bytes (cleanly). */
  cut: number | undefined;

  constructor(size: number) {
    this.data = randomFillSync(Buffer.alloc(size));
  }

  get crc64(): string {
    return crc64Decimal(this.data);
  }

  async stat(key: string, _options: DriverCallOptions): Promise<RawObject> {
    this.stats++;
    if (key.endsWith("/")) return { key, mode: "dir" };
    return { key, mode: "file", size: this.data.length, etag: '"e1"', crc64: this.crc64 };
  }

  async read(key: string, range: { offset?: number; size?: number }, options: DriverCallOptions): Promise<DriverReadResult> {
    if (key.endsWith("/")) throw storageError("ObjectNotExist", "no such key");
    const offset = range.offset ?? 0;
    this.reads.push({ offset, size: range.size });
    const signal = options.signal instanceof AbortSignal ? options.signal : undefined;
    const onAbort = (): void => undefined;
    signal?.addEventListener("abort", onAbort);
    await new Promise((resolve) => setTimeout(resolve, 2));
    if (signal !== undefined) this.maxListeners = Math.max(this.maxListeners, getEventListeners(signal, "abort").length);
    const end = Math.min(this.data.length, range.size === undefined ? this.data.length : offset + range.size, this.cut ?? Infinity);
    const body = Buffer.from(this.data.subarray(Math.min(offset, end), end));
    if (this.flip !== undefined && this.flip >= offset && this.flip < end) body[this.flip - offset] ^= 0xff;
    const chunks: Buffer[] = [];
    for (let at = 0; at < body.length; at += this.chunk) chunks.push(body.subarray(at, at + this.chunk));
    const stream = Readable.from(chunks);
    this.open++;
    stream.once("close", () => {
      this.open--;
      signal?.removeEventListener("abort", onAbort);
    });
    const object: RawObject = { key, mode: "file", etag: '"e1"' };
    if (!this.sizeless) object.size = this.data.length;
    return { stream, object, crc64: this.crc64 };
  }

  async write(): Promise<object> {
    return {};
  }
  async delete(): Promise<void> {}
  async listPage(): Promise<{ items: RawObject[] }> {
    return { items: [] };
  }
}

/** A storager over `driver`, opened with the extra `query` pairs. */
export function openFake(driver: ReadFakeDriver, query = ""): Storager {
  const definition: ServiceDefinition = { type: "fake", packageName: "fake", description: "test", pairs: { ...httpPairs }, newStorageDriver: () => driver };
  const resolved = resolveOpenConfig(definition, `fake://bucket/?retry_base_delay=0${query}`, "storager");
  return createStorager(driver, { ...resolved, definition });
}
