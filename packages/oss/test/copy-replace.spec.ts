import { randomBytes, randomUUID } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "@jest/globals";
import { createStorager, mergePairs, parseEndpoint, type Storager } from "@stowage/core";
import { startProxy, type Proxy } from "@stowage/behavior-tests";
import { startEmulator, type Emulator } from "@stowage/emulator";
import { bucketAddress } from "../src/addressing.js";
import { OssClient } from "../src/client.js";
import { staticCredentials } from "../src/credentials.js";
import { ossService } from "../src/index.js";
import { OssStorageDriver } from "../src/storager.js";

// copy with attributes (x-oss-metadata-directive: REPLACE, or the multipart copy's Initiate) and
// ifNotExists on copy and move (x-oss-forbid-overwrite), single and multipart, on the emulator.

const BUCKET = "copy-replace";
const KiB = 1024;
const SIZE = 700 * KiB + 3;
const SINGLE = Number.MAX_SAFE_INTEGER;
const MULTIPART = 300 * KiB;
let emulator: Emulator;
let proxy: Proxy;
/** Called when an answer reached the proxy: true loses it. */
let lose: (method: string) => boolean = () => false;

beforeAll(async () => {
  emulator = await startEmulator({ provider: "oss", buckets: [BUCKET], credentials: { accessKey: "AK", secretKey: "SK" } });
  proxy = await startProxy(emulator.port, { drop: (req) => lose(req.method ?? "") });
});
afterAll(async () => {
  await proxy.stop();
  await emulator.stop();
});
afterEach(() => {
  emulator.setFaults([]);
  lose = () => false;
});

function clientOn(port: number): OssClient {
  const credentials = staticCredentials({ protocol: "hmac", accessKey: "AK", secretKey: "SK" }, undefined);
  return new OssClient(bucketAddress(BUCKET, undefined, { endpoint: parseEndpoint(`http:127.0.0.1:${port}`) }), BUCKET, credentials, { version: "v1" }, { retry: { maxRetries: 2, baseDelayMs: 1, maxDelayMs: 1 } });
}

/** A storager under a fresh work dir whose copies above `copyThreshold` go part by part (200 KiB parts). */
function storager(copyThreshold: number, port = emulator.port): { s: Storager; dir: string; driver: OssStorageDriver } {
  const dir = `${randomUUID()}/`;
  const driver = new OssStorageDriver(clientOn(port), BUCKET, "cn-hangzhou", true, { copyThreshold, copyPartSize: 200 * KiB });
  return { s: createStorager(driver, { definition: ossService, config: { name: BUCKET, workDir: `/${dir}` }, pairs: mergePairs(ossService), defaults: {}, loose: false }), dir, driver };
}

/** The source's attributes (as PUT sends them: Content-Language has no pair). */
const OLD = {
  "content-type": "text/x-old",
  "cache-control": "max-age=1",
  "content-disposition": "inline",
  "content-encoding": "gzip",
  "content-language": "fr",
  expires: "Wed, 21 Oct 2037 07:28:00 GMT",
  "x-oss-meta-old": "1",
  "x-oss-meta-shared": "old",
  "x-oss-storage-class": "IA",
};
const CONTENT = ["content-type", "cache-control", "content-disposition", "content-encoding", "content-language", "expires"];

async function putSource(dir: string, name: string, data: Buffer): Promise<void> {
  const res = await clientOn(emulator.port).sendBuffered({ operation: "put_object", method: "PUT", key: `${dir}${name}`, query: [], headers: { ...OLD, "content-length": String(data.length) }, body: data });
  expect(res.status).toBe(200);
}

async function head(dir: string, name: string): Promise<Record<string, unknown>> {
  return (await clientOn(emulator.port).sendBuffered({ operation: "head_object", method: "HEAD", key: `${dir}${name}`, query: [], headers: {} })).headers;
}

const copies = (): number => (emulator.stats().byOperation["CopyObject"] ?? 0) + (emulator.stats().byOperation["UploadPartCopy"] ?? 0);

describe.each([
  ["a single copy", SINGLE],
  ["a multipart copy", MULTIPART],
])("oss %s with attributes", (_name, threshold) => {
  it("replaces the source's attributes as a whole: the copy has exactly those given (the storage class kept), the source unchanged", async () => {
    const { s, dir } = storager(threshold);
    const data = randomBytes(SIZE);
    await putSource(dir, "src", data);
    emulator.resetStats();
    await s.copy("src", "dst", { contentType: "text/x-new", metadata: { shared: "new" }, contentDisposition: "attachment" });
    expect(emulator.stats().byOperation[threshold === SINGLE ? "CopyObject" : "UploadPartCopy"]).toBeGreaterThan(0);
    const h = await head(dir, "dst");
    expect([h["content-type"], h["content-disposition"], h["x-oss-meta-shared"], h["x-oss-meta-old"]]).toEqual(["text/x-new", "attachment", "new", undefined]);
    for (const name of ["cache-control", "content-encoding", "content-language", "expires"]) expect([name, h[name]]).toEqual([name, undefined]);
    expect(h["x-oss-storage-class"]).toBe("IA");
    expect((await s.read("dst")).equals(data)).toBe(true);
    expect(await head(dir, "src")).toMatchObject(OLD);
  });

  it("storageClass alone sets the copy's class and keeps everything else", async () => {
    const { s, dir } = storager(threshold);
    await putSource(dir, "src", randomBytes(SIZE));
    await s.copy("src", "dst", { storageClass: "Archive" });
    expect(await head(dir, "dst")).toMatchObject({ ...OLD, "x-oss-storage-class": "Archive" });
  });

  it("onto its own path changes the attributes in place, its bytes, size and CRC-64 untouched; storageClass alone changes only the class", async () => {
    const { s, dir } = storager(threshold);
    const data = randomBytes(SIZE);
    await putSource(dir, "obj", data);
    const before = await s.stat("obj");
    await s.copy("obj", "obj", { contentType: "text/x-new", metadata: { fresh: "1" } });
    const after = await s.stat("obj");
    expect([after.contentType, after.metadata, after.cacheControl, after.storageClass]).toEqual(["text/x-new", { fresh: "1" }, undefined, "IA"]);
    expect([after.size, after.crc64]).toEqual([before.size, before.crc64]);
    expect((await s.read("obj")).equals(data)).toBe(true);
    await s.copy("obj", "obj", { storageClass: "Archive" });
    expect(await s.stat("obj")).toMatchObject({ contentType: "text/x-new", metadata: { fresh: "1" }, storageClass: "Archive", crc64: before.crc64 });
  });
});

describe("oss copy onto itself without attributes", () => {
  it("an in-place re-encryption keeps the object's attributes (REPLACE, with its own: OSS takes the request's metadata onto the object itself), single and multipart", async () => {
    for (const threshold of [SINGLE, MULTIPART]) {
      const { s, dir } = storager(threshold);
      await putSource(dir, "obj", randomBytes(SIZE));
      emulator.resetStats();
      await s.copy("obj", "obj", { serverSideEncryption: "AES256" } as never);
      expect(copies()).toBeGreaterThan(0);
      expect(await head(dir, "obj")).toMatchObject({ ...OLD, "x-oss-server-side-encryption": "AES256" });
    }
  });
});

describe("oss copy and move ifNotExists", () => {
  it("copy over an object is Conflict (409, not retried) and leaves it; copied where none is; onto itself Conflict before anything is sent", async () => {
    for (const threshold of [SINGLE, MULTIPART]) {
      const { s, dir, driver } = storager(threshold);
      const data = randomBytes(SIZE);
      const there = randomBytes(100);
      await s.write("src", data);
      await s.write("dst", there);
      emulator.resetStats();
      // Core's stat finds the object first: no copy is sent.
      await expect(s.copy("src", "dst", { ifNotExists: true })).rejects.toMatchObject({ code: "Conflict", statusCode: 409, retryable: false });
      expect(copies() + (emulator.stats().byOperation["InitiateMultipartUpload"] ?? 0)).toBe(0);
      // The driver's own request carries the condition (an object created after that stat): the service refuses, once.
      await expect(driver.copy(`${dir}src`, `${dir}dst`, { ifNotExists: true })).rejects.toMatchObject({ code: "Conflict", statusCode: 409, retryable: false });
      expect(emulator.stats().byStatus["409"]).toBe(1);
      expect((await s.read("dst")).equals(there)).toBe(true);
      await s.copy("src", "fresh", { ifNotExists: true });
      expect((await s.read("fresh")).equals(data)).toBe(true);
      emulator.resetStats();
      await expect(s.copy("src", "src", { ifNotExists: true, contentType: "text/x-new" })).rejects.toMatchObject({ code: "Conflict", retryable: false });
      expect(copies() + (emulator.stats().byOperation["InitiateMultipartUpload"] ?? 0)).toBe(0);
      expect((await s.stat("src")).contentType).not.toBe("text/x-new");
    }
  });

  it("move over an object is Conflict, the source and the object both kept; moved where none is", async () => {
    for (const threshold of [SINGLE, MULTIPART]) {
      const { s } = storager(threshold);
      const data = randomBytes(SIZE);
      const there = randomBytes(100);
      await s.write("src", data);
      await s.write("dst", there);
      await expect(s.move("src", "dst", { ifNotExists: true })).rejects.toMatchObject({ code: "Conflict", retryable: false });
      expect((await s.read("dst")).equals(there)).toBe(true);
      expect((await s.read("src")).equals(data)).toBe(true);
      await s.move("src", "fresh", { ifNotExists: true });
      expect((await s.read("fresh")).equals(data)).toBe(true);
      await expect(s.stat("src")).rejects.toMatchObject({ code: "ObjectNotExist" });
    }
  });

  it("a link moved over an object is Conflict (PutSymlink with x-oss-forbid-overwrite), the link and the object kept; moved where none is", async () => {
    const { s, dir, driver } = storager(SINGLE);
    const data = randomBytes(100);
    const there = randomBytes(50);
    await s.write("target", data);
    await s.createLink("link", "target");
    await s.write("dst", there);
    emulator.resetStats();
    await expect(s.move("link", "dst", { ifNotExists: true })).rejects.toMatchObject({ code: "Conflict", statusCode: 409, retryable: false });
    expect(emulator.stats().byOperation["PutSymlink"] ?? 0).toBe(0);
    await expect(driver.move(`${dir}link`, `${dir}dst`, { ifNotExists: true })).rejects.toMatchObject({ code: "Conflict", statusCode: 409, retryable: false });
    expect(emulator.stats().byOperation["PutSymlink"]).toBe(1);
    expect((await s.read("dst")).equals(there)).toBe(true);
    expect((await s.stat("link")).mode).toBe("link");
    await s.move("link", "fresh", { ifNotExists: true });
    expect((await s.stat("fresh")).mode).toBe("link");
    expect((await s.read("fresh")).equals(data)).toBe(true);
    await expect(s.stat("link")).rejects.toMatchObject({ code: "ObjectNotExist" });
  });

  it("a copy whose answer was lost succeeds: its retry's 409 is judged by the object (the source's bytes)", async () => {
    const { s } = storager(SINGLE, proxy.port);
    const data = randomBytes(1000);
    await s.write("src", data);
    let first = true;
    lose = (method) => {
      if (method !== "PUT" || !first) return false;
      first = false;
      return true;
    };
    emulator.resetStats();
    await s.copy("src", "dst", { ifNotExists: true });
    expect(emulator.stats().byOperation["CopyObject"]).toBe(2);
    expect(emulator.stats().byStatus["409"]).toBe(1);
    expect((await s.read("dst")).equals(data)).toBe(true);
  });

  it("a retried copy refused over another writer's object stays Conflict, that object kept", async () => {
    const { s } = storager(SINGLE, proxy.port);
    await s.write("src", randomBytes(1000));
    const theirs = randomBytes(1000);
    await s.write("dst", theirs);
    // The first attempt answers 500 and does nothing; its retry meets the other writer's object.
    emulator.setFaults([{ kind: "status", status: 500, operation: "CopyObject", count: 1 }]);
    await expect(s.copy("src", "dst", { ifNotExists: true })).rejects.toMatchObject({ code: "Conflict", statusCode: 409, retryable: false });
    expect((await s.read("dst")).equals(theirs)).toBe(true);
  });
});
