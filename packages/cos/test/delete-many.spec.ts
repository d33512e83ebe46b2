import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { checkRootDeletes } from "@stowage/behavior-tests";
import { getService, newStorager, resolveOpenConfig, type ObjectInfo, type StorageError, type Storager } from "@stowage/core";
import { startEmulator, type Emulator } from "@stowage/emulator";
import "../src/index.js";
import { deleteObjects } from "../src/requests.js";
import { fitsXml, isMalformedKey } from "@stowage/core";
import { rawServer } from "./raw-server.js";

const BUCKET = "delete-many-1250000000";
const ROOT_BUCKET = "delete-root-1250000000";
let emulator: Emulator;
let store: Storager;

beforeAll(async () => {
  emulator = await startEmulator({ provider: "cos", buckets: [BUCKET, ROOT_BUCKET] });
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

describe("cos deleteMany with keys XML cannot carry", () => {
  it("deletes keys with control characters one by one, and the others in the batch", async () => {
    const keys = ["ok.txt", "ctl\u0001key.txt", "tab\tand\rcr.txt", "unit\u001fsep.txt", "amp&<lt>.txt", "nonchar\uFFFE.txt"];
    for (const k of keys) await store.write(k, k);
    expect(await names()).toEqual([...keys].sort());
    emulator.resetStats();
    await store.deleteMany(keys);
    expect(await names()).toEqual([]);
    expect(emulator.stats().byOperation["DeleteObjects"]).toBe(1);
    expect(emulator.stats().byOperation["DeleteObject"]).toBe(3);
  });

  it("a batch of only such keys sends no POST ?delete, and missing ones are fine", async () => {
    await store.write("only\u0002one", "x");
    emulator.resetStats();
    await store.deleteMany(["only\u0002one", "missing\u0003too"]);
    expect(await names()).toEqual([]);
    expect(emulator.stats().byOperation["DeleteObjects"]).toBeUndefined();
    expect(emulator.stats().byOperation["DeleteObject"]).toBe(2);
  });

  it("a key with a lone surrogate is refused as InvalidArgument naming its position, before anything is deleted", async () => {
    await store.write("kept.txt", "x");
    await store.write("kept\u0001too.txt", "x");
    emulator.resetStats();
    await expect(store.deleteMany(["kept.txt", "kept\u0001too.txt", "bad\uD800.txt"])).rejects.toMatchObject({
      code: "InvalidArgument",
      message: expect.stringContaining("key 2"),
    });
    expect(emulator.stats().byOperation["DeleteObjects"]).toBeUndefined();
    expect(emulator.stats().byOperation["DeleteObject"]).toBeUndefined();
    expect(await names()).toEqual(["kept.txt", "kept\u0001too.txt"].sort());
    await store.deleteMany(["kept.txt", "kept\u0001too.txt"]);
  });

  it("the XML request refuses such keys with InvalidArgument, never a plain Error", () => {
    expect(fitsXml("a\u0001b")).toBe(false);
    expect(fitsXml("a\uFFFFb")).toBe(false);
    expect(fitsXml("a\t\n\r&<>b")).toBe(true);
    expect(fitsXml("\uD83D\uDE00")).toBe(true);
    expect(fitsXml("\uDE00")).toBe(false);
    expect(isMalformedKey("\uD83D")).toBe(true);
    expect(isMalformedKey("a\u0001")).toBe(false);
    expect(() => deleteObjects(["fine", "x\u001f"])).toThrow(expect.objectContaining({ name: "StorageError", code: "InvalidArgument", message: expect.stringContaining("key 1") }));
  });
});

/** Delete requests of any kind the emulator got. */
function deletesSent(): number {
  const ops = emulator.stats().byOperation;
  return (ops["DeleteBucket"] ?? 0) + (ops["DeleteObject"] ?? 0) + (ops["DeleteObjects"] ?? 0);
}

describe("cos deletes never reach the bucket itself", () => {
  it("the driver itself refuses the empty key (the bucket's root): delete and deleteMany are InvalidArgument, nothing sent", async () => {
    const definition = getService("cos")!;
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

describe("cos batch delete answers", () => {
  it("a 200 carrying an <Error> is a retryable ServiceInternal naming every path as failed; nothing was deleted", async () => {
    await store.write("a", "x");
    await store.write("b", "x");
    emulator.setFaults([{ kind: "error-200", operation: "DeleteObjects" }]);
    try {
      const e = (await store.deleteMany(["a", "b"]).catch((err: unknown) => err)) as StorageError;
      expect(e).toMatchObject({ code: "ServiceInternal", retryable: true, statusCode: 200 });
      expect(e.batch).toEqual({ failed: [{ path: "a", code: "ServiceInternal" }, { path: "b", code: "ServiceInternal" }], deleted: [], notAttempted: [] });
      // Tried 1 + max_retries times: a batch delete is idempotent.
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

  it("a key the batch reports failed: the rejection names it with its code and the others as deleted, and no single DELETE follows", async () => {
    const server = await rawServer((req) =>
      req.method === "POST"
        ? { headers: { "content-type": "application/xml" }, body: `<?xml version="1.0"?><DeleteResult><Error><Key>b</Key><Code>AccessDenied</Code><Message>no</Message></Error></DeleteResult>` }
        : { status: 204 },
    );
    try {
      const s = newStorager(`cos://b-1250000000/?credential=hmac:AK:SK&endpoint=http:127.0.0.1:${server.port}&location=ap-guangzhou&max_retries=0`);
      const e = (await s.deleteMany(["a", "b", "c", "ctl\u0001key"]).catch((err: unknown) => err)) as StorageError;
      expect(e.code).toBe("PermissionDenied");
      expect(e.batch).toEqual({ failed: [{ path: "b", code: "PermissionDenied", serviceCode: "AccessDenied" }], deleted: ["a", "c"], notAttempted: ["ctl\u0001key"] });
      expect(e.detail).toContain('1 of 4 paths failed ("b" AccessDenied), 2 deleted, 1 not attempted');
      expect(server.requests.map((r) => r.method)).toEqual(["POST"]);
    } finally {
      await server.stop();
    }
  });
});
