import { describe, expect, it } from "@jest/globals";
import { createHash, randomFillSync } from "node:crypto";
import { Readable } from "node:stream";
import { isSharedArrayBuffer } from "node:util/types";
import type { DriverBody, DriverCallOptions, DriverPartsPage, RawObject, StorageDriver } from "../src/driver/storage-driver.js";
import { storageError } from "../src/errors/storage-error.js";
import { defineFeatures, type StorageFeatures } from "../src/features.js";
import { crc64Decimal } from "../src/integrity/crc64.js";
import type { Part } from "../src/object/object-info.js";
import { resolveOpenConfig } from "../src/pairs/open-config.js";
import type { ServiceDefinition } from "../src/registry/service-definition.js";
import { createStorager } from "../src/storager/create-storager.js";
import { dropSpares, spareBufferStats } from "../src/io/spare-buffers.js";

const MiB = 1024 * 1024;
const md5 = (b: Uint8Array): string => createHash("md5").update(b).digest("base64");

/** A driver that stores writes and parts in memory (copied), answers CRC-64s, and records what it was sent. */
class RecordingDriver implements StorageDriver {
  readonly service = "rec";
  readonly name = "bucket";
  readonly objects = new Map<string, Buffer>();
  readonly parts = new Map<string, Map<number, Buffer>>();
  readonly sent: Array<{ kind: "write" | "part"; size: number; contentMd5?: string; shared: boolean }> = [];
  /** The memory each single write's bytes lay in. */
  readonly writeBuffers: ArrayBufferLike[] = [];
  /** Makes the next single write fail after reading its body. */
  failNextWrite = false;
  /** How the CRC-64s it answers are written (a service may pad them). */
  formatCrc = (crc: string): string => crc;
  private next = 0;

  constructor(readonly features: Readonly<StorageFeatures>) {}

  private take(kind: "write" | "part", body: DriverBody): Buffer {
    const data = body.data as Buffer;
    this.sent.push({ kind, size: body.size, ...(body.contentMd5 ? { contentMd5: body.contentMd5 } : {}), shared: isSharedArrayBuffer(data.buffer) });
    if (body.contentMd5 !== undefined && body.contentMd5 !== md5(data)) throw storageError("IntegrityMismatch", "BadDigest");
    return Buffer.from(data);
  }

  async stat(key: string): Promise<RawObject> {
    const data = this.objects.get(key);
    if (!data) throw storageError("ObjectNotExist", key);
    return { key, mode: "file", size: data.length };
  }
  async read(key: string): Promise<{ stream: Readable }> {
    return { stream: Readable.from([this.objects.get(key)!]) };
  }
  async write(key: string, body: DriverBody): Promise<{ crc64: string }> {
    this.writeBuffers.push((body.data as Buffer).buffer);
    const data = this.take("write", body);
    if (this.failNextWrite) {
      this.failNextWrite = false;
      throw storageError("ServiceInternal", "write failed");
    }
    this.objects.set(key, data);
    return { crc64: this.formatCrc(crc64Decimal(data)) };
  }
  async delete(key: string): Promise<void> {
    this.objects.delete(key);
  }
  async listPage(): Promise<{ items: RawObject[] }> {
    return { items: [] };
  }
  async createMultipart(): Promise<{ multipartId: string }> {
    const id = `u${++this.next}`;
    this.parts.set(id, new Map());
    return { multipartId: id };
  }
  async writePart(_key: string, id: string, index: number, body: DriverBody): Promise<Part> {
    const data = this.take("part", body);
    this.parts.get(id)!.set(index, data);
    return { index, size: data.length, etag: "e", crc64: this.formatCrc(crc64Decimal(data)) };
  }
  async completeMultipart(key: string, id: string, parts: Part[]): Promise<{ crc64: string }> {
    const stored = this.parts.get(id)!;
    const data = Buffer.concat(parts.map((p) => stored.get(p.index)!));
    this.objects.set(key, data);
    return { crc64: this.formatCrc(crc64Decimal(data)) };
  }
  async abortMultipart(_key: string, id: string): Promise<void> {
    this.parts.delete(id);
  }
  async listParts(_key: string, id: string): Promise<DriverPartsPage> {
    const stored = this.parts.get(id);
    if (stored === undefined) throw storageError("ObjectNotExist", id);
    return { items: [...stored].map(([index, data]) => ({ index, size: data.length, etag: "e", crc64: this.formatCrc(crc64Decimal(data)) })) };
  }
}

function open(features: Partial<StorageFeatures>, query = "") {
  const driver = new RecordingDriver(
    defineFeatures({ stat: true, read: true, write: true, delete: true, list: true, listPrefix: true, multipart: true, ...features, limits: { multipartSizeMinimum: 1 } }),
  );
  const definition: ServiceDefinition = { type: "rec", packageName: "rec", description: "test", pairs: {}, newStorageDriver: () => driver };
  const resolved = resolveOpenConfig(definition, `rec://bucket/?multipart_threshold=3MiB&part_size=1MiB&concurrency=2${query}`, "storager");
  return { driver, store: createStorager(driver, { ...resolved, definition }) };
}

function bytes(size: number): Buffer {
  return randomFillSync(Buffer.alloc(size));
}

describe("write: hashing large bodies and part_content_md5", () => {
  it("sends Content-MD5 on single writes and every part by default, hashing large bodies in shared memory", async () => {
    const { driver, store } = open({ crc64: true, contentMd5: true });
    const single = bytes(2 * MiB + 5);
    const multi = bytes(5 * MiB + 7);
    expect(await store.write("s.bin", single)).toMatchObject({ size: single.length, crc64: crc64Decimal(single) });
    expect(await store.write("m.bin", Readable.from([multi.subarray(0, 100), multi.subarray(100)]), { size: multi.length })).toMatchObject({
      size: multi.length,
      crc64: crc64Decimal(multi),
      parts: 6,
    });
    expect(driver.objects.get("s.bin")?.equals(single)).toBe(true);
    expect(driver.objects.get("m.bin")?.equals(multi)).toBe(true);
    expect(driver.sent[0]).toEqual({ kind: "write", size: single.length, contentMd5: md5(single), shared: true });
    const parts = driver.sent.filter((s) => s.kind === "part");
    expect(parts).toHaveLength(6);
    expect(parts.every((p) => p.contentMd5 !== undefined && p.shared)).toBe(true);
  });

  it("part_content_md5=false drops Content-MD5 from parts only, when part CRC-64s are verified", async () => {
    const { driver, store } = open({ crc64: true, contentMd5: true }, "&part_content_md5=false");
    const single = bytes(1000);
    const multi = bytes(4 * MiB);
    await store.write("s.bin", single);
    await store.write("m.bin", multi);
    expect(driver.sent[0]).toMatchObject({ kind: "write", contentMd5: md5(single) });
    const parts = driver.sent.filter((s) => s.kind === "part");
    expect(parts).toHaveLength(4);
    expect(parts.every((p) => p.contentMd5 === undefined)).toBe(true);
    // The call site can turn it back on.
    await store.write("m2.bin", multi, { partContentMd5: true });
    expect(driver.sent.filter((s) => s.kind === "part").slice(4).every((p) => p.contentMd5 !== undefined)).toBe(true);
  });

  it("keeps Content-MD5 on parts when the service returns no CRC-64 to verify them by", async () => {
    const { driver, store } = open({ crc64: false, contentMd5: true }, "&part_content_md5=false");
    await store.write("m.bin", bytes(4 * MiB));
    const parts = driver.sent.filter((s) => s.kind === "part");
    expect(parts.every((p) => p.contentMd5 !== undefined)).toBe(true);
  });

  it("small single writes stay inline (no shared copy)", async () => {
    const { driver, store } = open({ crc64: true, contentMd5: true });
    await store.write("tiny", "hello");
    expect(driver.sent[0]).toEqual({ kind: "write", size: 5, contentMd5: md5(Buffer.from("hello")), shared: false });
  });

  it("reuses the shared copy of a single write for the next one, never after a failure, never a caller's buffer", async () => {
    dropSpares();
    const { driver, store } = open({ crc64: true, contentMd5: true });
    const a = bytes(2 * MiB + 5);
    const b = bytes(2 * MiB + 100); // the same 3 MiB size class
    await store.write("a", a);
    await store.write("b", b);
    expect(driver.writeBuffers[1]).toBe(driver.writeBuffers[0]);
    expect(driver.objects.get("a")?.equals(a)).toBe(true);
    expect(driver.objects.get("b")?.equals(b)).toBe(true);

    driver.failNextWrite = true;
    await expect(store.write("c", bytes(2 * MiB + 1))).rejects.toMatchObject({ code: "ServiceInternal" });
    expect(driver.writeBuffers[2]).toBe(driver.writeBuffers[1]);
    await store.write("d", bytes(2 * MiB + 1));
    expect(driver.writeBuffers[3]).not.toBe(driver.writeBuffers[2]); // a socket might still hold it

    dropSpares();
    const own = Buffer.from(new SharedArrayBuffer(2 * MiB));
    randomFillSync(own);
    await store.write("e", own);
    expect(driver.writeBuffers[4]).toBe(own.buffer); // hashed in place, not copied
    expect(spareBufferStats().buffers).toBe(0);
    await store.write("f", bytes(2 * MiB + 1));
    expect(driver.writeBuffers[5]).not.toBe(own.buffer);
    expect(driver.objects.get("e")?.equals(own)).toBe(true);
    dropSpares();
  });
});

describe("CRC-64s are compared as numbers", () => {
  it("accepts a service's CRC-64 written with leading zeros and spaces, on single, multipart and public multipart writes", async () => {
    const { driver, store } = open({ crc64: true, contentMd5: true });
    driver.formatCrc = (crc) => ` 000${crc} `;
    const single = bytes(1000);
    expect((await store.write("s", single)).crc64).toBe(crc64Decimal(single));
    const multi = bytes(3 * MiB + 5);
    expect((await store.write("m", multi)).crc64).toBe(crc64Decimal(multi));
    const obj = await store.createMultipart("p");
    const part = await store.writeMultipart(obj, single, { index: 0 });
    expect((await store.completeMultipart(obj, [part])).size).toBe(single.length);
    expect(driver.objects.get("p")).toEqual(single);
  });
});
