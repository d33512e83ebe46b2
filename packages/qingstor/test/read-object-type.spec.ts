import { randomBytes, randomUUID } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "@jest/globals";
import { newStorager, type Storager } from "@stowage/core";
import { startEmulator, type Emulator } from "@stowage/emulator";
import "../src/index.js";
import { startProxy, type Proxy } from "@stowage/behavior-tests";

const BUCKET = "read-object-type";
let emulator: Emulator;
let proxy: Proxy;
/** Reads through {@link proxy}, which drops `x-qs-object-type` from GET answers (QingStor documents it for HEAD only). */
let store: Storager;

beforeAll(async () => {
  emulator = await startEmulator({ provider: "qingstor", buckets: [BUCKET] });
  proxy = await startProxy(emulator.port, {
    rewrite: (req, headers) => {
      if (req.method === "GET") delete headers["x-qs-object-type"];
      return headers;
    },
  });
  const conn = emulator.connectionString(BUCKET, `/${randomUUID()}/`).replace(`:${emulator.port}`, `:${proxy.port}`);
  store = newStorager(`${conn}&max_retries=0`);
});
afterAll(async () => {
  await proxy.stop();
  await emulator.stop();
});
afterEach(() => emulator.setFaults([]));

describe("qingstor: whole reads when GET does not say the object type", () => {
  it("an appendable object (whose ETag is no MD5 of its bytes) reads whole", async () => {
    const path = `a/${randomUUID()}`;
    const w = await store.createAppend(path);
    await store.writeAppend(w, "line 1\n");
    await store.writeAppend(w, "line 2\n");
    expect((await store.stat(path)).mode).toBe("append");
    expect((await store.read(path)).toString()).toBe("line 1\nline 2\n");
    await store.delete(path);
  });

  it("a normal object reads whole with one GET and no HEAD (nothing holds a second connection); its MD5 is checked only when GET says the type", async () => {
    const path = `n/${randomUUID()}`;
    const data = randomBytes(512 * 1024);
    await store.write(path, data);
    emulator.resetStats();
    // One connection per host: a HEAD sent while the GET's body waits would never get one.
    const single = newStorager(`${emulator.connectionString(BUCKET, "/").replace(`:${emulator.port}`, `:${proxy.port}`)}&max_retries=0&max_connections=1`);
    const key = (await store.stat(path)).path;
    expect((await single.read(`${store.info.workDir}${key}`, { signal: AbortSignal.timeout(10_000) })).equals(data)).toBe(true);
    expect(emulator.stats().byOperation["HeadObject"] ?? 0).toBe(1); // the stat above
    // Read directly from the emulator (GET states the type): a flipped byte is caught.
    const direct = newStorager(`${emulator.connectionString(BUCKET, store.info.workDir)}&max_retries=0`);
    emulator.setFaults([{ kind: "flip-byte", operation: "GetObject", count: 1 }]);
    await expect(direct.read(path)).rejects.toMatchObject({ code: "IntegrityMismatch" });
    expect(emulator.faults().map((f) => f.fired)).toEqual([1]);
    await store.delete(path);
  });
});
