import { Readable } from "node:stream";
import type { DriverBody, DriverListPage, DriverListRequest, DriverPartsPage, RawObject, StorageDriver } from "../src/driver/storage-driver.js";
import { defineFeatures, type StorageFeatures, type StorageLimits } from "../src/features.js";
import { crc64Decimal } from "../src/integrity/crc64.js";
import type { Part } from "../src/object/object-info.js";
import type { PresignOperation } from "../src/options.js";
import { resolveOpenConfig } from "../src/pairs/open-config.js";
import type { ServiceDefinition } from "../src/registry/service-definition.js";
import type { PresignedRequest, Storager } from "../src/storager.js";
import { createStorager } from "../src/storager/create-storager.js";

/** One driver call: the method and the keys (or prefix) it was given. */
export interface DriverCall {
  method: string;
  keys: string[];
}

/**
 * A driver with every feature that does nothing real: it records each call (method and keys),
 * answers with plausible empty results, and lists the raw pages a test gives it (`pages`,
 * served in order by token "1", "2"...; the same pages for uploads).
 */
export class RecordingDriver implements StorageDriver {
  readonly service = "rec";
  readonly name = "bucket";
  readonly calls: DriverCall[] = [];
  /** What listPage / listUploads answer: page i carries nextToken String(i + 1) unless it is the last. */
  pages: RawObject[][] = [[]];

  constructor(readonly features: Readonly<StorageFeatures>) {}

  private record(method: string, ...keys: string[]): void {
    this.calls.push({ method, keys });
  }

  private page(request: DriverListRequest): DriverListPage {
    const i = request.token === undefined ? 0 : Number(request.token);
    const items = (this.pages[i] ?? []).filter((o) => o.key.startsWith(request.prefix));
    return i + 1 < this.pages.length ? { items, nextToken: String(i + 1) } : { items };
  }

  async stat(key: string): Promise<RawObject> {
    this.record("stat", key);
    return { key, mode: "file", size: 0 };
  }
  async read(key: string): Promise<{ stream: Readable }> {
    this.record("read", key);
    return { stream: Readable.from([]) };
  }
  async write(key: string, body: DriverBody): Promise<{ crc64: string }> {
    this.record("write", key);
    return { crc64: crc64Decimal(Buffer.from(body.data as Buffer)) };
  }
  async delete(key: string): Promise<void> {
    this.record("delete", key);
  }
  async deleteMany(keys: string[]): Promise<void> {
    this.record("deleteMany", ...keys);
  }
  async listPage(request: DriverListRequest): Promise<DriverListPage> {
    this.record("listPage", request.prefix);
    return this.page(request);
  }
  async listUploads(request: DriverListRequest): Promise<DriverListPage> {
    this.record("listUploads", request.prefix);
    return this.page(request);
  }
  async copy(src: string, dst: string): Promise<void> {
    this.record("copy", src, dst);
  }
  async move(src: string, dst: string): Promise<void> {
    this.record("move", src, dst);
  }
  async fetch(key: string): Promise<void> {
    this.record("fetch", key);
  }
  async createLink(key: string, target: string): Promise<RawObject> {
    this.record("createLink", key, target);
    return { key, mode: "link", linkTarget: "/" + target };
  }
  async createDir(key: string): Promise<RawObject> {
    this.record("createDir", key);
    return { key, mode: "dir" };
  }
  async deleteDir(key: string): Promise<void> {
    this.record("deleteDir", key);
  }
  async presign(op: PresignOperation, key: string): Promise<PresignedRequest> {
    this.record(`presign ${op}`, key);
    return { method: "GET", url: "https://example.com/", headers: {} };
  }
  async createAppend(key: string): Promise<RawObject> {
    this.record("createAppend", key);
    return { key, mode: "append", size: 0, appendOffset: 0 };
  }
  async writeAppend(key: string, offset: number, body: DriverBody): Promise<{ appendOffset: number; crc64: string }> {
    this.record("writeAppend", key);
    return { appendOffset: offset + body.size, crc64: crc64Decimal(Buffer.from(body.data as Buffer)) };
  }
  async commitAppend(key: string): Promise<void> {
    this.record("commitAppend", key);
  }
  async createMultipart(key: string): Promise<{ multipartId: string }> {
    this.record("createMultipart", key);
    return { multipartId: "u1" };
  }
  async writePart(key: string, _id: string, index: number, body: DriverBody): Promise<Part> {
    this.record("writePart", key);
    const data = Buffer.from(body.data as Buffer);
    return { index, size: data.length, etag: "e", crc64: crc64Decimal(data) };
  }
  async completeMultipart(key: string): Promise<{ crc64?: string }> {
    this.record("completeMultipart", key);
    return {};
  }
  async abortMultipart(key: string): Promise<void> {
    this.record("abortMultipart", key);
  }
  async listParts(key: string): Promise<DriverPartsPage> {
    this.record("listParts", key);
    return { items: [] };
  }
  async statMultipart(key: string, multipartId: string): Promise<RawObject> {
    this.record("statMultipart", key);
    return { key, mode: "part", multipartId };
  }
}

/** A storager over a fresh {@link RecordingDriver} with every feature, opened at `workDir`, with `limits`. */
export function openRecording(workDir = "/", limits: StorageLimits = {}): { driver: RecordingDriver; store: Storager } {
  const driver = new RecordingDriver(
    defineFeatures({
      stat: true,
      read: true,
      write: true,
      delete: true,
      batchDelete: true,
      list: true,
      listDir: true,
      listPrefix: true,
      listMultipartUploads: true,
      copy: true,
      move: true,
      fetch: true,
      createDir: true,
      createLink: true,
      presignRead: true,
      presignWrite: true,
      presignDelete: true,
      presignCreateMultipart: true,
      presignWriteMultipart: true,
      presignListMultipart: true,
      presignCompleteMultipart: true,
      append: true,
      multipart: true,
      limits,
    }),
  );
  const definition: ServiceDefinition = { type: "rec", packageName: "rec", description: "test", pairs: {}, newStorageDriver: () => driver };
  const resolved = resolveOpenConfig(definition, `rec://bucket${workDir}`, "storager");
  return { driver, store: createStorager(driver, { ...resolved, definition }) };
}
