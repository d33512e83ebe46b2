import { Readable } from "node:stream";
import type { DriverBody, DriverCallOptions, DriverPartsPage, RawObject, StorageDriver } from "../src/driver/storage-driver.js";
import { storageError } from "../src/errors/storage-error.js";
import { defineFeatures, type StorageFeatures } from "../src/features.js";
import { crc64Decimal } from "../src/integrity/crc64.js";
import { abortError, raceAbort, throwIfAborted } from "../src/io/abort.js";
import type { Part } from "../src/object/object-info.js";
import { resolveOpenConfig } from "../src/pairs/open-config.js";
import type { ServiceDefinition } from "../src/registry/service-definition.js";
import type { Storager } from "../src/storager.js";
import { createStorager } from "../src/storager/create-storager.js";

/** A promise with its resolve function, to hold a driver call until a test lets it go. */
export class Gate {
  readonly opened: Promise<void>;
  open!: () => void;
  constructor() {
    this.opened = new Promise<void>((resolve) => (this.open = resolve));
  }
}

/** Resolves on the first of `events` emitted by `emitter`. */
export function once(emitter: NodeJS.EventEmitter, ...events: string[]): Promise<string> {
  return new Promise((resolve) => {
    for (const name of events) emitter.once(name, () => resolve(name));
  });
}

/**
 * An in-memory driver (writes, multipart, append; CRC-64s answered) whose calls can be held at
 * gates or made to fail, and which honours `options.signal` on every call like a network driver.
 * It records what it was asked, and `uploadEnded` resolves when an upload is completed or aborted.
 */
export class GatedDriver implements StorageDriver {
  readonly service = "gated";
  readonly name = "bucket";
  readonly objects = new Map<string, Buffer>();
  readonly uploads = new Map<string, Map<number, Buffer>>();
  readonly completed: string[] = [];
  readonly aborted: string[] = [];
  /** Signals the driver saw on completeMultipart. */
  readonly completeSignals: Array<AbortSignal | undefined> = [];
  /** Thrown by the next createMultipart. */
  failCreate: Error | undefined;
  /** Part index → error thrown by writePart (after `partGate`, if any). */
  failPart = new Map<number, () => Promise<Error>>();
  partGate: Gate | undefined;
  completeGate: Gate | undefined;
  /** Held by createMultipart (the upload exists once it opens, as a service that applied it). */
  createGate: Gate | undefined;
  /** Resolves once a writePart or completeMultipart is waiting at its gate. */
  waiting = new Gate();
  private endedGate = new Gate();
  private next = 0;

  constructor(readonly features: Readonly<StorageFeatures>) {}

  /** Resolves when an upload was completed or aborted. */
  get uploadEnded(): Promise<void> {
    return this.endedGate.opened;
  }

  async stat(key: string): Promise<RawObject> {
    const data = this.objects.get(key);
    if (!data) throw storageError("ObjectNotExist", key);
    return { key, mode: "file", size: data.length };
  }
  async read(key: string): Promise<{ stream: Readable }> {
    return { stream: Readable.from([this.objects.get(key)!]) };
  }
  async write(key: string, body: DriverBody, options: DriverCallOptions): Promise<{ crc64: string }> {
    const data = await this.take(body, options);
    this.objects.set(key, data);
    return { crc64: crc64Decimal(data) };
  }
  async delete(key: string): Promise<void> {
    this.objects.delete(key);
  }
  async listPage(): Promise<{ items: RawObject[] }> {
    return { items: [] };
  }
  async createMultipart(_key: string, options: DriverCallOptions): Promise<{ multipartId: string }> {
    throwIfAborted(options.signal);
    if (this.failCreate) throw this.failCreate;
    const id = `u${++this.next}`;
    this.uploads.set(id, new Map());
    if (this.createGate) {
      this.waiting.open();
      await raceAbort(this.createGate.opened, options.signal);
    }
    return { multipartId: id };
  }
  async writePart(_key: string, id: string, index: number, body: DriverBody, options: DriverCallOptions): Promise<Part> {
    const data = await this.take(body, options);
    if (this.partGate) {
      this.waiting.open();
      await raceAbort(this.partGate.opened, options.signal);
    }
    const fail = this.failPart.get(index);
    if (fail) throw await fail();
    this.uploads.get(id)!.set(index, data);
    return { index, size: data.length, etag: "e", crc64: crc64Decimal(data) };
  }
  async completeMultipart(key: string, id: string, parts: Part[], options: DriverCallOptions): Promise<{ crc64: string }> {
    this.completeSignals.push(options.signal);
    if (this.completeGate) {
      this.waiting.open();
      await raceAbort(this.completeGate.opened, options.signal);
    }
    throwIfAborted(options.signal);
    const stored = this.uploads.get(id)!;
    const data = Buffer.concat(parts.map((p) => stored.get(p.index)!));
    this.objects.set(key, data);
    this.uploads.delete(id);
    this.completed.push(id);
    this.endedGate.open();
    return { crc64: crc64Decimal(data) };
  }
  async abortMultipart(_key: string, id: string): Promise<void> {
    this.uploads.delete(id);
    this.aborted.push(id);
    this.endedGate.open();
  }
  async listParts(_key: string, id: string): Promise<DriverPartsPage> {
    const parts = this.uploads.get(id);
    if (parts === undefined) throw storageError("ObjectNotExist", `no upload ${id}`);
    return { items: [...parts].map(([index, data]) => ({ index, size: data.length, etag: "e", crc64: crc64Decimal(data) })) };
  }
  async createAppend(key: string): Promise<RawObject> {
    this.objects.set(key, Buffer.alloc(0));
    return { key, mode: "append", size: 0, appendOffset: 0 };
  }
  async writeAppend(key: string, offset: number, body: DriverBody, options: DriverCallOptions): Promise<{ appendOffset: number; crc64: string }> {
    const data = await this.take(body, options);
    const all = Buffer.concat([this.objects.get(key)!.subarray(0, offset), data]);
    this.objects.set(key, all);
    return { appendOffset: all.length, crc64: crc64Decimal(all) };
  }

  /** The body's bytes, reported in 64 KiB steps as a network driver would as they are sent. */
  private async take(body: DriverBody, options: DriverCallOptions): Promise<Buffer> {
    throwIfAborted(options.signal);
    const data = Buffer.from(body.data as Buffer);
    for (let sent = 0; sent < data.length; ) {
      sent = Math.min(data.length, sent + 65536);
      await Promise.resolve();
      if (options.signal?.aborted) throw abortError(options.signal);
      body.onProgress?.(sent);
    }
    return data;
  }
}

/** A storager over a fresh {@link GatedDriver}: 1 MiB parts, multipart above 1 MiB, 2 parts at once. */
export function openGated(query = ""): { driver: GatedDriver; store: Storager } {
  const driver = new GatedDriver(
    defineFeatures({ stat: true, read: true, write: true, delete: true, list: true, multipart: true, append: true, crc64: true, limits: { multipartSizeMinimum: 1 } }),
  );
  const definition: ServiceDefinition = { type: "gated", packageName: "gated", description: "test", pairs: {}, newStorageDriver: () => driver };
  const resolved = resolveOpenConfig(definition, `gated://bucket/?multipart_threshold=1MiB&part_size=1MiB&concurrency=2${query}`, "storager");
  return { driver, store: createStorager(driver, { ...resolved, definition }) };
}
