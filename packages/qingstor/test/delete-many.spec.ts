import { randomUUID } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { checkRootDeletes } from "@stowage/behavior-tests";
import { getService, newStorager, resolveOpenConfig, type ObjectInfo, type StorageError, type Storager } from "@stowage/core";
import { startEmulator, type Emulator } from "@stowage/emulator";
import "../src/index.js";
import { parseDeleteErrors } from "../src/responses.js";

const BUCKET = "delete-many";
const ROOT_BUCKET = "delete-root";
let emulator: Emulator;
let store: Storager;

beforeAll(async () => {
  emulator = await startEmulator({ provider: "qingstor", buckets: [BUCKET, ROOT_BUCKET] });
  store = newStorager(`${emulator.connectionString(BUCKET, `/${randomUUID()}/`)}&retry_base_delay=1ms&retry_max_delay=5ms&max_retries=2`);
});
afterAll(async () => {
  await emulator.stop();
});

async function names(): Promise<string[]> {
  const out: string[] = [];
  for await (const o of store.list("", { mode: "prefix" }) as AsyncIterable<ObjectInfo>) out.push(o.path);
  return out.sort();
}

/** Delete requests of any kind the emulator got. */
function deletesSent(): number {
  const ops = emulator.stats().byOperation;
  return (ops["DeleteBucket"] ?? 0) + (ops["DeleteObject"] ?? 0) + (ops["DeleteObjects"] ?? 0);
}

/** A server that answers every request 200 with `body` (JSON), recording the methods; a storager on it. */
async function scripted(body: string): Promise<{ store: Storager; methods: string[]; stop(): Promise<void> }> {
  const methods: string[] = [];
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      methods.push(req.method ?? "");
      res.writeHead(200, { "content-type": "application/json", "x-qs-request-id": "rid" });
      res.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    store: newStorager(`qingstor://scripted/?credential=hmac:AK:SK&endpoint=http:127.0.0.1:${port}&location=pek3b&max_retries=0`),
    methods,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe("qingstor deletes never reach the bucket itself", () => {
  it("the driver itself refuses the empty key (the bucket's root): delete and deleteMany are InvalidArgument, nothing sent", async () => {
    const definition = getService("qingstor")!;
    const resolved = resolveOpenConfig(definition, emulator.connectionString(ROOT_BUCKET, "/"), "storager");
    const driver = definition.newStorageDriver(resolved.config, resolved.defaults);
    const before = deletesSent();
    await expect(driver.delete("", {})).rejects.toMatchObject({ code: "InvalidArgument" });
    await expect(driver.deleteMany!(["a", ""], {})).rejects.toMatchObject({ code: "InvalidArgument", message: expect.stringContaining("key 1") });
    expect(deletesSent()).toBe(before);
  });

  it('delete("" | "/", mode dir) at the bucket root is InvalidArgument and sends nothing; the bucket stays', async () => {
    await checkRootDeletes(newStorager(emulator.connectionString(ROOT_BUCKET, "/")), deletesSent);
    expect(emulator.stats().byOperation["DeleteBucket"]).toBeUndefined();
  });
});

describe("qingstor batch delete answers", () => {
  it("a 200 carrying an error document is a retryable ServiceInternal naming every path as failed; nothing was deleted", async () => {
    await store.write("a", "x");
    await store.write("b", "x");
    emulator.setFaults([{ kind: "error-200", operation: "DeleteObjects" }]);
    try {
      const e = (await store.deleteMany(["a", "b"]).catch((err: unknown) => err)) as StorageError;
      expect(e).toMatchObject({ code: "ServiceInternal", retryable: true, statusCode: 200 });
      expect(e.detail).toContain("internal_server_error");
      expect(e.batch).toEqual({ failed: [{ path: "a", code: "ServiceInternal" }, { path: "b", code: "ServiceInternal" }], deleted: [], notAttempted: [] });
      expect(emulator.faults()[0]).toMatchObject({ matched: 3, fired: 3 });
    } finally {
      emulator.setFaults([]);
    }
    expect(await names()).toEqual(["a", "b"]);
  });

  it("one such answer is retried, and the retry deletes everything", async () => {
    await store.write("a", "x");
    await store.write("b", "x");
    emulator.resetStats();
    emulator.setFaults([{ kind: "error-200", operation: "DeleteObjects", count: 1 }]);
    try {
      await store.deleteMany(["a", "b"]);
      expect(emulator.faults()[0]).toMatchObject({ fired: 1 });
      expect(emulator.stats().byOperation["DeleteObjects"]).toBe(2);
    } finally {
      emulator.setFaults([]);
    }
    expect(await names()).toEqual([]);
  });

  it("a 200 with an empty body is a retryable Unexpected, never a success", async () => {
    const server = await scripted("");
    try {
      const e = (await server.store.deleteMany(["a", "b"]).catch((err: unknown) => err)) as StorageError;
      expect(e).toMatchObject({ code: "Unexpected", retryable: true });
      expect(e.batch!.failed.map((f) => f.path)).toEqual(["a", "b"]);
    } finally {
      await server.stop();
    }
  });

  it("keys the answer reports failed: the rejection names them with their codes and the others as deleted", async () => {
    const server = await scripted(JSON.stringify({ deleted: [], errors: [{ key: "b", code: "permission_denied", message: "no" }, { key: "c", code: "object_not_exists", message: "gone" }] }));
    try {
      const e = (await server.store.deleteMany(["a", "b", "c"]).catch((err: unknown) => err)) as StorageError;
      expect(e.code).toBe("PermissionDenied");
      expect(e.batch).toEqual({ failed: [{ path: "b", code: "PermissionDenied", serviceCode: "permission_denied" }], deleted: ["a", "c"], notAttempted: [] });
      expect(server.methods).toEqual(["POST"]);
    } finally {
      await server.stop();
    }
  });

  it("parses only a result: an error document or another object is no list of failed keys", () => {
    expect(parseDeleteErrors(Buffer.from(JSON.stringify({ code: "internal_server_error", message: "x" })))).toBeUndefined();
    expect(parseDeleteErrors(Buffer.from("{}"))).toBeUndefined();
    expect(parseDeleteErrors(Buffer.from(JSON.stringify({ deleted: [] })))).toEqual([]);
    expect(() => parseDeleteErrors(Buffer.alloc(0))).toThrow(expect.objectContaining({ code: "Unexpected", retryable: true }));
  });
});
