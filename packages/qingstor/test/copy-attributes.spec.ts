import { createHash, randomBytes, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { createStorager, mergePairs, newStorager, parseEndpoint, type Storager } from "@stowage/core";
import { startEmulator, type Emulator } from "@stowage/emulator";
import { zoneAddress } from "../src/addressing.js";
import { QingStorClient } from "../src/client.js";
import { crc64OfEtag } from "../src/etag.js";
import { qingstorService, type QingStorOptions } from "../src/index.js";
import { copyObject } from "../src/requests.js";
import { QingStorStorageDriver } from "../src/storager.js";
import { emulatorStorager } from "./emulator-storager.js";

// copy with attributes (feature copyAttributes): a content type, metadata, Cache-Control or
// Content-Encoding replace the source's as a whole (x-qs-metadata-directive: REPLACE; a multipart
// copy's Initiate carries the type and metadata and refuses the headers), a storage class sets the
// copy's class; onto its own key the object's attributes change in place.

const BUCKET = "copy-attributes";
const MiB = 1024 * 1024;
const CREDS = { accessKeyId: "stowage-ak", secretAccessKey: "stowage-sk" };
const OLD = { contentType: "text/x-old", metadata: { old: "1", shared: "old" }, cacheControl: "max-age=1", contentEncoding: "gzip", storageClass: "STANDARD_IA" };
let emulator: Emulator;

const sha = (b: Buffer): string => createHash("sha256").update(b).digest("hex");

beforeAll(async () => {
  emulator = await startEmulator({ provider: "qingstor", buckets: [BUCKET] });
});
afterAll(async () => {
  await emulator.stop();
});

function store(extra = ""): Storager<QingStorOptions> {
  return newStorager<QingStorOptions>(`${emulator.connectionString(BUCKET, `/${randomUUID()}/`)}${extra}`);
}

/** A storager whose copies above `copyThreshold` go in parts of `copyPartSize` (and, `loose`, drop what a request cannot carry). */
function tuned(copyThreshold: number, copyPartSize: number, loose = false): Storager {
  const client = new QingStorClient(zoneAddress("pek3a", parseEndpoint(`http:127.0.0.1:${emulator.port}`)), BUCKET, CREDS);
  const driver = new QingStorStorageDriver(client, BUCKET, "pek3a", true, { copyThreshold, copyPartSize }, false, false, loose);
  const config = { name: BUCKET, workDir: `/${randomUUID()}/` };
  return createStorager(driver, { definition: qingstorService, config, pairs: mergePairs(qingstorService), defaults: {}, loose });
}

/** The attributes of `path` a copy sets. */
async function attributesOf(s: Storager, path: string): Promise<Record<string, unknown>> {
  const o = await s.stat(path);
  return { contentType: o.contentType, metadata: o.metadata ?? {}, cacheControl: o.cacheControl, contentEncoding: o.contentEncoding, storageClass: o.storageClass };
}

describe("qingstor copy request with attributes", () => {
  it("sends REPLACE with exactly the given type, metadata and headers, and the given class over the source's", () => {
    const call = copyObject("dst", "/b/src", { contentType: "text/x-new", metadata: { k: "v" }, cacheControl: "no-cache", storageClass: "STANDARD" }, false, "STANDARD_IA", '"e"');
    expect(call.headers).toEqual({
      "content-length": "0",
      "x-qs-copy-source": "/b/src",
      "x-qs-metadata-directive": "REPLACE",
      "content-type": "text/x-new",
      "x-qs-meta-k": "v",
      "cache-control": "no-cache",
      "x-qs-storage-class": "STANDARD",
      "x-qs-copy-source-if-match": '"e"',
    });
    // A storage class alone keeps the source's metadata (no directive: COPY).
    expect(copyObject("dst", "/b/src", { storageClass: "STANDARD_IA" }, false, "STANDARD").headers).toEqual({ "content-length": "0", "x-qs-copy-source": "/b/src", "x-qs-storage-class": "STANDARD_IA" });
  });
});

describe("qingstor copy with attributes on the emulator", () => {
  it("a single copy given attributes carries exactly those (REPLACE), keeps the source's class; the source unchanged; without them the copy keeps all", async () => {
    const s = store();
    const data = randomBytes(1000);
    await s.write("src", data, OLD);
    emulator.resetStats();
    await s.copy("src", "replaced", { contentType: "text/x-new", metadata: { shared: "new", Added: "2" }, cacheControl: "no-cache" });
    expect(emulator.stats().byOperation["CopyObject"]).toBe(1);
    expect(await attributesOf(s, "replaced")).toEqual({ contentType: "text/x-new", metadata: { shared: "new", added: "2" }, cacheControl: "no-cache", contentEncoding: undefined, storageClass: "STANDARD_IA" });
    expect(sha(await s.read("replaced"))).toBe(sha(data));
    await s.copy("src", "meta-only", { metadata: { a: "b" } });
    expect(await attributesOf(s, "meta-only")).toEqual({ contentType: "application/octet-stream", metadata: { a: "b" }, cacheControl: undefined, contentEncoding: undefined, storageClass: "STANDARD_IA" });
    await s.copy("src", "kept");
    expect(await attributesOf(s, "kept")).toEqual(OLD);
    expect(await attributesOf(s, "src")).toEqual(OLD);
  });

  it("storageClass alone sets the copy's class and keeps the rest, also in place (ETag kept)", async () => {
    const s = store();
    await s.write("src", "classy", OLD);
    await s.copy("src", "standard", { storageClass: "STANDARD" });
    expect(await attributesOf(s, "standard")).toEqual({ ...OLD, storageClass: "STANDARD" });
    const before = await s.stat("standard");
    emulator.resetStats();
    await s.copy("standard", "standard", { storageClass: "STANDARD_IA" });
    expect(emulator.stats().byOperation["CopyObject"]).toBe(1);
    const after = await s.stat("standard");
    expect(await attributesOf(s, "standard")).toEqual(OLD);
    expect(after.etag).toBe(before.etag);
    expect((await s.read("standard")).toString()).toBe("classy");
  });

  it("onto its own key changes the attributes in place: bytes, size and the CRC ETag kept; without attributes nothing is sent", async () => {
    const s = store("&multipart_threshold=1MiB&part_size=4MiB");
    const data = randomBytes(4 * MiB + 512 * 1024);
    await s.write("big", data, { contentType: OLD.contentType, metadata: OLD.metadata, storageClass: OLD.storageClass });
    const before = await s.stat("big");
    expect(crc64OfEtag(before.etag)).toBeDefined();
    emulator.resetStats();
    await s.copy("big", "big");
    expect(emulator.stats().byOperation["CopyObject"]).toBeUndefined();
    await s.copy("big", "big", { contentType: "text/x-new", metadata: { fresh: "yes" } });
    expect(emulator.stats().byOperation["CopyObject"]).toBe(1);
    const after = await s.stat("big");
    expect(await attributesOf(s, "big")).toEqual({ contentType: "text/x-new", metadata: { fresh: "yes" }, cacheControl: undefined, contentEncoding: undefined, storageClass: "STANDARD_IA" });
    expect({ etag: after.etag, size: after.size, crc64: after.crc64 }).toEqual({ etag: before.etag, size: data.length, crc64: before.crc64 });
    expect(after.crc64).toBeDefined();
    expect(sha(await s.read("big"))).toBe(sha(data));
  });

  it("a multipart copy's Initiate takes the given type, metadata and class; Cache-Control or Content-Encoding are refused before the upload starts", async () => {
    const s = tuned(MiB, 4 * MiB);
    const data = randomBytes(4 * MiB + 99);
    await s.write("src.bin", data, { contentType: "application/x-big", metadata: { k: "v" }, storageClass: "STANDARD_IA" });
    emulator.resetStats();
    await s.copy("src.bin", "typed.bin", { contentType: "text/x-new", metadata: { n: "1" } });
    expect(emulator.stats().byOperation["UploadPartCopy"]).toBe(2);
    expect(emulator.stats().byOperation["CopyObject"]).toBeUndefined();
    expect(await attributesOf(s, "typed.bin")).toEqual({ contentType: "text/x-new", metadata: { n: "1" }, cacheControl: undefined, contentEncoding: undefined, storageClass: "STANDARD_IA" });
    expect(sha(await s.read("typed.bin"))).toBe(sha(data));
    await s.copy("src.bin", "classed.bin", { metadata: { n: "2" }, storageClass: "STANDARD" });
    expect(await attributesOf(s, "classed.bin")).toMatchObject({ contentType: "application/octet-stream", metadata: { n: "2" }, storageClass: "STANDARD" });
    await s.copy("src.bin", "kept.bin", { storageClass: "STANDARD" });
    expect(await attributesOf(s, "kept.bin")).toMatchObject({ contentType: "application/x-big", metadata: { k: "v" }, storageClass: "STANDARD" });

    for (const headers of [{ cacheControl: "no-cache" }, { contentEncoding: "gzip" }]) {
      emulator.resetStats();
      const refused = s.copy("src.bin", "refused.bin", { contentType: "text/x-new", ...headers });
      await expect(refused).rejects.toMatchObject({ code: "PairUnsupported" });
      await expect(refused).rejects.toThrow(Object.keys(headers)[0] === "cacheControl" ? /cache_control/ : /content_encoding/);
      expect(Object.keys(emulator.stats().byOperation)).toEqual(["HeadObject"]);
    }
    await expect(s.stat("refused.bin")).rejects.toMatchObject({ code: "ObjectNotExist" });
    // enable_loose_pair drops them instead.
    const loose = tuned(MiB, 4 * MiB, true);
    await loose.write("src.bin", data);
    await loose.copy("src.bin", "loose.bin", { contentType: "text/x-new", cacheControl: "no-cache" });
    expect(await attributesOf(loose, "loose.bin")).toMatchObject({ contentType: "text/x-new", cacheControl: undefined });
  });

  it("with enable_loose_pair, a multipart copy given only a dropped header keeps the source's type and metadata (in place: nothing sent)", async () => {
    const loose = tuned(MiB, 4 * MiB, true);
    const data = randomBytes(4 * MiB + 99);
    await loose.write("src.bin", data, { contentType: "text/x-old", metadata: { old: "1" } });
    emulator.resetStats();
    await loose.copy("src.bin", "dst.bin", { cacheControl: "no-cache" });
    expect(emulator.stats().byOperation["UploadPartCopy"]).toBe(2);
    expect(await attributesOf(loose, "dst.bin")).toEqual({ contentType: "text/x-old", metadata: { old: "1" }, cacheControl: undefined, contentEncoding: undefined, storageClass: "STANDARD" });
    await loose.copy("src.bin", "enc.bin", { contentEncoding: "gzip", storageClass: "STANDARD_IA" });
    expect(await attributesOf(loose, "enc.bin")).toEqual({ contentType: "text/x-old", metadata: { old: "1" }, cacheControl: undefined, contentEncoding: undefined, storageClass: "STANDARD_IA" });
    const before = await loose.stat("src.bin");
    emulator.resetStats();
    await loose.copy("src.bin", "src.bin", { cacheControl: "no-cache" });
    expect(Object.keys(emulator.stats().byOperation)).toEqual(["HeadObject"]);
    expect(await loose.stat("src.bin")).toMatchObject({ contentType: "text/x-old", metadata: { old: "1" }, etag: before.etag });
    expect(sha(await loose.read("dst.bin"))).toBe(sha(data));
  });

  it("a multipart copy onto its own key changes the attributes in place, the bytes and their CRC-64 kept", async () => {
    const s = tuned(MiB, 4 * MiB);
    const data = randomBytes(4 * MiB + 99);
    await s.write("self.bin", data, { contentType: "application/x-big", metadata: { k: "v" }, multipartThreshold: MiB, partSize: 4 * MiB });
    const before = await s.stat("self.bin");
    expect(before.crc64).toBeDefined();
    await s.copy("self.bin", "self.bin", { contentType: "text/x-new" });
    const after = await s.stat("self.bin");
    expect(await attributesOf(s, "self.bin")).toEqual({ contentType: "text/x-new", metadata: {}, cacheControl: undefined, contentEncoding: undefined, storageClass: "STANDARD" });
    expect(after.crc64).toBe(before.crc64);
    expect(sha(await s.read("self.bin"))).toBe(sha(data));
  });

  it("a bad storage class or metadata is refused before anything is sent", async () => {
    const s = store();
    await s.write("src", "x");
    emulator.resetStats();
    await expect(s.copy("src", "dst", { storageClass: "GLACIER" })).rejects.toMatchObject({ code: "InvalidArgument" });
    await expect(s.copy("src", "dst", { metadata: { big: "v".repeat(3000) } })).rejects.toMatchObject({ code: "InvalidArgument" });
    expect(emulator.stats().requests).toBe(0);
  });

  it("with virtual links: a link copied onto itself with attributes is refused (the link kept); onto its target, the target changes in place", async () => {
    const s = store("&enable_virtual_link");
    await s.write("target", "linked bytes", { contentType: "text/x-old" });
    await s.createLink("link", "target");
    await expect(s.copy("link", "link", { contentType: "text/x-new" })).rejects.toMatchObject({ code: "ObjectModeInvalid" });
    expect((await s.stat("link")).mode).toBe("link");
    await s.copy("link", "target", { contentType: "text/x-new" });
    expect((await s.stat("target")).contentType).toBe("text/x-new");
    expect((await s.read("target")).toString()).toBe("linked bytes");
    expect((await s.stat("link")).mode).toBe("link");
  });
});

describe("qingstor copy with attributes of an SSE-C object", () => {
  let tls: Emulator;
  beforeAll(async () => {
    tls = await startEmulator({ provider: "qingstor", tls: true, buckets: [BUCKET] });
  });
  afterAll(async () => {
    await tls.stop();
  });

  it("changes them in place with the object's key sent for the source and the copy", async () => {
    const key = randomBytes(32);
    const s = emulatorStorager(tls, BUCKET, `/${randomUUID()}/`, { encryptionCustomerKey: key });
    await s.write("sealed", "secret bytes", { metadata: { a: "1" } });
    tls.resetStats();
    await s.copy("sealed", "sealed", { metadata: { b: "2" } });
    expect(tls.stats().byOperation["CopyObject"]).toBe(1);
    expect((await s.stat("sealed")).metadata).toEqual({ b: "2" });
    expect((await s.read("sealed")).toString()).toBe("secret bytes");
  });
});
