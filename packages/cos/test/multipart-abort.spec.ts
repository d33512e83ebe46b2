import { randomBytes, randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "@jest/globals";
import { createStorager, mergePairs, newStorager, parseEndpoint, UPLOAD_CLEANUP_TIMEOUT_MS, type Storager } from "@stowage/core";
import { startProxy, type Proxy } from "@stowage/behavior-tests";
import { startEmulator, type Emulator } from "@stowage/emulator";
import { bucketAddress } from "../src/addressing.js";
import { CosClient } from "../src/client.js";
import { staticCredentials } from "../src/credentials.js";
import { cosService } from "../src/index.js";
import { CosStorageDriver } from "../src/storager.js";

// Aborts of multipart uploads the service may not answer: a multipart copy aborted while its
// Initiate is in flight aborts the upload the service created, and the abort of a failed upload
// (write or copy) is bounded by UPLOAD_CLEANUP_TIMEOUT_MS whatever request_timeout and max_retries
// say, the error then naming the upload left behind.

const BUCKET = "multipart-abort-1250000000";
const MiB = 1024 * 1024;
/** A request timeout no test may wait for: a call that settles did not wait for it. */
const LONG_TIMEOUT_MS = 600_000;
let emulator: Emulator;
let proxy: Proxy;
/** Run once the answer to a request it matches has arrived, before the proxy passes it on (the request is performed). */
let onAnswer: { match: (req: IncomingMessage) => boolean; run: () => Promise<void> } | undefined;

beforeAll(async () => {
  emulator = await startEmulator({ provider: "cos", buckets: [BUCKET], credentials: { accessKey: "AK", secretKey: "SK" } });
  proxy = await startProxy(emulator.port, {
    drop: async (req) => {
      const hook = onAnswer;
      if (hook !== undefined && hook.match(req)) {
        onAnswer = undefined;
        await hook.run();
      }
      return false;
    },
  });
});

afterAll(async () => {
  await proxy.stop();
  await emulator.stop();
});

afterEach(() => {
  onAnswer = undefined;
  emulator.setFaults([]);
});

/**
 * A storager through the proxy (copies above 1 MiB in 1 MiB parts; 3 retries of a 10 min request
 * timeout) and one straight to the emulator, on the same work dir.
 */
function stores(): { store: Storager; direct: Storager } {
  const workDir = `/${randomUUID()}/`;
  const credentials = staticCredentials({ protocol: "hmac", accessKey: "AK", secretKey: "SK" }, undefined);
  const client = new CosClient(bucketAddress(BUCKET, undefined, { endpoint: parseEndpoint(`http:127.0.0.1:${proxy.port}`) }), credentials, {
    retry: { maxRetries: 3, baseDelayMs: 1, maxDelayMs: 2 },
    timeoutMs: LONG_TIMEOUT_MS,
  });
  const driver = new CosStorageDriver(client, BUCKET, "ap-guangzhou", true, { copyThreshold: MiB, copyPartSize: MiB });
  const store = createStorager(driver, { definition: cosService, config: { name: BUCKET, workDir }, pairs: mergePairs(cosService), defaults: {}, loose: false });
  const direct = newStorager(emulator.connectionString(BUCKET, workDir));
  return { store, direct };
}

const isInitiate = (req: IncomingMessage): boolean => req.method === "POST" && /[?&]uploads(=|&|$)/.test(req.url ?? "");
const isPartCopy = (req: IncomingMessage): boolean => req.method === "PUT" && req.headers["x-cos-copy-source"] !== undefined && (req.url ?? "").includes("partNumber");
const isAbort = (entry: string): boolean => entry.startsWith("DELETE ") && entry.includes("uploadId=");

async function uploadsLeft(direct: Storager): Promise<Array<{ path: string; multipartId: string }>> {
  const page = await direct.listPage("", { mode: "part", limit: 100 });
  return page.items.map((o) => ({ path: o.path, multipartId: o.multipartId! }));
}

describe("cos multipart copy: an abort while Initiate is in flight", () => {
  it("waits for the upload's id and aborts it: Aborted, no upload left, nothing copied", async () => {
    const { store, direct } = stores();
    await direct.write("src", randomBytes(2 * MiB + 5));
    const controller = new AbortController();
    // The service has created the upload; its answer is on its way when the caller aborts.
    onAnswer = { match: isInitiate, run: async () => controller.abort() };
    const seenBefore = proxy.seen.length;
    await expect(store.copy("src", "dst", { signal: controller.signal })).rejects.toMatchObject({ name: "StorageError", code: "Aborted" });
    expect(onAnswer).toBeUndefined();
    expect(proxy.seen.slice(seenBefore).filter(isAbort)).toHaveLength(1);
    expect(await uploadsLeft(direct)).toEqual([]);
    await expect(direct.stat("dst")).rejects.toMatchObject({ code: "ObjectNotExist" });
  });
});

describe("cos: the abort of a failed multipart upload is bounded", () => {
  it(
    "a copy aborted during its ranges, whose AbortMultipartUpload gets no answer, settles Aborted and names the upload",
    async () => {
      const { store, direct } = stores();
      await direct.write("src", randomBytes(2 * MiB + 5));
      emulator.setFaults([{ operation: "AbortMultipartUpload", kind: "delay", ms: LONG_TIMEOUT_MS }]);
      const controller = new AbortController();
      onAnswer = { match: isPartCopy, run: async () => controller.abort() };
      const e = (await store.copy("src", "dst", { signal: controller.signal }).catch((x: unknown) => x)) as Error & { code?: string };
      expect(e.code).toBe("Aborted");
      emulator.setFaults([]);
      const left = await uploadsLeft(direct);
      expect(left.map((u) => u.path)).toEqual(["dst"]);
      expect(e.message).toContain(`multipart upload "${left[0]!.multipartId}" of key "`);
      expect(e.message).toContain(`dst" may be left on the service (AbortMultipartUpload got no answer within ${UPLOAD_CLEANUP_TIMEOUT_MS / 1000} s)`);
      await direct.delete("dst", { multipartId: left[0]!.multipartId });
    },
    UPLOAD_CLEANUP_TIMEOUT_MS + 20_000,
  );

  it(
    "a multipart write aborted during its parts, whose AbortMultipartUpload gets no answer, settles Aborted and names the upload",
    async () => {
      const { store, direct } = stores();
      emulator.setFaults([{ operation: "AbortMultipartUpload", kind: "delay", ms: LONG_TIMEOUT_MS }]);
      const controller = new AbortController();
      onAnswer = { match: (req) => req.method === "PUT" && (req.url ?? "").includes("partNumber"), run: async () => controller.abort() };
      const e = (await store.write("big", randomBytes(3 * MiB), { signal: controller.signal, multipartThreshold: MiB, partSize: MiB, concurrency: 1 }).catch((x: unknown) => x)) as Error & {
        code?: string;
      };
      expect(e.code).toBe("Aborted");
      emulator.setFaults([]);
      const left = await uploadsLeft(direct);
      expect(left.map((u) => u.path)).toEqual(["big"]);
      expect(e.message).toContain(`multipart upload "${left[0]!.multipartId}" of key "`);
      expect(e.message).toContain(`big" may be left on the service (AbortMultipartUpload got no answer within ${UPLOAD_CLEANUP_TIMEOUT_MS / 1000} s)`);
      await direct.delete("big", { multipartId: left[0]!.multipartId });
    },
    UPLOAD_CLEANUP_TIMEOUT_MS + 20_000,
  );
});

describe("cos: the delete of an object stored wrong is bounded", () => {
  it(
    "a write whose stored CRC-64 is wrong, and whose DeleteObject gets no answer, settles IntegrityMismatch",
    async () => {
      const { store } = stores();
      emulator.setFaults([
        { operation: "PutObject", kind: "wrong-crc64", count: 1 },
        { operation: "DeleteObject", kind: "delay", ms: LONG_TIMEOUT_MS },
      ]);
      await expect(store.write("wrong", randomBytes(1000))).rejects.toMatchObject({ code: "IntegrityMismatch" });
      emulator.setFaults([]);
    },
    UPLOAD_CLEANUP_TIMEOUT_MS + 20_000,
  );
});
