import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { startEmulator, type Emulator } from "../src/index.js";
import { qsRequest, type RawResponse } from "./raw-client.js";

// QingStor's PUT Object - Copy: `x-qs-metadata-directive` COPY (the default) copies the source's
// metadata, REPLACE stores the request's modifiable metadata (Content-Type, Cache-Control,
// Content-Disposition, Content-Encoding, Expires, x-qs-meta-*); `x-qs-storage-class` is the copy's
// class under either directive, STANDARD without it, and onto the source's own key changes its class.

const BUCKET = "copy-directive-qs";
const SOURCE = {
  "content-type": "text/x-old",
  "cache-control": "max-age=1",
  "content-encoding": "gzip",
  "content-language": "en",
  "x-qs-meta-old": "1",
  "x-qs-storage-class": "STANDARD_IA",
};
let qs: Emulator;

beforeAll(async () => {
  qs = await startEmulator({ provider: "qingstor", buckets: [BUCKET] });
});
afterAll(async () => {
  await qs.stop();
});

/** The attributes of `r` (a HEAD answer) this spec looks at. */
function attributes(r: RawResponse): Record<string, unknown> {
  const h = r.headers;
  return {
    status: r.status,
    type: h["content-type"],
    cacheControl: h["cache-control"],
    encoding: h["content-encoding"],
    language: h["content-language"],
    old: h["x-qs-meta-old"],
    added: h["x-qs-meta-added"],
    storageClass: h["x-qs-storage-class"],
    etag: h["etag"],
  };
}

async function put(key: string): Promise<string> {
  const r = await qsRequest(qs, { method: "PUT", bucket: BUCKET, key, headers: SOURCE, body: "source bytes" });
  expect(r.status).toBe(201);
  return r.headers["etag"] as string;
}

const copy = (key: string, from: string, headers: Record<string, string> = {}) =>
  qsRequest(qs, { method: "PUT", bucket: BUCKET, key, headers: { "x-qs-copy-source": `/${BUCKET}/${from}`, "content-length": "0", ...headers } });
const head = async (key: string) => attributes(await qsRequest(qs, { method: "HEAD", bucket: BUCKET, key }));

describe("qingstor emulator: copy metadata directive and storage class", () => {
  it("COPY keeps the source's metadata and takes the copy's class from x-qs-storage-class, STANDARD without it", async () => {
    const etag = await put("src");
    const kept = { status: 200, type: "text/x-old", cacheControl: "max-age=1", encoding: "gzip", language: "en", old: "1", added: undefined, etag };
    expect((await copy("plain-copy", "src")).status).toBe(201);
    expect(await head("plain-copy")).toEqual({ ...kept, storageClass: "STANDARD" });
    expect((await copy("ia-copy", "src", { "x-qs-storage-class": "STANDARD_IA" })).status).toBe(201);
    expect(await head("ia-copy")).toEqual({ ...kept, storageClass: "STANDARD_IA" });
  });

  it("REPLACE stores exactly the request's modifiable metadata (no Content-Language), the source unchanged", async () => {
    const etag = await put("r-src");
    const replaced = await copy("r-dst", "r-src", { "x-qs-metadata-directive": "REPLACE", "content-type": "text/x-new", "content-encoding": "br", "content-language": "fr", "x-qs-meta-added": "2" });
    expect(replaced.status).toBe(201);
    expect(await head("r-dst")).toEqual({ status: 200, type: "text/x-new", cacheControl: undefined, encoding: "br", language: undefined, old: undefined, added: "2", storageClass: "STANDARD", etag });
    expect(await head("r-src")).toEqual({ status: 200, type: "text/x-old", cacheControl: "max-age=1", encoding: "gzip", language: "en", old: "1", added: undefined, storageClass: "STANDARD_IA", etag });
  });

  it("onto its own key: REPLACE changes the metadata, x-qs-storage-class the class, bytes and ETag kept", async () => {
    const etag = await put("self");
    expect((await copy("self", "self", { "x-qs-metadata-directive": "REPLACE", "cache-control": "no-cache", "x-qs-storage-class": "STANDARD_IA" })).status).toBe(201);
    expect(await head("self")).toEqual({ status: 200, type: "application/octet-stream", cacheControl: "no-cache", encoding: undefined, language: undefined, old: undefined, added: undefined, storageClass: "STANDARD_IA", etag });
    expect((await copy("self", "self", { "x-qs-storage-class": "STANDARD" })).status).toBe(201);
    expect((await head("self")).storageClass).toBe("STANDARD");
    expect((await qsRequest(qs, { method: "GET", bucket: BUCKET, key: "self" })).body).toBe("source bytes");
  });
});
