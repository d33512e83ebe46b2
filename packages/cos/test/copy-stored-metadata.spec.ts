import { randomBytes, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { createStorager, mergePairs, parseEndpoint, type Storager } from "@stowage/core";
import { startEmulator, type Emulator } from "@stowage/emulator";
import { bucketAddress } from "../src/addressing.js";
import { CosClient } from "../src/client.js";
import { staticCredentials } from "../src/credentials.js";
import { cosService } from "../src/index.js";
import { copyObject, METADATA_LIMIT } from "../src/requests.js";
import { CosStorageDriver } from "../src/storager.js";

// A copy that keeps the source's attributes by re-sending them (onto itself: an in-place class
// change or re-encryption; a multipart copy's Initiate) re-sends the source's metadata as its HEAD
// gave it, though another client stored it as UTF-8 bytes (they arrive as Latin-1 characters, one a
// byte); metadata the call gives is still held to printable ASCII.

const BUCKET = "copy-stored-meta-1250000000";
const MiB = 1024 * 1024;
const SINGLE = Number.MAX_SAFE_INTEGER;
const MULTIPART = 1;
/** "Zürich" as UTF-8 bytes, each byte one character: what Node sends (and a HEAD gives back) as those bytes. */
const CITY = Buffer.from("Zürich", "utf8").toString("latin1");
let emulator: Emulator;

beforeAll(async () => {
  emulator = await startEmulator({ provider: "cos", buckets: [BUCKET], credentials: { accessKey: "AK", secretKey: "SK" } });
});
afterAll(async () => {
  await emulator.stop();
});

function client(): CosClient {
  const credentials = staticCredentials({ protocol: "hmac", accessKey: "AK", secretKey: "SK" }, undefined);
  return new CosClient(bucketAddress(BUCKET, undefined, { endpoint: parseEndpoint(`http:127.0.0.1:${emulator.port}`) }), credentials, { retry: { maxRetries: 0 } });
}

/** A storager under a fresh work dir whose copies above `copyThreshold` go part by part (1 MiB parts). */
function storager(copyThreshold: number): { s: Storager; dir: string } {
  const dir = `${randomUUID()}/`;
  const driver = new CosStorageDriver(client(), BUCKET, "ap-guangzhou", true, { copyThreshold, copyPartSize: MiB });
  return { s: createStorager(driver, { definition: cosService, config: { name: BUCKET, workDir: `/${dir}` }, pairs: mergePairs(cosService), defaults: {}, loose: false }), dir };
}

/** Writes `name` as another client would: its metadata value the UTF-8 bytes of "Zürich". */
async function putForeign(dir: string, name: string, data: Buffer): Promise<void> {
  const headers = { "content-length": String(data.length), "content-type": "text/x-old", "x-cos-meta-city": CITY, "x-cos-meta-plain": "a" };
  const res = await client().sendBuffered({ operation: "put_object", method: "PUT", key: `${dir}${name}`, query: [], headers, body: data });
  expect(res.status).toBe(200);
}

async function head(dir: string, name: string): Promise<Record<string, unknown>> {
  return (await client().sendBuffered({ operation: "head_object", method: "HEAD", key: `${dir}${name}`, query: [], headers: {} })).headers;
}

const sent = (): number => ["CopyObject", "InitiateMultipartUpload", "UploadPartCopy"].reduce((n, op) => n + (emulator.stats().byOperation[op] ?? 0), 0);

describe("cos copy request with the source's own attributes", () => {
  it("re-sends the source's metadata whatever its size, but only printable ASCII; the call's is checked", () => {
    const big = { big: "v".repeat(METADATA_LIMIT) };
    expect(copyObject("dst", "h/src", {}, false, { metadata: { plain: "a", ...big }, stored: true }).headers).toMatchObject({ "x-cos-meta-plain": "a", "x-cos-meta-big": big.big });
    // A UTF-8 value another client stored (Latin-1 characters here) would be signed as other bytes than the service reads: refused.
    expect(() => copyObject("dst", "h/src", {}, false, { metadata: { city: CITY }, stored: true })).toThrow(expect.objectContaining({ code: "InvalidArgument" }));
    expect(() => copyObject("dst", "h/src", {}, false, { metadata: big })).toThrow(expect.objectContaining({ code: "InvalidArgument" }));
    expect(() => copyObject("dst", "h/src", {}, false, { metadata: { city: CITY } })).toThrow(expect.objectContaining({ code: "InvalidArgument" }));
  });
});

describe.each([
  ["a single copy", SINGLE],
  ["a multipart copy", MULTIPART],
])("cos %s of an object whose stored metadata is UTF-8", (_name, threshold) => {
  it("refuses an in-place class change (or a copy that re-sends the metadata) with a clear InvalidArgument, nothing sent; a plain copy elsewhere keeps the bytes", async () => {
    const { s, dir } = storager(threshold);
    const data = randomBytes(MiB + 3);
    await putForeign(dir, "obj", data);
    emulator.resetStats();
    const e = await s.copy("obj", "obj", { storageClass: "STANDARD_IA" }).then(() => undefined, (x: unknown) => x);
    expect(e).toMatchObject({ code: "InvalidArgument" });
    expect(String((e as Error).message)).toContain("not printable ASCII");
    expect(sent()).toBe(0);
    expect((await head(dir, "obj"))["x-cos-meta-city"]).toBe(CITY);
    if (threshold === SINGLE) {
      // The Copy directive sends no metadata: the service copies the bytes it holds.
      await s.copy("obj", "other");
      expect((await head(dir, "other"))["x-cos-meta-city"]).toBe(CITY);
    }
    expect((await s.read("obj")).equals(data)).toBe(true);
  });

  it("still refuses non-ASCII metadata the call gives, before any copy is sent", async () => {
    const { s, dir } = storager(threshold);
    await putForeign(dir, "obj", randomBytes(MiB + 3));
    emulator.resetStats();
    await expect(s.copy("obj", "obj", { metadata: { city: "Zürich" } })).rejects.toMatchObject({ code: "InvalidArgument" });
    expect(sent()).toBe(0);
    expect((await head(dir, "obj"))["x-cos-meta-city"]).toBe(CITY);
  });
});
