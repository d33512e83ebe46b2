import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { createStorager, mergePairs, parseEndpoint, type Storager } from "@stowage/core";
import { startProxy, type Proxy } from "@stowage/behavior-tests";
import { startEmulator, type Emulator } from "@stowage/emulator";
import { zoneAddress } from "../src/addressing.js";
import { QingStorClient } from "../src/client.js";
import { qingstorService } from "../src/index.js";
import { QingStorStorageDriver } from "../src/storager.js";

// A copy whose answer carries an MD5 ETag other than the source's fails with IntegrityMismatch and
// is removed, unless it was made onto the object whose bytes it copied (its own key, or a virtual
// link's target onto that target): that object is the only copy and is kept. The emulator's copy
// answer has no ETag; a proxy adds a wrong one, as a QingStor-compatible service answering one would.

const BUCKET = "copy-in-place-kept";
const CREDS = { accessKeyId: "stowage-ak", secretAccessKey: "stowage-sk" };
const WRONG = '"0123456789abcdef0123456789abcdef"';
let emulator: Emulator;
let proxy: Proxy;

beforeAll(async () => {
  emulator = await startEmulator({ provider: "qingstor", buckets: [BUCKET] });
  proxy = await startProxy(emulator.port, {
    rewrite: (req, headers) => (req.method === "PUT" && req.headers["x-qs-copy-source"] !== undefined ? { ...headers, etag: WRONG } : headers),
  });
});
afterAll(async () => {
  await proxy.stop();
  await emulator.stop();
});

/** A storager through the proxy (virtual links on) under a fresh work dir. */
function store(): Storager {
  const client = new QingStorClient(zoneAddress("pek3a", parseEndpoint(`http:127.0.0.1:${proxy.port}`)), BUCKET, CREDS, { retry: { maxRetries: 0 } });
  const driver = new QingStorStorageDriver(client, BUCKET, "pek3a", true, {}, true);
  return createStorager(driver, { definition: qingstorService, config: { name: BUCKET, workDir: `/${randomUUID()}/` }, pairs: mergePairs(qingstorService), defaults: {}, loose: false });
}

describe("qingstor copy whose answer contradicts the source's MD5", () => {
  it("in place (onto its own key): IntegrityMismatch, the object kept with its bytes", async () => {
    const s = store();
    await s.write("only", "precious bytes", { contentType: "text/plain" });
    const copy = s.copy("only", "only", { contentType: "text/markdown" });
    await expect(copy).rejects.toMatchObject({ code: "IntegrityMismatch" });
    await expect(copy).rejects.toThrow(/not removed/);
    expect((await s.read("only")).toString()).toBe("precious bytes");
  });

  it("a link copied onto its own target: IntegrityMismatch, the target and the link kept", async () => {
    const s = store();
    await s.write("target", "linked bytes");
    await s.createLink("link", "target");
    await expect(s.copy("link", "target", { contentType: "text/x-new" })).rejects.toMatchObject({ code: "IntegrityMismatch" });
    expect((await s.read("target")).toString()).toBe("linked bytes");
    expect((await s.stat("link")).mode).toBe("link");
  });

  it("onto another key: IntegrityMismatch, the copy removed and the source kept", async () => {
    const s = store();
    await s.write("src", "source bytes");
    await expect(s.copy("src", "dst", { contentType: "text/x-new" })).rejects.toMatchObject({ code: "IntegrityMismatch" });
    await expect(s.stat("dst")).rejects.toMatchObject({ code: "ObjectNotExist" });
    expect((await s.read("src")).toString()).toBe("source bytes");
  });
});
