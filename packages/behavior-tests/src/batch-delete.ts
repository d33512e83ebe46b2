import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { fitsXml, getService, isMalformedKey, newStorager, resolveOpenConfig, type StorageError, type Storager } from "@stowage/core";
import type { FaultEmulator } from "./fault-context.js";
import { collect } from "./fixtures.js";
import { checkRootDeletes } from "./root-deletes.js";

/** Provider-specific values of {@link runBatchDeleteSuite}. */
export interface BatchDeleteOptions {
  /** The connection type ("cos"), also the first word of the describe name. */
  provider: string;
  /** Starts the provider's emulator with `buckets` (on 127.0.0.1). */
  start(buckets: readonly string[]): Promise<FaultEmulator>;
  /** Two bucket names the driver accepts: the one the cases write in, and one opened at its root (work_dir `/`). */
  buckets: readonly [string, string];
  /** The code of the emulator's 200 error document, which the rejection's detail names ("InternalError"). */
  errorCode: string;
  /** What the service's error document is, for case names ("an <Error>"). */
  errorDocument: string;
  /**
   * Per-key service codes of the emulator's `delete-key-errors` fault: its default, which the driver
   * takes for `PermissionDenied` (COS "AccessDenied"), and one it takes for `InvalidArgument` (COS
   * "InvalidArgument"). Absent where the batch answer has no per-key error (OSS): the case then
   * checks that the emulator refuses such a rule.
   */
  keyErrors?: { denied: string; invalid: string };
  /** Where the batch is an XML body (COS, OSS): the request's name for case names, and the driver's builder of it. */
  xml?: { request: string; deleteObjects(keys: string[]): unknown };
  /** Registers the driver's own cases at the end of "batch delete answers". */
  more?: (ctx: BatchDeleteContext) => void;
}

/** What {@link BatchDeleteOptions.more} cases may use (valid inside a case, after `beforeAll`). */
export interface BatchDeleteContext {
  /** The running emulator. */
  readonly emulator: FaultEmulator;
  /** A storager on a fresh work_dir of the first bucket: `max_retries=2`, retry delays 1 to 5 ms. */
  readonly store: Storager;
  /** The keys below the work_dir, sorted. */
  names(): Promise<string[]>;
}

/** The emulator's request counts by operation. */
const opsOf = (ctx: BatchDeleteContext): Readonly<Record<string, number>> => ctx.emulator.stats().byOperation;

/** The failed entries of a batch whose every path failed as `ServiceInternal`. */
const allFailed = (paths: string[]): object[] => paths.map((path) => ({ path, code: "ServiceInternal" }));

/**
 * Registers, as `<provider> batch deletes`, what `deleteMany` and `delete` must do on a cloud driver
 * against its emulator: keys an XML body cannot carry go one by one (`xml` only) and a lone
 * surrogate is `InvalidArgument` before anything is sent; no delete reaches the bucket itself
 * (the driver refuses the empty key, and {@link checkRootDeletes} at the bucket's root); a 200
 * error document is a retryable `ServiceInternal` naming every path failed, retried like any; keys
 * the answer reports failed (`keyErrors`) fail with their codes, the others are deleted.
 * @throws nothing itself; the registered cases fail.
 */
export function runBatchDeleteSuite(o: BatchDeleteOptions): void {
  const [bucket, rootBucket] = o.buckets;
  let emulator: FaultEmulator | undefined;
  let store: Storager | undefined;
  const ctx: BatchDeleteContext = {
    get emulator() {
      if (emulator === undefined) throw new Error("the batch delete suite's beforeAll did not run");
      return emulator;
    },
    get store() {
      if (store === undefined) throw new Error("the batch delete suite's beforeAll did not run");
      return store;
    },
    names: async () => (await collect(ctx.store.list("", { mode: "prefix" }))).map((obj) => obj.path).sort(),
  };
  const ops = (): Readonly<Record<string, number>> => opsOf(ctx);
  /** Delete requests of any kind the emulator got. */
  const deletesSent = (): number => (ops()["DeleteBucket"] ?? 0) + (ops()["DeleteObject"] ?? 0) + (ops()["DeleteObjects"] ?? 0);

  describe(`${o.provider} batch deletes`, () => {
    beforeAll(async () => {
      emulator = await o.start([bucket, rootBucket]);
      store = newStorager(`${emulator.connectionString(bucket, `/${randomUUID()}/`)}&retry_base_delay=1ms&retry_max_delay=5ms&max_retries=2`);
    });
    afterAll(async () => {
      await emulator?.stop();
    });

    if (o.xml !== undefined) registerXmlKeyCases(ctx, o.xml);

    describe("deletes never reach the bucket itself", () => {
      it("the driver itself refuses the empty key (the bucket's root): delete and deleteMany are InvalidArgument, nothing sent", async () => {
        const definition = getService(o.provider)!;
        const resolved = resolveOpenConfig(definition, ctx.emulator.connectionString(rootBucket, "/"), "storager");
        const driver = definition.newStorageDriver(resolved.config, resolved.defaults);
        const before = deletesSent();
        await expect(driver.delete("", {})).rejects.toMatchObject({ code: "InvalidArgument" });
        await expect(driver.deleteMany!(["a", ""], {})).rejects.toMatchObject({ code: "InvalidArgument", message: expect.stringContaining("key 1") });
        expect(deletesSent()).toBe(before);
      });

      it('delete("" | "/", mode dir) at the bucket root is InvalidArgument and sends nothing; the bucket stays', async () => {
        await checkRootDeletes(newStorager(ctx.emulator.connectionString(rootBucket, "/")), deletesSent);
        expect(ops()["DeleteBucket"]).toBeUndefined();
      });
    });

    describe("batch delete answers", () => {
      it(`a 200 carrying ${o.errorDocument} is a retryable ServiceInternal naming every path as failed; nothing was deleted`, async () => {
        await ctx.store.write("a", "x");
        await ctx.store.write("b", "x");
        ctx.emulator.setFaults([{ kind: "error-200", operation: "DeleteObjects" }]);
        try {
          const e = (await ctx.store.deleteMany(["a", "b"]).catch((err: unknown) => err)) as StorageError;
          expect(e).toMatchObject({ code: "ServiceInternal", retryable: true, statusCode: 200 });
          expect(e.detail).toContain(o.errorCode);
          expect(e.batch).toEqual({ failed: allFailed(["a", "b"]), deleted: [], notAttempted: [] });
          // Tried 1 + max_retries times: a batch delete is idempotent.
          expect(ctx.emulator.faults()[0]).toMatchObject({ matched: 3, fired: 3 });
        } finally {
          ctx.emulator.setFaults([]);
        }
        expect(await ctx.names()).toEqual(["a", "b"]);
      });

      it("one such answer is retried, and the retry deletes everything", async () => {
        await ctx.store.write("a", "x");
        await ctx.store.write("b", "x");
        ctx.emulator.resetStats();
        ctx.emulator.setFaults([{ kind: "error-200", operation: "DeleteObjects", count: 1 }]);
        try {
          await ctx.store.deleteMany(["a", "b"]);
          expect(ctx.emulator.faults()[0]).toMatchObject({ fired: 1 });
          expect(ops()["DeleteObjects"]).toBe(2);
        } finally {
          ctx.emulator.setFaults([]);
        }
        expect(await ctx.names()).toEqual([]);
      });

      registerKeyErrorCase(ctx, o.keyErrors);

      o.more?.(ctx);
    });
  });
}

/** The case of a batch the emulator answers with per-key errors (`delete-key-errors`), or, without `keyErrors`, its refusal of such a rule. */
function registerKeyErrorCase(ctx: BatchDeleteContext, keyErrors: BatchDeleteOptions["keyErrors"]): void {
  if (keyErrors === undefined) {
    it("the emulator refuses a delete-key-errors rule: this service's batch answer has no per-key error", () => {
      const refused = expect.objectContaining({ code: "InvalidArgument", message: expect.stringContaining("has no per-key error") });
      expect(() => ctx.emulator.setFaults([{ kind: "delete-key-errors", keys: ["a"] }])).toThrow(refused);
    });
    return;
  }
  it("keys the service refuses: the first failure's code, error.batch names exactly them failed (with codes) and the others deleted; they alone stay", async () => {
    const paths = ["a", "b", "c", "d", "e"];
    for (const path of paths) await ctx.store.write(path, "x");
    ctx.emulator.resetStats();
    // The answer lists "b" before "d" (the batch's order), whichever rule names it.
    ctx.emulator.setFaults([
      { kind: "delete-key-errors", operation: "DeleteObjects", keyPattern: "/d$", code: keyErrors.invalid },
      { kind: "delete-key-errors", operation: "DeleteObjects", keyPattern: "/b$" },
    ]);
    try {
      const e = (await ctx.store.deleteMany(paths).catch((err: unknown) => err)) as StorageError;
      expect(e.code).toBe("PermissionDenied");
      expect(e.batch).toEqual({
        failed: [
          { path: "b", code: "PermissionDenied", serviceCode: keyErrors.denied },
          { path: "d", code: "InvalidArgument", serviceCode: keyErrors.invalid },
        ],
        deleted: ["a", "c", "e"],
        notAttempted: [],
      });
      expect(e.detail).toContain(`2 of 5 paths failed ("b" ${keyErrors.denied}, "d" ${keyErrors.invalid}), 3 deleted, 0 not attempted`);
      // A batch answer that reports keys is no failed request: it is not sent again.
      expect(opsOf(ctx)["DeleteObjects"]).toBe(1);
      expect(ctx.emulator.faults()).toMatchObject([
        { matched: 1, fired: 1 },
        { matched: 1, fired: 1 },
      ]);
    } finally {
      ctx.emulator.setFaults([]);
    }
    expect(await ctx.names()).toEqual(["b", "d"]);
    await ctx.store.deleteMany(["b", "d"]);
    expect(await ctx.names()).toEqual([]);
  });
}

/** The cases of keys an XML body cannot carry (control characters, non-characters, lone surrogates). */
function registerXmlKeyCases(ctx: BatchDeleteContext, xml: NonNullable<BatchDeleteOptions["xml"]>): void {
  const ops = (): Readonly<Record<string, number>> => opsOf(ctx);

  describe("deleteMany with keys XML cannot carry", () => {
    it("deletes keys with control characters one by one, and the others in the batch", async () => {
      const keys = ["ok.txt", "ctl\u0001key.txt", "tab\tand\rcr.txt", "unit\u001fsep.txt", "amp&<lt>.txt", "nonchar\uFFFE.txt"];
      for (const k of keys) await ctx.store.write(k, k);
      expect(await ctx.names()).toEqual([...keys].sort());
      ctx.emulator.resetStats();
      await ctx.store.deleteMany(keys);
      expect(await ctx.names()).toEqual([]);
      expect(ops()["DeleteObjects"]).toBe(1);
      expect(ops()["DeleteObject"]).toBe(3);
    });

    it(`a batch of only such keys sends no ${xml.request}, and missing ones are fine`, async () => {
      await ctx.store.write("only\u0002one", "x");
      ctx.emulator.resetStats();
      await ctx.store.deleteMany(["only\u0002one", "missing\u0003too"]);
      expect(await ctx.names()).toEqual([]);
      expect(ops()["DeleteObjects"]).toBeUndefined();
      expect(ops()["DeleteObject"]).toBe(2);
    });

    it("a key with a lone surrogate is refused as InvalidArgument naming its position, before anything is deleted", async () => {
      const kept = ["kept.txt", "kept\u0001too.txt"];
      for (const k of kept) await ctx.store.write(k, "x");
      ctx.emulator.resetStats();
      await expect(ctx.store.deleteMany([...kept, "bad\uD800.txt"])).rejects.toMatchObject({ code: "InvalidArgument", message: expect.stringContaining("key 2") });
      expect(ops()["DeleteObjects"]).toBeUndefined();
      expect(ops()["DeleteObject"]).toBeUndefined();
      expect(await ctx.names()).toEqual([...kept].sort());
      await ctx.store.deleteMany(kept);
    });

    it("the XML request refuses such keys with InvalidArgument, never a plain Error", () => {
      expect(fitsXml("a\u0001b")).toBe(false);
      expect(fitsXml("a\uFFFFb")).toBe(false);
      expect(fitsXml("a\t\n\r&<>b")).toBe(true);
      expect(fitsXml("\uD83D\uDE00")).toBe(true);
      expect(fitsXml("\uDE00")).toBe(false);
      expect(isMalformedKey("\uD83D")).toBe(true);
      expect(isMalformedKey("a\u0001")).toBe(false);
      expect(() => xml.deleteObjects(["fine", "x\u001f"])).toThrow(expect.objectContaining({ name: "StorageError", code: "InvalidArgument", message: expect.stringContaining("key 1") }));
    });
  });
}
