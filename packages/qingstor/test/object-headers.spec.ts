/**
 * Cache-Control and Content-Encoding on QingStor: stored with a single PutObject (written, stat'ed,
 * read back, presigned), refused before anything is sent by the requests that cannot carry them
 * (InitiateMultipartUpload, AppendObject), dropped there when loose or when they are open-time
 * defaults; Content-Disposition and Expires, which no QingStor write documents, refused by core.
 */
import { randomUUID } from "node:crypto";
import { Readable } from "node:stream";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "@jest/globals";
import { isStorageError, newStorager, type ObjectInfo, type Storager } from "@stowage/core";
import { startEmulator, type Emulator } from "@stowage/emulator";
import "../src/index.js";

const BUCKET = "object-headers";
const HEADERS = { cacheControl: "public, max-age=3600", contentEncoding: "gzip" };
/** Bytes that are no gzip stream: Content-Encoding is a label, never applied or undone. */
const DATA = Buffer.from("not really gzip, and must come back as written");
/** Forces a multipart write of {@link DATA}. */
const MULTIPART = { multipartThreshold: 10 };

let emulator: Emulator;

beforeAll(async () => {
  emulator = await startEmulator({ provider: "qingstor", buckets: [BUCKET] });
});
afterAll(async () => {
  await emulator.stop();
});
beforeEach(() => {
  emulator.resetStats();
});

function open(extra = ""): Storager {
  return newStorager(`${emulator.connectionString(BUCKET, `/${randomUUID()}/`)}${extra}`);
}

/** The error `fn` rejects with (fails the test when it resolves). */
async function failure(fn: () => Promise<unknown>): Promise<Error> {
  const outcome = await fn().then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(outcome instanceof Error)) throw new Error("expected the call to fail");
  return outcome;
}

/** Uploads in progress in the storager's work_dir. */
async function uploads(store: Storager): Promise<number> {
  return (await store.listPage("", { mode: "part", limit: 100 })).items.length;
}

/** Requests of these operations the emulator received since the last reset. */
function sent(...operations: string[]): number {
  const counts = emulator.stats().byOperation;
  return operations.reduce((n, op) => n + (counts[op] ?? 0), 0);
}

function headersOf(o: ObjectInfo | undefined): Record<string, string | undefined> {
  return { cacheControl: o?.cacheControl, contentEncoding: o?.contentEncoding, contentDisposition: o?.contentDisposition, httpExpires: o?.httpExpires };
}

describe("qingstor Cache-Control and Content-Encoding", () => {
  it("features: cacheControl and contentEncoding on, contentDisposition and httpExpires off (core refuses those, nothing written)", async () => {
    const store = open();
    const { cacheControl, contentEncoding, contentDisposition, httpExpires } = store.features;
    expect({ cacheControl, contentEncoding, contentDisposition, httpExpires }).toEqual({ cacheControl: true, contentEncoding: true, contentDisposition: false, httpExpires: false });
    for (const options of [{ contentDisposition: "attachment" }, { httpExpires: "Fri, 01 Jan 2027 00:00:00 GMT" }]) {
      const e = await failure(() => store.write("refused", DATA, options));
      expect(isStorageError(e, "PairUnsupported")).toBe(true);
    }
    expect(sent("PutObject")).toBe(0);
    expect(isStorageError(await failure(() => store.stat("refused")), "ObjectNotExist")).toBe(true);
  });

  it("a single write stores them: stat and read's onObject report them, the bytes come back as written", async () => {
    const store = open();
    await store.write("a.txt", DATA, { ...HEADERS, contentType: "text/plain" });
    const info = await store.stat("a.txt");
    expect(headersOf(info)).toEqual({ ...HEADERS, contentDisposition: undefined, httpExpires: undefined });
    expect(info.contentType).toBe("text/plain");
    let seen: ObjectInfo | undefined;
    const back = await store.read("a.txt", { onObject: (o) => void (seen = o) });
    expect(Buffer.compare(back, DATA)).toBe(0);
    expect(headersOf(seen)).toEqual(headersOf(info));
    // Overwritten without them: gone.
    await store.write("a.txt", DATA);
    expect(headersOf(await store.stat("a.txt"))).toEqual({ cacheControl: undefined, contentEncoding: undefined, contentDisposition: undefined, httpExpires: undefined });
  });

  it("a write above multipart_threshold (a buffer, or a stream of unknown size) refuses them before any request: no upload, the object untouched", async () => {
    const store = open();
    await store.write("kept", Buffer.from("old"));
    emulator.resetStats();
    for (const body of [() => DATA, () => Readable.from([DATA.subarray(0, 20), DATA.subarray(20)])]) {
      const e = await failure(() => store.write("kept", body(), { cacheControl: HEADERS.cacheControl, ...MULTIPART }));
      expect(isStorageError(e, "PairUnsupported")).toBe(true);
      expect(e.message).toContain("cache_control");
      expect(e.message).toContain("single PutObject");
    }
    const both = await failure(() => store.write("kept", DATA, { ...HEADERS, ...MULTIPART }));
    expect(both.message).toMatch(/cache_control.*content_encoding/);
    expect(sent("InitiateMultipartUpload", "UploadPart", "PutObject", "DeleteObject")).toBe(0);
    expect(await uploads(store)).toBe(0);
    expect((await store.read("kept")).toString()).toBe("old");
  });

  it("createMultipart and a resumed write refuse them before sending; the upload a resumed write names stays", async () => {
    const store = open();
    const e = await failure(() => store.createMultipart("m", { contentEncoding: "gzip" }));
    expect(isStorageError(e, "PairUnsupported")).toBe(true);
    expect(e.message).toContain("content_encoding");
    expect(sent("InitiateMultipartUpload")).toBe(0);
    const upload = await store.createMultipart("m");
    emulator.resetStats();
    const resumed = await failure(() => store.write("m", DATA, { multipartId: upload.multipartId!, cacheControl: "no-cache", ...MULTIPART }));
    expect(isStorageError(resumed, "PairUnsupported")).toBe(true);
    expect(sent("UploadPart", "CompleteMultipartUpload", "AbortMultipartUpload")).toBe(0);
    expect(await uploads(store)).toBe(1);
  });

  it("a resumed write whose parts are all stored refuses them before Complete, never dropping them", async () => {
    const store = open();
    const upload = await store.createMultipart("all-stored");
    // The whole body in one part, as the resumed write below would cut it: nothing is left to send.
    await store.writeMultipart(upload, DATA, { index: 0 });
    emulator.resetStats();
    const e = await failure(() => store.write("all-stored", DATA, { multipartId: upload.multipartId!, cacheControl: "no-cache", multipartThreshold: 10, partSize: DATA.length }));
    expect(isStorageError(e, "PairUnsupported")).toBe(true);
    expect(sent("UploadPart", "CompleteMultipartUpload", "AbortMultipartUpload")).toBe(0);
    await expect(store.stat("all-stored")).rejects.toMatchObject({ code: "ObjectNotExist" });
    expect(await uploads(store)).toBe(1);
  });

  it("createAppend refuses them before it deletes or appends anything", async () => {
    const store = open();
    await store.write("log", Buffer.from("old"));
    emulator.resetStats();
    const e = await failure(() => store.createAppend("log", { cacheControl: "no-cache" }));
    expect(isStorageError(e, "PairUnsupported")).toBe(true);
    expect(e.message).toContain("AppendObject");
    expect(sent("DeleteObject", "AppendObject")).toBe(0);
    expect((await store.read("log")).toString()).toBe("old");
  });

  it("enable_loose_pair: a multipart write, createMultipart and createAppend drop them", async () => {
    const store = open("&enable_loose_pair=true");
    expect(store.features.loosePair).toBe(true);
    const done = await store.write("big", DATA, { ...HEADERS, ...MULTIPART });
    expect(done.parts).toBe(1);
    expect(headersOf(await store.stat("big")).cacheControl).toBeUndefined();
    const upload = await store.createMultipart("up", HEADERS);
    expect(upload.multipartId).toBeDefined();
    const append = await store.createAppend("log", HEADERS);
    await store.writeAppend(append, DATA);
    const info = await store.stat("log");
    expect([info.mode, info.size, info.cacheControl, info.contentEncoding]).toEqual(["append", DATA.length, undefined, undefined]);
    // A single write still stores them.
    await store.write("small", DATA, HEADERS);
    expect((await store.stat("small")).cacheControl).toBe(HEADERS.cacheControl);
  });

  it("default_cache_control: applied to single writes, skipped by multipart writes and appends; a call's own value is still refused there", async () => {
    const store = open("&default_cache_control=no-cache");
    await store.write("small", DATA);
    expect((await store.stat("small")).cacheControl).toBe("no-cache");
    await store.write("big", DATA, MULTIPART);
    expect((await store.stat("big")).cacheControl).toBeUndefined();
    const append = await store.createAppend("log");
    await store.writeAppend(append, DATA);
    expect((await store.stat("log")).cacheControl).toBeUndefined();
    const presigned = await store.presign("createMultipart", "up", { expires: 60 });
    expect(presigned.headers["cache-control"]).toBeUndefined();
    const e = await failure(() => store.write("big", DATA, { cacheControl: "public", ...MULTIPART }));
    expect(isStorageError(e, "PairUnsupported")).toBe(true);
    expect(await uploads(store)).toBe(0);
  });

  it("presign write returns them to send (unsigned); a PUT that sends them stores them. presign createMultipart refuses them", async () => {
    const store = open();
    const req = await store.presign("write", "p.txt", { expires: 600, ...HEADERS });
    expect(req.headers["cache-control"]).toBe(HEADERS.cacheControl);
    expect(req.headers["content-encoding"]).toBe(HEADERS.contentEncoding);
    const { host: _host, ...headers } = req.headers;
    const res = await fetch(req.url, { method: req.method, headers, body: DATA });
    expect(res.status).toBe(201);
    expect(headersOf(await store.stat("p.txt"))).toEqual({ ...HEADERS, contentDisposition: undefined, httpExpires: undefined });
    const e = await failure(() => store.presign("createMultipart", "m", { expires: 600, cacheControl: "no-cache" }));
    expect(isStorageError(e, "PairUnsupported")).toBe(true);
  });
});
