import { describe, expect, it } from "@jest/globals";
import type { DriverBody, DriverCallOptions, RawObject } from "../src/driver/storage-driver.js";
import { defineFeatures } from "../src/features.js";
import { copiedContentHeaders, objectHeadersOf, readObjectHeaders } from "../src/http/content-headers.js";
import { crc64Decimal } from "../src/integrity/crc64.js";
import type { PresignOperation } from "../src/options.js";
import { resolveOpenConfig } from "../src/pairs/open-config.js";
import type { ServiceDefinition } from "../src/registry/service-definition.js";
import type { Storager } from "../src/storager.js";
import { createStorager } from "../src/storager/create-storager.js";

/** The options each driver primitive was called with. */
type Seen = Array<{ method: string; options: DriverCallOptions }>;

/** A driver that stores nothing and records the options of write, createMultipart, createAppend and presign. */
function openCapturing(query: string, headers = true): { seen: Seen; store: Storager } {
  const seen: Seen = [];
  const keep = (method: string, options: DriverCallOptions): void => {
    const { signal: _signal, ...rest } = options;
    seen.push({ method, options: rest });
  };
  const flags = headers ? { cacheControl: true, contentDisposition: true, contentEncoding: true, httpExpires: true } : {};
  const driver = {
    service: "cap",
    name: "bucket",
    features: defineFeatures({ stat: true, write: true, delete: true, list: true, listPrefix: true, append: true, multipart: true, presignRead: true, presignWrite: true, presignCreateMultipart: true, ...flags }),
    async stat(key: string): Promise<RawObject> {
      return { key, mode: "file", size: 0 };
    },
    async read(): Promise<never> {
      throw new Error("not used");
    },
    async write(_key: string, body: DriverBody, options: DriverCallOptions) {
      keep("write", options);
      return { crc64: crc64Decimal(Buffer.from(body.data as Buffer)) };
    },
    async delete(): Promise<void> {},
    async listPage() {
      return { items: [] };
    },
    async createMultipart(_key: string, options: DriverCallOptions) {
      keep("createMultipart", options);
      return { multipartId: "u1" };
    },
    async createAppend(key: string, options: DriverCallOptions): Promise<RawObject> {
      keep("createAppend", options);
      return { key, mode: "append", appendOffset: 0 };
    },
    async presign(op: PresignOperation, _key: string, options: DriverCallOptions) {
      keep(`presign ${op}`, options);
      return { method: "GET" as const, url: "http://127.0.0.1/x", headers: {} };
    },
  };
  const definition: ServiceDefinition = { type: "cap", packageName: "cap", description: "test", pairs: {}, newStorageDriver: () => driver };
  const resolved = resolveOpenConfig(definition, `cap://bucket/${query}`, "storager");
  return { seen, store: createStorager(driver, { ...resolved, definition }) };
}

describe("object headers (Cache-Control, Content-Disposition, Content-Encoding, Expires)", () => {
  it("reach the driver's write, createMultipart, createAppend and presigned write as given", async () => {
    const { seen, store } = openCapturing("");
    const given = { cacheControl: "no-store", contentDisposition: "inline", contentEncoding: "br", httpExpires: "Fri, 01 Jan 2027 00:00:00 GMT" };
    await store.write("a", "x", given);
    await store.createMultipart("b", given);
    await store.createAppend("c", given);
    await store.presign("write", "d", { expires: 60, ...given });
    expect(seen.map((s) => s.method)).toEqual(["write", "createMultipart", "createAppend", "presign write"]);
    for (const s of seen) {
      expect(s.options).toMatchObject(given);
      // Given by the call: none of them is a default the driver may skip.
      expect(s.options.defaulted).toEqual([]);
    }
  });

  it("an open-time default_cache_control applies to every write and is named in `defaulted`; the call's own value wins", async () => {
    const { seen, store } = openCapturing("?default_cache_control=max-age%3D60");
    await store.write("a", "x");
    await store.createMultipart("b");
    await store.write("c", "x", { cacheControl: "no-cache" });
    expect(seen[0]?.options).toMatchObject({ cacheControl: "max-age=60", defaulted: ["cacheControl"] });
    expect(seen[1]?.options).toMatchObject({ cacheControl: "max-age=60", defaulted: ["cacheControl"] });
    expect(seen[2]?.options.cacheControl).toBe("no-cache");
    expect(seen[2]?.options.defaulted).toEqual([]);
  });

  it("a presigned read takes none of them, yet an open-time default does not fail it", async () => {
    const { seen, store } = openCapturing("?default_cache_control=no-cache");
    await expect(store.presign("read", "a", { expires: 60, contentDisposition: "inline" })).rejects.toMatchObject({ code: "InvalidArgument" });
    await store.presign("read", "a", { expires: 60 });
    expect(seen.map((s) => s.method)).toEqual(["presign read"]);
  });

  it("features.loosePair says the storager was opened with enable_loose_pair", () => {
    expect(openCapturing("").store.features.loosePair).toBe(false);
    expect(openCapturing("?enable_loose_pair=true").store.features.loosePair).toBe(true);
  });

  it("a storage without the features refuses them (PairUnsupported), at open time too", async () => {
    const { seen, store } = openCapturing("", false);
    await expect(store.write("a", "x", { contentEncoding: "gzip" })).rejects.toMatchObject({ code: "PairUnsupported" });
    expect(seen).toEqual([]);
    let refused: unknown;
    try {
      openCapturing("?default_cache_control=no-cache", false);
    } catch (e) {
      refused = e;
    }
    expect(refused).toMatchObject({ code: "PairUnsupported" });
  });

  it("values that are no single-line printable ASCII header value are InvalidArgument before the driver is called", async () => {
    const { seen, store } = openCapturing("");
    for (const value of ["", "a\nb", "\u00e9t\u00e9", "trailing ", "x".repeat(4097)]) {
      await expect(store.write("a", "x", { httpExpires: value })).rejects.toMatchObject({ code: "InvalidArgument" });
    }
    expect(seen).toEqual([]);
    await store.write("a", "x", { cacheControl: "x".repeat(4096) });
    expect(seen).toHaveLength(1);
  });

  it("header helpers: request headers from options, fields from an answer, and what a multipart copy re-sends", () => {
    expect(objectHeadersOf({ cacheControl: "no-cache", httpExpires: "0", contentType: "text/plain" })).toEqual({ "cache-control": "no-cache", expires: "0" });
    const raw: RawObject = { key: "k", mode: "file" };
    readObjectHeaders({ "cache-control": "max-age=1", "content-disposition": "", "content-encoding": "gzip", expires: "Fri, 01 Jan 2027 00:00:00 GMT" }, raw);
    expect(raw).toEqual({ key: "k", mode: "file", cacheControl: "max-age=1", contentEncoding: "gzip", httpExpires: "Fri, 01 Jan 2027 00:00:00 GMT" });
    expect(copiedContentHeaders({ ...raw, system: { contentLanguage: "en" } })).toEqual({
      "cache-control": "max-age=1",
      "content-encoding": "gzip",
      expires: "Fri, 01 Jan 2027 00:00:00 GMT",
      "content-language": "en",
    });
  });
});
