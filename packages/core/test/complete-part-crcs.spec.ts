/**
 * Which part CRC-64s `completeMultipart` believes (multipart-ops.ts, written-parts.ts): the ones a
 * service lists, and the ones core hashed when this process uploaded the part, on every storage.
 * A caller's `crc64` nothing can check never gets a completed object deleted. Also: the message of
 * a part unlike the uploaded one names what differs, an abort under another key forgets nothing,
 * and a throwing `onMultipartCreate` has the new upload aborted.
 */
import { describe, expect, it } from "@jest/globals";
import type { DriverBody, DriverPartsPage } from "../src/driver/storage-driver.js";
import { ErrorCode } from "../src/errors/error-code.js";
import { storageError } from "../src/errors/storage-error.js";
import { defineFeatures } from "../src/features.js";
import { crc64Decimal } from "../src/integrity/crc64.js";
import { md5Base64 } from "../src/integrity/md5.js";
import type { ObjectInfo, Part } from "../src/object/object-info.js";
import { resolveOpenConfig } from "../src/pairs/open-config.js";
import type { ServiceDefinition } from "../src/registry/service-definition.js";
import type { Storager } from "../src/storager.js";
import { createStorager } from "../src/storager/create-storager.js";
import { RecordingDriver } from "./recording-driver.js";
import { failure } from "./http-test-server.js";

/**
 * A multipart store in memory. `listsCrc64`: ListParts carries each part's CRC-64 (OSS) or not
 * (COS, QingStor). `crc64`: the service computes the completed object's CRC-64 (COS, OSS) or not
 * (QingStor). `corrupt`: the next Complete stores its object with one byte flipped.
 */
class PartsDriver extends RecordingDriver {
  readonly objects = new Map<string, Buffer>();
  readonly uploads = new Map<string, { key: string; parts: Map<number, Buffer> }>();
  corrupt = false;
  private next = 0;

  constructor(
    crc64: boolean,
    private readonly listsCrc64: boolean,
  ) {
    super(defineFeatures({ stat: true, read: true, write: true, delete: true, multipart: true, crc64, limits: {} }));
  }

  override async createMultipart(key: string): Promise<{ multipartId: string }> {
    const multipartId = `up${++this.next}`;
    this.uploads.set(multipartId, { key, parts: new Map() });
    return { multipartId };
  }
  override async writePart(key: string, id: string, index: number, body: DriverBody): Promise<Part> {
    const data = Buffer.from(body.data as Buffer);
    this.upload(key, id).parts.set(index, data);
    return { index, size: data.length, etag: etagOf(data), ...(this.features.crc64 ? { crc64: crc64Decimal(data) } : {}) };
  }
  // Optional parameters: the base class declares these methods with the key alone.
  override async listParts(key: string, id = ""): Promise<DriverPartsPage> {
    const parts = [...this.upload(key, id).parts].map(([index, data]) => ({ index, size: data.length, etag: etagOf(data), ...(this.listsCrc64 ? { crc64: crc64Decimal(data) } : {}) }));
    return { items: parts };
  }
  override async completeMultipart(key: string, id = "", parts: Part[] = []): Promise<{ crc64?: string; etag?: string }> {
    const upload = this.upload(key, id);
    const data = Buffer.concat(parts.map((p) => upload.parts.get(p.index)!));
    if (this.corrupt && data.length > 0) data[0] = data[0]! ^ 1;
    this.corrupt = false;
    this.uploads.delete(id);
    this.objects.set(key, data);
    return { etag: etagOf(data), ...(this.features.crc64 ? { crc64: crc64Decimal(data) } : {}) };
  }
  /** As services answer: an abort under another key (or of an upload gone) is done, and changes nothing. */
  override async abortMultipart(key: string, id = ""): Promise<void> {
    await super.abortMultipart(key);
    if (this.uploads.get(id)?.key === key) this.uploads.delete(id);
  }
  override async delete(key: string): Promise<void> {
    await super.delete(key);
    this.objects.delete(key);
  }

  /** Stores `data` as part `index` without core: as another process or a presigned request would. */
  uploadElsewhere(id: string, index: number, data: Buffer): Part {
    this.uploads.get(id)!.parts.set(index, Buffer.from(data));
    return { index, size: data.length, etag: etagOf(data) };
  }

  private upload(key: string, id: string): { key: string; parts: Map<number, Buffer> } {
    const upload = this.uploads.get(id);
    if (upload === undefined || upload.key !== key) throw storageError(ErrorCode.ObjectNotExist, "no such upload");
    return upload;
  }
}

function etagOf(data: Buffer): string {
  return `"${Buffer.from(md5Base64(data), "base64").toString("hex")}"`;
}

/** A storager at the root over a fresh {@link PartsDriver}. */
function open(crc64: boolean, listsCrc64: boolean): { driver: PartsDriver; store: Storager } {
  const driver = new PartsDriver(crc64, listsCrc64);
  const definition: ServiceDefinition = { type: "rec", packageName: "rec", description: "test", pairs: {}, newStorageDriver: () => driver };
  return { driver, store: createStorager(driver, { ...resolveOpenConfig(definition, "rec://bucket/", "storager"), definition }) };
}

const A = Buffer.alloc(1000, 7);
const B = Buffer.from("the last part");
const BOTH = Buffer.concat([A, B]);
const PREVIOUS = Buffer.from("previous version, precious");

/** Part `p` with its crc64's lowest bit flipped. */
function wrongCrc(p: Part): Part {
  return { ...p, crc64: String(BigInt(p.crc64 ?? crc64Decimal(A)) ^ 1n) };
}

/** "obj" holding PREVIOUS, and an upload to it. */
async function uploadOverPrevious(driver: PartsDriver, store: Storager): Promise<ObjectInfo> {
  driver.objects.set("obj", PREVIOUS);
  return store.createMultipart("obj");
}

describe("completeMultipart on a service that lists no part CRC-64 but computes the object's (COS)", () => {
  it("a wrong crc64 for a part this process uploaded is Conflict before Complete: the upload and the earlier object are kept", async () => {
    const { driver, store } = open(true, false);
    const upload = await uploadOverPrevious(driver, store);
    const parts = [await store.writeMultipart(upload, A, { index: 0 }), await store.writeMultipart(upload, B, { index: 1 })];
    const error = await failure(store.completeMultipart(upload, [wrongCrc(parts[0]!), parts[1]!]));
    expect(error).toMatchObject({ code: "Conflict" });
    expect(error.message).toContain("part 0's crc64");
    expect(driver.objects.get("obj")).toEqual(PREVIOUS);
    expect(driver.uploads.has(upload.multipartId!)).toBe(true);
    expect(driver.calls.filter((c) => c.method === "completeMultipart" || c.method === "delete")).toEqual([]);
    // The right parts still complete it.
    const done = await store.completeMultipart(upload, parts);
    expect(done.crc64).toBe(crc64Decimal(BOTH));
    expect(driver.objects.get("obj")).toEqual(BOTH);
  });

  it("a wrong crc64 for a part uploaded elsewhere cannot be checked before Complete: IntegrityMismatch, and the object is kept", async () => {
    const { driver, store } = open(true, false);
    const upload = await uploadOverPrevious(driver, store);
    const p0 = driver.uploadElsewhere(upload.multipartId!, 0, A);
    const p1 = await store.writeMultipart(upload, B, { index: 1 });
    const error = await failure(store.completeMultipart(upload, [{ ...p0, crc64: String(BigInt(crc64Decimal(A)) ^ 1n) }, p1]));
    expect(error).toMatchObject({ code: "IntegrityMismatch" });
    expect(error.message).toContain("part(s) 0");
    expect(error.message).toContain("the object was kept");
    expect(driver.objects.get("obj")).toEqual(BOTH);
    expect(driver.calls.filter((c) => c.method === "delete")).toEqual([]);
  });

  it("a right crc64 for a part uploaded elsewhere completes, and the result's crc64 is the service's", async () => {
    const { driver, store } = open(true, false);
    const upload = await uploadOverPrevious(driver, store);
    const p0 = driver.uploadElsewhere(upload.multipartId!, 0, A);
    const p1 = await store.writeMultipart(upload, B, { index: 1 });
    const done = await store.completeMultipart(upload, [{ ...p0, crc64: crc64Decimal(A) }, p1]);
    expect(done.crc64).toBe(crc64Decimal(BOTH));
    expect(driver.objects.get("obj")).toEqual(BOTH);
  });

  it("an object stored other than the parts this process hashed is still deleted (IntegrityMismatch)", async () => {
    const { driver, store } = open(true, false);
    const upload = await uploadOverPrevious(driver, store);
    const parts = [await store.writeMultipart(upload, A, { index: 0 }), await store.writeMultipart(upload, B, { index: 1 })];
    driver.corrupt = true;
    const error = await failure(store.completeMultipart(upload, parts));
    expect(error).toMatchObject({ code: "IntegrityMismatch" });
    expect(error.message).toContain("the object was removed");
    expect(driver.objects.has("obj")).toBe(false);
  });
});

describe("completeMultipart on a service that lists part CRC-64s (OSS)", () => {
  it("a part whose crc64 differs from the listed one is Conflict naming the crc64, not the (equal) size and ETag", async () => {
    const { driver, store } = open(true, true);
    const upload = await store.createMultipart("obj");
    const p0 = driver.uploadElsewhere(upload.multipartId!, 0, A);
    const wrong = String(BigInt(crc64Decimal(A)) ^ 1n);
    const error = await failure(store.completeMultipart(upload, [{ ...p0, crc64: wrong }]));
    expect(error).toMatchObject({ code: "Conflict" });
    expect(error.message).toContain(`crc64 given ${wrong}, uploaded ${crc64Decimal(A)}`);
    expect(error.message).not.toContain("bytes");
    expect(driver.uploads.has(upload.multipartId!)).toBe(true);
  });
});

describe("the record of an upload is keyed by its key too (QingStor: no CRC-64 at all)", () => {
  it("an abort of the upload's id under another key (answered OK) keeps the record: a wrong crc64 is still Conflict", async () => {
    const { driver, store } = open(false, false);
    const upload = await store.createMultipart("obj");
    const p0 = await store.writeMultipart(upload, A, { index: 0 });
    await store.delete("other", { multipartId: upload.multipartId! });
    expect(driver.uploads.has(upload.multipartId!)).toBe(true);
    await expect(store.completeMultipart(upload, [wrongCrc(p0)])).rejects.toMatchObject({ code: "Conflict" });
    expect(driver.objects.has("obj")).toBe(false);
  });
});

describe("a throwing onMultipartCreate", () => {
  it("fails the write with its error and aborts the upload whose id the caller never got", async () => {
    const { driver, store } = open(true, true);
    const data = Buffer.alloc(3 * 1024 * 1024, 1);
    const error = await failure(
      store.write("big", data, {
        multipartThreshold: 1024 * 1024,
        partSize: 1024 * 1024,
        onMultipartCreate: () => {
          throw new Error("disk full: checkpoint not saved");
        },
      }),
    );
    expect(error.message).toContain("disk full: checkpoint not saved");
    expect(driver.calls.filter((c) => c.method === "abortMultipart")).toEqual([{ method: "abortMultipart", keys: ["big"] }]);
    expect(driver.uploads.size).toBe(0);
    expect(driver.objects.has("big")).toBe(false);
  });
});

describe("completeMultipart's crc64Confirmed: set exactly when the service's CRC-64 of the object was compared with the parts' known ones", () => {
  it("COS: parts this process uploaded: true; a part uploaded elsewhere, with or without a crc64 given: absent", async () => {
    const { driver, store } = open(true, false);
    const here = await store.createMultipart("here");
    const parts = [await store.writeMultipart(here, A, { index: 0 }), await store.writeMultipart(here, B, { index: 1 })];
    expect(await store.completeMultipart(here, parts)).toMatchObject({ crc64: crc64Decimal(BOTH), crc64Confirmed: true });

    for (const given of [undefined, crc64Decimal(A)]) {
      const upload = await store.createMultipart("elsewhere");
      const p0 = driver.uploadElsewhere(upload.multipartId!, 0, A);
      const p1 = await store.writeMultipart(upload, B, { index: 1 });
      const done = await store.completeMultipart(upload, [given === undefined ? p0 : { ...p0, crc64: given }, p1]);
      expect(done.size).toBe(BOTH.length);
      expect(done.crc64Confirmed).toBeUndefined();
    }
  });

  it("OSS: a part uploaded elsewhere has its listed CRC-64: true", async () => {
    const { driver, store } = open(true, true);
    const upload = await store.createMultipart("obj");
    const p0 = driver.uploadElsewhere(upload.multipartId!, 0, A);
    expect(await store.completeMultipart(upload, [p0])).toMatchObject({ crc64: crc64Decimal(A), crc64Confirmed: true });
  });

  it("QingStor (no CRC-64 from the service): absent, though this process hashed every part", async () => {
    const { store } = open(false, false);
    const upload = await store.createMultipart("obj");
    const done = await store.completeMultipart(upload, [await store.writeMultipart(upload, A, { index: 0 })]);
    expect(done.crc64).toBe(crc64Decimal(A));
    expect(done.crc64Confirmed).toBeUndefined();
  });
});
