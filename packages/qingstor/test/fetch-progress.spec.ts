import { randomBytes, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { createStorager, mergePairs, newStorager, parseEndpoint, type Progress, type Storager } from "@stowage/core";
import { startAnswerProxy, type AnswerProxy } from "@stowage/behavior-tests";
import { startEmulator, type Emulator } from "@stowage/emulator";
import { zoneAddress } from "../src/addressing.js";
import { QingStorClient } from "../src/client.js";
import { qingstorService } from "../src/index.js";
import { QingStorStorageDriver } from "../src/storager.js";
import { useFetchSource } from "./fetch-source.js";

// A QingStor fetch reports its size once done: the answer carries none, so a HEAD tells it, and
// only when there is a listener; a HEAD that fails or finds another object leaves the event out.

const BUCKET = "fetch-progress";
const DATA = randomBytes(3000);
let emulator: Emulator;
let proxy: AnswerProxy;
let url: string;

const source = useFetchSource((_req, res) => {
  res.writeHead(200, { "content-length": String(DATA.length) });
  res.end(DATA);
});

beforeAll(async () => {
  emulator = await startEmulator({ provider: "qingstor", buckets: [BUCKET], credentials: { accessKey: "AK", secretKey: "SK" } });
  proxy = await startAnswerProxy(emulator.port);
  url = `${source.base}/object.bin`;
});

afterAll(async () => {
  await proxy.stop();
  await emulator.stop();
});

/** The driver through the proxy (no retries: a 503 fails at once) and a storager straight to the emulator, on one fresh work dir. */
function pair(): { store: Storager; direct: Storager } {
  const workDir = `/${randomUUID()}/`;
  const client = new QingStorClient(zoneAddress("pek3a", parseEndpoint(`http:127.0.0.1:${proxy.port}`)), BUCKET, { accessKeyId: "AK", secretAccessKey: "SK" }, { retry: { maxRetries: 0 } });
  const driver = new QingStorStorageDriver(client, BUCKET, "pek3a", true);
  const store = createStorager(driver, { definition: qingstorService, config: { name: BUCKET, workDir }, pairs: mergePairs(qingstorService), defaults: {}, loose: false });
  return { store, direct: newStorager(emulator.connectionString(BUCKET, workDir)) };
}

/** The requests the proxy saw while `work` ran, as "METHOD /path?query". */
async function requestsDuring(work: () => Promise<unknown>): Promise<string[]> {
  const before = proxy.seen.length;
  await work();
  return proxy.seen.slice(before);
}

describe("qingstor fetch: onProgress", () => {
  it("without a listener: the fetch only (no HEAD)", async () => {
    const { store, direct } = pair();
    const sent = await requestsDuring(() => store.fetch("got", url));
    expect(sent.map((r) => r.split(" ")[0])).toEqual(["PUT"]);
    expect((await direct.read("got")).equals(DATA)).toBe(true);
    await direct.delete("got");
  });

  it("with a listener: one HEAD after the fetch, and one event { size, size }", async () => {
    const { store, direct } = pair();
    const events: Progress[] = [];
    const sent = await requestsDuring(() => store.fetch("got", url, { onProgress: (p) => events.push({ ...p }) }));
    expect(sent.map((r) => r.split(" ")[0])).toEqual(["PUT", "HEAD"]);
    expect(events).toEqual([{ bytes: DATA.length, total: DATA.length }]);
    await direct.delete("got");
  });

  it("a HEAD that fails leaves the event out; the fetch still resolves", async () => {
    const { store, direct } = pair();
    const events: Progress[] = [];
    emulator.setFaults([{ kind: "status", status: 503, operation: "HeadObject", count: 1 }]);
    try {
      await store.fetch("got", url, { onProgress: (p) => events.push({ ...p }) });
      expect(emulator.faults().map((f) => f.fired)).toEqual([1]);
    } finally {
      emulator.setFaults([]);
    }
    expect(events).toEqual([]);
    expect((await direct.read("got")).equals(DATA)).toBe(true);
    await direct.delete("got");
  });

  it("an object overwritten between the fetch and the HEAD (another ETag) is not reported", async () => {
    const { store, direct } = pair();
    const events: Progress[] = [];
    proxy.hook = { match: (req) => req.method === "PUT" && req.headers["x-qs-fetch-source"] !== undefined, run: async () => void (await direct.write("got", "other bytes")) };
    await store.fetch("got", url, { onProgress: (p) => events.push({ ...p }) });
    expect(proxy.hook).toBeUndefined();
    expect(events).toEqual([]);
    await direct.delete("got");
  });

  it("a listener that throws fails the fetch with its error; the object is fetched", async () => {
    const { store, direct } = pair();
    const e = (await store
      .fetch("got", url, {
        onProgress: () => {
          throw new Error("listener refuses");
        },
      })
      .catch((x: unknown) => x)) as Error & { code?: string };
    expect(e.code).toBe("Unexpected");
    expect(e.message).toContain("listener refuses");
    expect((await direct.read("got")).equals(DATA)).toBe(true);
    await direct.delete("got");
  });
});
