/**
 * Cache-Control, Content-Disposition, Content-Encoding and Expires (the object headers) on COS,
 * against the emulator: stored by PUT, Initiate Multipart Upload, the first APPEND and presigned
 * PUT / Initiate; reported by stat and read's onObject as top-level fields; kept by copies.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { createStorager, mergePairs, newStorager, parseEndpoint, type ObjectInfo, type Storager } from "@stowage/core";
import { startEmulator, type Emulator } from "@stowage/emulator";
import { bucketAddress } from "../src/addressing.js";
import { CosClient } from "../src/client.js";
import { staticCredentials } from "../src/credentials.js";
import { cosService } from "../src/index.js";
import { appendObject, initiateMultipart, putObject } from "../src/requests.js";
import { CosStorageDriver } from "../src/storager.js";

const BUCKET = "object-headers-1250000000";
const MiB = 1024 * 1024;
let emulator: Emulator;

const HEADERS = {
  cacheControl: "public, max-age=86400",
  contentDisposition: 'attachment; filename="report.pdf"',
  contentEncoding: "gzip",
  httpExpires: "Thu, 01 Jan 2037 00:00:00 GMT",
} as const;
const WIRE = {
  "cache-control": HEADERS.cacheControl,
  "content-disposition": HEADERS.contentDisposition,
  "content-encoding": HEADERS.contentEncoding,
  expires: HEADERS.httpExpires,
};
const SYSTEM_NAMES = ["cacheControl", "contentDisposition", "contentEncoding", "expires", "httpExpires"];

beforeAll(async () => {
  emulator = await startEmulator({ provider: "cos", buckets: [BUCKET] });
});
afterAll(async () => {
  await emulator.stop();
});

function open(extra = ""): Storager {
  return newStorager(`${emulator.connectionString(BUCKET, `/${randomUUID()}/`)}${extra}`);
}

/** A storager whose copies above `copyThreshold` go part by part (1 MiB parts). */
function tuned(copyThreshold: number, workDir: string): Storager {
  const credentials = staticCredentials({ protocol: "hmac", accessKey: "stowage-ak", secretKey: "stowage-sk" }, undefined);
  const client = new CosClient(bucketAddress(BUCKET, undefined, { endpoint: parseEndpoint(`http:127.0.0.1:${emulator.port}`) }), credentials);
  const driver = new CosStorageDriver(client, BUCKET, "ap-guangzhou", true, { copyThreshold, copyPartSize: MiB });
  return createStorager(driver, { definition: cosService, config: { name: BUCKET, workDir }, pairs: mergePairs(cosService), defaults: {}, loose: false });
}

/** The four fields of `o`, and what of them `system` holds (nothing). */
function reported(o: ObjectInfo | undefined): unknown {
  const system = Object.keys(o?.system ?? {}).filter((k) => SYSTEM_NAMES.includes(k));
  return { cacheControl: o?.cacheControl, contentDisposition: o?.contentDisposition, contentEncoding: o?.contentEncoding, httpExpires: o?.httpExpires, system };
}
const EXPECTED = { ...HEADERS, system: [] };

describe("cos object headers", () => {
  it("turns the four features on", () => {
    expect(open().features).toMatchObject({ cacheControl: true, contentDisposition: true, contentEncoding: true, httpExpires: true });
  });

  it("PUT, Initiate and the APPEND at position 0 carry them; a later APPEND does not", () => {
    const body = { data: Buffer.from("x"), size: 1 };
    expect(putObject("k", body, HEADERS, false).headers).toMatchObject(WIRE);
    expect(initiateMultipart("k", HEADERS, false).headers).toMatchObject(WIRE);
    expect(appendObject("k", 0, body, HEADERS, false).headers).toMatchObject(WIRE);
    const later = appendObject("k", 5, body, HEADERS, false).headers;
    for (const name of Object.keys(WIRE)) expect([name, later[name]]).toEqual([name, undefined]);
  });

  it("a single PUT stores them; stat and read's onObject report them as top-level fields, not under system", async () => {
    const s = open();
    emulator.resetStats();
    await s.write("one.txt", "plain bytes", HEADERS);
    expect(emulator.stats().byOperation["PutObject"]).toBe(1);
    expect(reported(await s.stat("one.txt"))).toEqual(EXPECTED);
    let seen: ObjectInfo | undefined;
    const bytes = await s.read("one.txt", { onObject: (o) => (seen = o) });
    // A label only: the bytes are stored and read as given, never decoded.
    expect(bytes.toString()).toBe("plain bytes");
    expect(reported(seen)).toEqual(EXPECTED);
    // An object written without them reports none.
    await s.write("bare.txt", "x");
    expect(reported(await s.stat("bare.txt"))).toEqual({ cacheControl: undefined, contentDisposition: undefined, contentEncoding: undefined, httpExpires: undefined, system: [] });
  });

  it("a multipart write sends them with Initiate Multipart Upload: the completed object has them", async () => {
    const s = open();
    const data = randomBytes(2 * MiB + 512 * 1024);
    emulator.resetStats();
    await s.write("big.bin", data, { ...HEADERS, multipartThreshold: MiB, partSize: MiB });
    expect(emulator.stats().byOperation["InitiateMultipartUpload"]).toBe(1);
    expect(emulator.stats().byOperation["UploadPart"]).toBe(3);
    expect(reported(await s.stat("big.bin"))).toEqual(EXPECTED);
    expect((await s.read("big.bin")).equals(data)).toBe(true);
  });

  it("createMultipart stores them for the completed object", async () => {
    const s = open();
    const upload = await s.createMultipart("mp.bin", HEADERS);
    const part = await s.writeMultipart(upload, randomBytes(1000), { index: 0 });
    await s.completeMultipart(upload, [part]);
    expect(reported(await s.stat("mp.bin"))).toEqual(EXPECTED);
  });

  it("createAppend sends them with the APPEND that creates the object; later appends keep them", async () => {
    const s = open();
    const o = await s.createAppend("log.txt", HEADERS);
    await s.writeAppend(o, "first ");
    await s.writeAppend({ ...o, appendOffset: 6 }, "second");
    const stat = await s.stat("log.txt");
    expect(stat.mode).toBe("append");
    expect(reported(stat)).toEqual(EXPECTED);
    expect((await s.read("log.txt")).toString()).toBe("first second");
  });

  it("a presigned PUT signs them and returns them in headers; a client sending them stores them", async () => {
    const s = open();
    const put = await s.presign("write", "pre.txt", { expires: 600, ...HEADERS });
    expect(put.headers).toMatchObject(WIRE);
    const signed = decodeURIComponent(new URL(put.url).searchParams.get("q-header-list") ?? "").split(";");
    expect(signed).toEqual(expect.arrayContaining(["cache-control", "content-disposition", "content-encoding", "expires"]));
    const res = await fetch(put.url, { method: put.method, headers: put.headers, body: "presigned" });
    expect(res.status).toBe(200);
    expect(reported(await s.stat("pre.txt"))).toEqual(EXPECTED);
  });

  it("a presigned PUT whose client sends another Cache-Control (or none) is refused: nothing is stored", async () => {
    const s = open();
    const put = await s.presign("write", "forged.txt", { expires: 600, ...HEADERS });
    const other = await fetch(put.url, { method: put.method, headers: { ...put.headers, "cache-control": "no-store" }, body: "x" });
    expect(other.status).toBe(403);
    const { "cache-control": _dropped, ...without } = put.headers;
    const none = await fetch(put.url, { method: put.method, headers: without, body: "x" });
    expect(none.status).toBe(403);
    await expect(s.stat("forged.txt")).rejects.toMatchObject({ code: "ObjectNotExist" });
  });

  it("a presigned Initiate signs them: the upload completed from it has them", async () => {
    const s = open();
    const init = await s.presign("createMultipart", "pre-mp.bin", { expires: 600, ...HEADERS });
    expect(init.headers).toMatchObject(WIRE);
    const res = await fetch(init.url, { method: init.method, headers: init.headers });
    expect(res.status).toBe(200);
    const multipartId = /<UploadId>([^<]+)<\/UploadId>/.exec(await res.text())?.[1];
    expect(multipartId).toBeDefined();
    const upload: ObjectInfo = { path: "pre-mp.bin", mode: "part", multipartId: multipartId! };
    const part = await s.writeMultipart(upload, randomBytes(100), { index: 0 });
    await s.completeMultipart(upload, [part]);
    expect(reported(await s.stat("pre-mp.bin"))).toEqual(EXPECTED);
  });

  it("default_cache_control applies to writes and presigned writes, never to a presigned read or delete", async () => {
    const s = open("&default_cache_control=no-cache");
    await s.write("d.txt", "d");
    expect((await s.stat("d.txt")).cacheControl).toBe("no-cache");
    expect((await s.presign("write", "d2.txt", { expires: 600 })).headers["cache-control"]).toBe("no-cache");
    expect((await s.presign("createMultipart", "d3.txt", { expires: 600 })).headers["cache-control"]).toBe("no-cache");
    const read = await s.presign("read", "d.txt", { expires: 600 });
    expect(read.headers["cache-control"]).toBeUndefined();
    expect(decodeURIComponent(new URL(read.url).searchParams.get("q-header-list") ?? "")).not.toContain("cache-control");
    expect((await fetch(read.url, { headers: read.headers })).status).toBe(200);
    expect((await s.presign("delete", "d.txt", { expires: 600 })).headers["cache-control"]).toBeUndefined();
    // A call-site value wins over the default.
    await s.write("d4.txt", "d", { cacheControl: "max-age=5" });
    expect((await s.stat("d4.txt")).cacheControl).toBe("max-age=5");
  });

  it.each([
    ["PUT Object - Copy", Number.MAX_SAFE_INTEGER, "CopyObject"],
    ["a multipart copy", MiB, "UploadPartCopy"],
  ])("%s keeps them, and so does a move", async (_name, threshold, operation) => {
    const s = tuned(threshold, `/${randomUUID()}/`);
    const data = randomBytes(2 * MiB + 7);
    await s.write("src.bin", data, HEADERS);
    emulator.resetStats();
    await s.copy("src.bin", "copy.bin");
    expect(emulator.stats().byOperation[operation]).toBeGreaterThan(0);
    expect(reported(await s.stat("copy.bin"))).toEqual(EXPECTED);
    await s.move("copy.bin", "moved.bin");
    expect(reported(await s.stat("moved.bin"))).toEqual(EXPECTED);
    expect((await s.read("moved.bin")).equals(data)).toBe(true);
  });
});
