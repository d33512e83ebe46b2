import { createHash, randomBytes, randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "@jest/globals";
import { newStorager, type Part, type Storager } from "@stowage/core";
import { startEmulator, type Emulator } from "@stowage/emulator";
import "../src/index.js";
import { completeWhileUploadGoes, startProxy, type Proxy } from "@stowage/behavior-tests";

const BUCKET = "lost-answers";
const MiB = 1024 * 1024;
const TUNING = "&multipart_threshold=5MiB&part_size=4MiB&concurrency=2&retry_base_delay=1ms&retry_max_delay=5ms&max_retries=3";
let emulator: Emulator;
let proxy: Proxy;
/** Talks to the emulator directly. */
let store: Storager;
/** Talks to the emulator through {@link proxy}, which loses the answer of the first matching request. */
let lossy: Storager;
let lose: ((req: IncomingMessage) => boolean | Promise<boolean>) | undefined;

const sha = (b: Buffer): string => createHash("sha256").update(b).digest("hex");
const isComplete = (req: IncomingMessage): boolean => req.method === "POST" && /[?&]upload_id=/.test(req.url ?? "");

beforeAll(async () => {
  emulator = await startEmulator({ provider: "qingstor", buckets: [BUCKET] });
  proxy = await startProxy(emulator.port, {
    drop: async (req) => {
      const hook = lose;
      if (hook === undefined || !(await hook(req))) return false;
      lose = undefined;
      return true;
    },
  });
  const workDir = `/${randomUUID()}/`;
  store = newStorager(`${emulator.connectionString(BUCKET, workDir)}${TUNING}`);
  lossy = newStorager(`${emulator.connectionString(BUCKET, workDir).replace(`:${emulator.port}`, `:${proxy.port}`)}${TUNING}`);
});
afterAll(async () => {
  await proxy.stop();
  await emulator.stop();
});
afterEach(() => {
  lose = undefined;
  emulator.setFaults([]);
});

/** Two parts (4 MiB and the rest of `data`) of an upload at `path`, not completed. */
async function twoParts(path: string, data: Buffer): Promise<{ obj: Awaited<ReturnType<Storager["createMultipart"]>>; parts: Part[] }> {
  const obj = await store.createMultipart(path);
  const parts = [await store.writeMultipart(obj, data.subarray(0, 4 * MiB), { index: 0 }), await store.writeMultipart(obj, data.subarray(4 * MiB), { index: 1 })];
  return { obj, parts };
}

describe("qingstor: CompleteMultipartUpload whose answer is lost", () => {
  it("a write whose Complete was performed but whose answer was lost succeeds (the retry's upload_not_exists is checked against the object)", async () => {
    lose = isComplete;
    const data = randomBytes(9 * MiB + 5);
    const path = `w/${randomUUID()}`;
    const before = proxy.seen.length;
    const result = await lossy.write(path, data);
    expect(lose).toBeUndefined();
    expect(proxy.seen.slice(before).filter((line) => line.startsWith("POST") && line.includes("upload_id="))).toHaveLength(2);
    expect(result.parts).toBe(3);
    expect(result.etag).toMatch(/^"[0-9a-f]{32}-3"$/);
    expect((await store.stat(path)).etag).toBe(result.etag);
    expect(sha(await store.read(path))).toBe(sha(data));
    await store.delete(path);
  });

  it("a retried Complete whose upload is gone keeps ObjectNotExist when there is no object, or another object", async () => {
    const data = randomBytes(5 * MiB);
    const path = `g/${randomUUID()}`;
    for (const before of [undefined, randomBytes(1000)]) {
      if (before !== undefined) await store.write(path, before);
      const { obj, parts } = await twoParts(path, data);
      await completeWhileUploadGoes(emulator, store, obj, parts);
      if (before === undefined) await expect(store.stat(path)).rejects.toMatchObject({ code: "ObjectNotExist" });
      else expect(sha(await store.read(path))).toBe(sha(before));
    }
    await store.delete(path);
  });

  it("an upload_not_exists on the first attempt is not reinterpreted, even when the object is the parts'", async () => {
    const data = randomBytes(5 * MiB);
    const path = `f/${randomUUID()}`;
    const { obj, parts } = await twoParts(path, data);
    await store.completeMultipart(obj, parts);
    await expect(store.completeMultipart(obj, parts)).rejects.toMatchObject({ code: "ObjectNotExist", statusCode: 404 });
    await store.delete(path);
  });
});

describe("qingstor: a move whose answer is lost", () => {
  it("succeeds when the retry finds no source and the destination is the source", async () => {
    const src = `m/${randomUUID()}`;
    const dst = `m/${randomUUID()}`;
    await store.write(src, "moved once");
    // reset: the emulator performs the move (it has no request body), then resets the connection.
    emulator.setFaults([{ kind: "reset", operation: "MoveObject", count: 1 }]);
    emulator.resetStats();
    await store.move(src, dst);
    expect(emulator.faults().map((f) => f.fired)).toEqual([1]);
    expect(emulator.stats().byOperation["MoveObject"]).toBe(2);
    emulator.setFaults([]);
    await expect(store.stat(src)).rejects.toMatchObject({ code: "ObjectNotExist" });
    expect((await store.read(dst)).toString()).toBe("moved once");
    await store.delete(dst);
  });

  it("through a proxy that loses the answer too", async () => {
    const src = `p/${randomUUID()}`;
    const dst = `p/${randomUUID()}`;
    await store.write(src, "moved");
    lose = (req) => req.method === "PUT" && req.headers["x-qs-move-source"] !== undefined;
    await lossy.move(src, dst);
    expect(lose).toBeUndefined();
    expect((await store.read(dst)).toString()).toBe("moved");
    await store.delete(dst);
  });

  it("a retried move keeps ObjectNotExist when the destination is not the source", async () => {
    const src = `n/${randomUUID()}`;
    const dst = `n/${randomUUID()}`;
    await store.write(src, "source bytes");
    // The move is performed and its answer lost; before the retry, the destination is replaced.
    lose = async (req) => {
      if (req.method !== "PUT" || req.headers["x-qs-move-source"] === undefined) return false;
      await store.write(dst, "something else");
      return true;
    };
    await expect(lossy.move(src, dst)).rejects.toMatchObject({ code: "ObjectNotExist", statusCode: 404 });
    expect(lose).toBeUndefined();
    expect((await store.read(dst)).toString()).toBe("something else");
    await store.delete(dst);
  });

  it("a move of a missing source is ObjectNotExist", async () => {
    await expect(store.move(`x/${randomUUID()}`, `x/${randomUUID()}`)).rejects.toMatchObject({ code: "ObjectNotExist" });
  });
});
