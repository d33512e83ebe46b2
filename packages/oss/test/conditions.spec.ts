import { randomBytes, randomUUID } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "@jest/globals";
import { createStorager, mergePairs, parseEndpoint, type Storager } from "@stowage/core";
import { startEmulator, type Emulator } from "@stowage/emulator";
import { bucketAddress } from "../src/addressing.js";
import { OssClient } from "../src/client.js";
import { staticCredentials } from "../src/credentials.js";
import { ossService } from "../src/index.js";
import type { OssCall } from "../src/requests.js";
import { OssStorageDriver } from "../src/storager.js";

const BUCKET = "conditions-oss";
const OTHER = '"0123456789ABCDEF0123456789ABCDEF"';
let emulator: Emulator;

beforeAll(async () => {
  emulator = await startEmulator({ provider: "oss", buckets: [BUCKET], credentials: [{ accessKey: "ak", secretKey: "sk" }] });
});

afterAll(async () => {
  await emulator.stop();
});

afterEach(() => emulator.setFaults([]));

/** A storager over a driver whose client records every call it sends. */
function recorded(version: "v1" | "v4" = "v1"): { store: Storager; calls: OssCall[] } {
  const credentials = staticCredentials({ protocol: "hmac", accessKey: "ak", secretKey: "sk" }, undefined);
  const address = bucketAddress(BUCKET, undefined, { endpoint: parseEndpoint(`http:127.0.0.1:${emulator.port}`) });
  const client = new OssClient(address, BUCKET, credentials, { version, region: "cn-hangzhou" }, { retry: { baseDelayMs: 1, maxDelayMs: 2 } });
  const calls: OssCall[] = [];
  const send = client.send.bind(client);
  const sendBuffered = client.sendBuffered.bind(client);
  client.send = (call, options) => (calls.push(call), send(call, options));
  client.sendBuffered = (call, options) => (calls.push(call), sendBuffered(call, options));
  const driver = new OssStorageDriver(client, BUCKET, "cn-hangzhou");
  const config = { name: BUCKET, workDir: `/${randomUUID()}/` };
  return { store: createStorager(driver, { definition: ossService, config, pairs: mergePairs(ossService), defaults: {}, loose: false }), calls };
}

const ofOperation = (calls: OssCall[], operation: string): OssCall[] => calls.filter((c) => c.operation === operation);

describe.each(["v1", "v4"] as const)("oss conditional stat and read on the emulator (%s)", (version) => {
  it("sends If-Match on every ranged GET of a concurrent read (its sizing HEAD goes without: the GETs decide)", async () => {
    const { store, calls } = recorded(version);
    const data = randomBytes(10_000);
    await store.write("big", data);
    const etag = (await store.stat("big")).etag!;
    calls.length = 0;
    // A lower-case ETag is the same ETag: it goes out upper-cased, as OSS writes them.
    const got = await store.read("big", { ifMatch: etag.toLowerCase(), readConcurrency: 3, readPartSize: 2000 });
    expect(got.equals(data)).toBe(true);
    expect(ofOperation(calls, "head_object").map((c) => c.headers["if-match"])).toEqual([undefined]);
    const gets = ofOperation(calls, "get_object");
    expect(gets).toHaveLength(5);
    for (const get of gets) expect(get.headers["if-match"]).toBe(etag);

    await expect(store.read("big", { ifMatch: OTHER, readConcurrency: 3, readPartSize: 2000 })).rejects.toMatchObject({ code: "Conflict", statusCode: 412 });
    await expect(store.read("big", { ifNoneMatch: etag, readConcurrency: 3, readPartSize: 2000 })).rejects.toMatchObject({ code: "Conflict", statusCode: 304 });
  });

  it("sends the conditions again on the GET that resumes a body cut short", async () => {
    const { store, calls } = recorded(version);
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

  it("answers a failed condition once: no retry, no GetSymlink", async () => {
    const { store, calls } = recorded(version);
    await store.write("once", "x");
    const etag = (await store.stat("once")).etag!;
    calls.length = 0;
    await expect(store.stat("once", { ifNoneMatch: "*" })).rejects.toMatchObject({ code: "Conflict", statusCode: 304, retryable: false });
    await expect(store.stat("once", { ifMatch: OTHER })).rejects.toMatchObject({ code: "Conflict", statusCode: 412, retryable: false });
    await expect(store.read("once", { ifMatch: OTHER })).rejects.toMatchObject({ code: "Conflict", statusCode: 412, retryable: false });
    await expect(store.read("once", { ifNoneMatch: etag })).rejects.toMatchObject({ code: "Conflict", statusCode: 304 });
    expect(calls.map((c) => c.operation)).toEqual(["head_object", "head_object", "get_object", "get_object"]);
  });

  it("a missing object is ObjectNotExist whatever the conditions; a directory's stat ignores them", async () => {
    const { store, calls } = recorded(version);
    await expect(store.stat("missing", { ifMatch: "*" })).rejects.toMatchObject({ code: "ObjectNotExist" });
    await expect(store.read("missing", { ifNoneMatch: OTHER })).rejects.toMatchObject({ code: "ObjectNotExist" });
    await store.createDir("marked/");
    await store.write("bare/file", "x");
    calls.length = 0;
    expect((await store.stat("marked/", { ifMatch: OTHER })).mode).toBe("dir");
    expect((await store.stat("bare/", { ifNoneMatch: "*" })).mode).toBe("dir");
    for (const head of ofOperation(calls, "head_object")) expect(head.headers).not.toHaveProperty("if-match");
  });

  it("through a symlink, the conditions are the target's, for stat and read alike", async () => {
    const { store, calls } = recorded(version);
    const data = randomBytes(500);
    await store.write("target", data);
    const etag = (await store.stat("target")).etag!;
    await store.createLink("link", "target");
    await store.createLink("dangling", "nowhere");

    const link = await store.stat("link", { ifMatch: etag });
    expect(link).toMatchObject({ mode: "link", linkTarget: expect.stringMatching(/target$/) });
    expect((await store.read("link", { ifMatch: etag })).equals(data)).toBe(true);
    calls.length = 0;
    await expect(store.stat("link", { ifMatch: OTHER })).rejects.toMatchObject({ code: "Conflict", statusCode: 412 });
    await expect(store.stat("link", { ifNoneMatch: etag })).rejects.toMatchObject({ code: "Conflict", statusCode: 304 });
    await expect(store.read("link", { ifNoneMatch: etag })).rejects.toMatchObject({ code: "Conflict", statusCode: 304 });
    expect(calls.map((c) => c.operation)).toEqual(["head_object", "head_object", "get_object"]);

    // A dangling link has no target to compare with: it is reported as a link.
    expect(await store.stat("dangling", { ifMatch: OTHER })).toMatchObject({ mode: "link" });
  });
});
