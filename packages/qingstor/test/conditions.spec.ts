import { randomBytes, randomUUID } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "@jest/globals";
import { createStorager, mergePairs, parseEndpoint, type Storager } from "@stowage/core";
import { startEmulator, type Emulator } from "@stowage/emulator";
import { zoneAddress } from "../src/addressing.js";
import { QingStorClient } from "../src/client.js";
import { qingstorService } from "../src/index.js";
import type { QsCall } from "../src/requests.js";
import { QingStorStorageDriver } from "../src/storager.js";

const BUCKET = "conditions-bucket";
const CREDS = { accessKeyId: "stowage-ak", secretAccessKey: "stowage-sk" };
const OTHER = '"0123456789abcdef0123456789abcdef"';
let emulator: Emulator;

beforeAll(async () => {
  emulator = await startEmulator({ provider: "qingstor", buckets: [BUCKET] });
});

afterAll(async () => {
  await emulator.stop();
});

afterEach(() => emulator.setFaults([]));

/** A storager over a driver (virtual links on or off) whose client records every call it sends. */
function recorded(links = false): { store: Storager; calls: QsCall[] } {
  const client = new QingStorClient(zoneAddress("pek3a", parseEndpoint(`http:127.0.0.1:${emulator.port}`)), BUCKET, CREDS, {
    retry: { baseDelayMs: 1, maxDelayMs: 2 },
  });
  const calls: QsCall[] = [];
  const send = client.send.bind(client);
  const sendBuffered = client.sendBuffered.bind(client);
  client.send = (call, options) => (calls.push(call), send(call, options));
  client.sendBuffered = (call, options) => (calls.push(call), sendBuffered(call, options));
  const driver = new QingStorStorageDriver(client, BUCKET, "pek3a", true, {}, links);
  const config = { name: BUCKET, workDir: `/${randomUUID()}/` };
  return { store: createStorager(driver, { definition: qingstorService, config, pairs: mergePairs(qingstorService), defaults: {}, loose: false }), calls };
}

const ofOperation = (calls: QsCall[], operation: string): QsCall[] => calls.filter((c) => c.operation === operation);

describe("qingstor conditional stat and read on the emulator", () => {
  it("an ETag another client stored at Complete, in upper case, goes as stat reported it: if_match holds, if_none_match is 304", async () => {
    const { store, calls } = recorded();
    const data = randomBytes(3000);
    const upload = await store.createMultipart("foreign");
    const part = await store.writeMultipart(upload, data, { index: 0 });
    // Another client's Complete, storing an ETag of its own (QingStor computes none for a merged object).
    const complete = await store.presign("completeMultipart", "foreign", { expires: 60, multipartId: upload.multipartId!, parts: [part] });
    const res = await fetch(complete.url, { method: complete.method, headers: { ...complete.headers, etag: '"9B2D7A0C1E5F-1"' }, body: complete.body! });
    expect(res.status).toBe(201);
    const etag = (await store.stat("foreign")).etag!;
    expect(etag).toBe('"9B2D7A0C1E5F-1"');
    calls.length = 0;
    expect((await store.stat("foreign", { ifMatch: etag })).etag).toBe(etag);
    expect((await store.read("foreign", { ifMatch: etag })).equals(data)).toBe(true);
    await expect(store.stat("foreign", { ifNoneMatch: etag })).rejects.toMatchObject({ code: "Conflict", statusCode: 304 });
    await expect(store.read("foreign", { ifNoneMatch: `W/${etag}` })).rejects.toMatchObject({ code: "Conflict", statusCode: 304 });
    // As stat reported it first (then in lower case, as QingStor computes ETags).
    const sent = calls.flatMap((c) => [c.headers["if-match"], c.headers["if-none-match"]]).filter((v) => v !== undefined);
    expect(new Set(sent)).toEqual(new Set([`${etag}, ${etag.toLowerCase()}`]));
    // QingStor compares the strings: given in lower case, it names an ETag the object does not have.
    await expect(store.stat("foreign", { ifMatch: etag.toLowerCase() })).rejects.toMatchObject({ code: "Conflict", statusCode: 412 });
  });

  it("sends If-Match on every ranged GET of a concurrent read (its sizing HEAD goes without: the GETs decide)", async () => {
    const { store, calls } = recorded();
    const data = randomBytes(10_000);
    await store.write("big", data);
    const etag = (await store.stat("big")).etag!;
    calls.length = 0;
    // A part of the object goes in ranges; a whole read stays one stream (no CRC-64 to check ranges by).
    // Given in upper case, the ETag goes as given and in lower case, as QingStor computed it.
    const got = await store.read("big", { ifMatch: etag.toUpperCase(), readConcurrency: 3, readPartSize: 2000, offset: 1, size: 9_998 });
    expect(got.equals(data.subarray(1, 9_999))).toBe(true);
    expect(ofOperation(calls, "head_object").map((c) => c.headers["if-match"])).toEqual([undefined]);
    const gets = ofOperation(calls, "get_object");
    expect(gets).toHaveLength(5);
    for (const get of gets) expect(get.headers["if-match"]).toBe(`${etag.toUpperCase()}, ${etag}`);
    calls.length = 0;
    expect((await store.read("big", { ifMatch: etag, readConcurrency: 3, readPartSize: 2000 })).equals(data)).toBe(true);
    expect(ofOperation(calls, "get_object")).toHaveLength(1);

    await expect(store.read("big", { ifMatch: OTHER, readConcurrency: 3, readPartSize: 2000 })).rejects.toMatchObject({ code: "Conflict", statusCode: 412 });
    await expect(store.read("big", { ifNoneMatch: etag, readConcurrency: 3, readPartSize: 2000 })).rejects.toMatchObject({ code: "Conflict", statusCode: 304 });
  });

  it("sends the conditions again on the GET that resumes a body cut short", async () => {
    const { store, calls } = recorded();
    const data = randomBytes(4000);
    await store.write("cut", data);
    const etag = (await store.stat("cut")).etag!;
    emulator.setFaults([{ kind: "truncate", operation: "GetObject", afterBytes: 1000, count: 1 }]);
    calls.length = 0;
    const got = await store.read("cut", { ifMatch: etag, ifNoneMatch: OTHER });
    expect(got.equals(data)).toBe(true);
    expect(emulator.faults()[0]!.fired).toBe(1);
    const gets = ofOperation(calls, "get_object");
    expect(gets.length).toBeGreaterThanOrEqual(2);
    for (const get of gets) expect(get.headers).toMatchObject({ "if-match": etag, "if-none-match": OTHER });
    expect(gets[1]!.headers["range"]).toBe("bytes=1000-3999");
  });

  it("answers a failed condition once, without retries; with virtual links a failed GET costs one HEAD more", async () => {
    for (const links of [false, true]) {
      const { store, calls } = recorded(links);
      await store.write("once", "x");
      const etag = (await store.stat("once")).etag!;
      calls.length = 0;
      await expect(store.stat("once", { ifNoneMatch: "*" })).rejects.toMatchObject({ code: "Conflict", statusCode: 304, retryable: false });
      await expect(store.read("once", { ifMatch: OTHER })).rejects.toMatchObject({ code: "Conflict", statusCode: 412, retryable: false });
      await expect(store.read("once", { ifNoneMatch: etag })).rejects.toMatchObject({ code: "Conflict", statusCode: 304 });
      const heads = links ? ["head_object"] : [];
      expect(calls.map((c) => c.operation)).toEqual(["head_object", "get_object", ...heads, "get_object", ...heads]);
      for (const head of calls.slice(1).filter((c) => c.method === "HEAD")) expect(head.headers).not.toHaveProperty("if-match");
    }
  });

  it("a missing object is ObjectNotExist whatever the conditions; a directory's stat ignores them", async () => {
    const { store, calls } = recorded();
    await expect(store.stat("missing", { ifMatch: "*" })).rejects.toMatchObject({ code: "ObjectNotExist" });
    await expect(store.read("missing", { ifNoneMatch: OTHER })).rejects.toMatchObject({ code: "ObjectNotExist" });
    await store.createDir("marked/");
    await store.write("bare/file", "x");
    calls.length = 0;
    expect((await store.stat("marked/", { ifMatch: OTHER })).mode).toBe("dir");
    expect((await store.stat("bare/", { ifNoneMatch: "*" })).mode).toBe("dir");
    for (const head of ofOperation(calls, "head_object")) expect(head.headers).not.toHaveProperty("if-match");
  });
});

describe("qingstor conditions through virtual links", () => {
  it("a read compares the target's ETag (what it reads); a stat the link's own (what it reports)", async () => {
    const { store, calls } = recorded(true);
    const data = randomBytes(500);
    await store.write("target", data);
    const etag = (await store.stat("target")).etag!;
    await store.createLink("link", "target");
    const link = await store.stat("link");
    expect(link.mode).toBe("link");
    expect(link.etag).not.toBe(etag);

    // The link's GET fails If-Match for the link's own ETag: a HEAD without it finds the link, the target's GET decides.
    calls.length = 0;
    expect((await store.read("link", { ifMatch: etag })).equals(data)).toBe(true);
    expect(calls.map((c) => `${c.operation} ${c.key!.split("/").pop()}`)).toEqual(["get_object link", "head_object link", "get_object target"]);
    expect(calls[1]!.headers).not.toHaveProperty("if-match");
    expect(calls[2]!.headers["if-match"]).toBe(etag);
    expect((await store.read("link", { ifMatch: etag, offset: 10, size: 20 })).equals(data.subarray(10, 30))).toBe(true);
    expect((await store.read("link", { ifNoneMatch: link.etag! })).equals(data)).toBe(true);
    expect((await store.read("link", { ifMatch: "*" })).equals(data)).toBe(true);

    await expect(store.read("link", { ifMatch: OTHER })).rejects.toMatchObject({ code: "Conflict", statusCode: 412 });
    await expect(store.read("link", { ifNoneMatch: etag })).rejects.toMatchObject({ code: "Conflict", statusCode: 304 });
    await expect(store.read("link", { ifNoneMatch: "*" })).rejects.toMatchObject({ code: "Conflict", statusCode: 304 });
    await expect(store.read("link", { ifMatch: etag, offset: 10, size: 20, ifNoneMatch: etag })).rejects.toMatchObject({ code: "Conflict", statusCode: 304 });

    expect(await store.stat("link", { ifMatch: link.etag! })).toMatchObject({ mode: "link" });
    await expect(store.stat("link", { ifMatch: etag })).rejects.toMatchObject({ code: "Conflict", statusCode: 412 });
  });

  it("a link whose target is gone is ObjectNotExist naming the target", async () => {
    const { store } = recorded(true);
    await store.createLink("dangling", "nowhere");
    await expect(store.read("dangling", { ifMatch: OTHER })).rejects.toMatchObject({ code: "ObjectNotExist", message: expect.stringContaining("nowhere") });
  });
});
