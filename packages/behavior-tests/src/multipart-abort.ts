import { randomBytes } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { describe, expect, it } from "@jest/globals";
import { UPLOAD_CLEANUP_TIMEOUT_MS, type Storager } from "@stowage/core";
import { isCompleteEntry, registerCopyProgressCases } from "./multipart-copy-progress.js";
import { useProxiedEmulator, type OpenProxiedStore, type ProxiedEmulator, type ProxiedServiceEmulator, type ProxiedStores } from "./proxied-emulator.js";

const MiB = 1024 * 1024;
/** A request timeout no case may wait for: a call that settles did not wait for it. */
const LONG_TIMEOUT_MS = 600_000;
/** The jest timeout of a case that waits out one UPLOAD_CLEANUP_TIMEOUT_MS. */
const BOUNDED_CASE_MS = UPLOAD_CLEANUP_TIMEOUT_MS + 20_000;

/** An upload the work dir still holds. */
export interface UploadLeft {
  path: string;
  multipartId: string;
}

/** What the cases of {@link runMultipartAbortSuite} share with a driver's own ({@link MultipartAbortOptions.more}). */
export interface MultipartAbortContext<E extends ProxiedServiceEmulator> extends ProxiedEmulator<E> {
  /** A request timeout no case may wait for (10 min), the one the storager under test has. */
  readonly longTimeoutMs: number;
  /** The jest timeout of a case that waits out one UPLOAD_CLEANUP_TIMEOUT_MS. */
  readonly boundedCaseMs: number;
  /** The part size of the pair's multipart copies, and their threshold ({@link MultipartAbortOptions.copyPartSize}). */
  readonly copyPartSize: number;
  /** A fresh pair: the driver through the proxy (copies above `copyPartSize` in parts of that size; 3 retries 1–2 ms apart of a 10 min request timeout) and `direct`. */
  pair(): ProxiedStores;
  /** The uploads in progress in `direct`'s work dir. */
  uploadsLeft(direct: Storager): Promise<UploadLeft[]>;
}

/** Provider-specific values of {@link runMultipartAbortSuite}. */
export interface MultipartAbortOptions<E extends ProxiedServiceEmulator> {
  /** The provider's name, the first word of describe names ("cos"). */
  provider: string;
  /** The bucket the emulator was started with. */
  bucket: string;
  /** The part size (and threshold) of the multipart copies: the smallest part the provider completes with (default 1 MiB; QingStor 4 MiB). */
  copyPartSize?: number;
  /** Builds the driver under test (see {@link OpenProxiedStore}). */
  open: OpenProxiedStore;
  /** The provider's spelling of the requests the cases act on. */
  requests: {
    /** An UploadPartCopy. */
    partCopy(req: IncomingMessage): boolean;
    /** An AbortMultipartUpload, as the proxy records it ("DELETE /key?uploadId=..."). */
    abort(entry: string): boolean;
    /** An UploadPart; when given, a multipart write's bounded abort is checked too (one more UPLOAD_CLEANUP_TIMEOUT_MS wait). */
    partWrite?(req: IncomingMessage): boolean;
  };
  /** Registers the driver's own cases (after the suite's). */
  more?: (ctx: MultipartAbortContext<E>) => void;
}

/** An InitiateMultipartUpload. */
const isInitiate = (req: IncomingMessage): boolean => req.method === "POST" && /[?&]uploads(=|&|$)/.test(req.url ?? "");
/** A CompleteMultipartUpload. */
const isComplete = (req: IncomingMessage): boolean => isCompleteEntry(`${req.method} ${req.url ?? ""}`);

/** `call` aborted by the proxy's hook on the first request `match` accepts, whose AbortMultipartUpload gets no answer: Aborted, and the message names the upload left at `key`. */
async function checkBoundedAbort<E extends ProxiedServiceEmulator>(
  ctx: MultipartAbortContext<E>,
  direct: Storager,
  key: string,
  match: (req: IncomingMessage) => boolean,
  call: (signal: AbortSignal) => Promise<unknown>,
): Promise<void> {
  ctx.emulator.setFaults([{ operation: "AbortMultipartUpload", kind: "delay", ms: LONG_TIMEOUT_MS }]);
  const controller = new AbortController();
  ctx.proxy.hook = { match, run: async () => controller.abort() };
  const e = (await call(controller.signal).catch((x: unknown) => x)) as Error & { code?: string };
  expect(e.code).toBe("Aborted");
  ctx.emulator.setFaults([]);
  const left = await ctx.uploadsLeft(direct);
  expect(left.map((u) => u.path)).toEqual([key]);
  expect(e.message).toContain(`multipart upload "${left[0]!.multipartId}" of key "`);
  expect(e.message).toContain(`${key}" may be left on the service (AbortMultipartUpload got no answer within ${UPLOAD_CLEANUP_TIMEOUT_MS / 1000} s)`);
  await direct.delete(key, { multipartId: left[0]!.multipartId });
}

/**
 * Registers, as jest `describe` blocks named `<provider>...`, the aborts of multipart uploads the
 * service may not answer, through an {@link AnswerProxy} in front of the provider's emulator: a
 * multipart copy aborted while its Initiate is in flight aborts the upload the service created
 * (Aborted, no upload left, nothing copied), and so does a createMultipart (one whose
 * AbortMultipartUpload fails is Aborted naming the upload left); the abort of a failed copy's
 * upload (a write's too with `requests.partWrite`) is bounded by UPLOAD_CLEANUP_TIMEOUT_MS whatever
 * the request timeout (10 min) and retries say, the error then naming the upload left behind. Each bounded case
 * waits UPLOAD_CLEANUP_TIMEOUT_MS for real. A copy whose caller aborts once its Complete was sent
 * resolves when the Complete answers (the object is stored), one aborted before that rejects
 * `Aborted` and sends no Complete. The progress cases of copies and moves run here too
 * ({@link registerCopyProgressCases}).
 *
 * `setup` runs once in `beforeAll` and starts the emulator with `o.bucket` (stopped in `afterAll`).
 * @throws nothing itself; the registered cases fail on StorageError codes other than Aborted and ObjectNotExist.
 */
export function runMultipartAbortSuite<E extends ProxiedServiceEmulator>(setup: () => Promise<E>, o: MultipartAbortOptions<E>): void {
  const env = useProxiedEmulator(setup, { bucket: o.bucket });
  const part = o.copyPartSize ?? MiB;
  const ctx: MultipartAbortContext<E> = {
    get emulator() {
      return env.emulator;
    },
    get proxy() {
      return env.proxy;
    },
    stores: (open, transport) => env.stores(open, transport),
    copyPartSize: part,
    longTimeoutMs: LONG_TIMEOUT_MS,
    boundedCaseMs: BOUNDED_CASE_MS,
    pair: () => env.stores(o.open, { retry: { maxRetries: 3, baseDelayMs: 1, maxDelayMs: 2 }, timeoutMs: LONG_TIMEOUT_MS, tuning: { copyThreshold: part, copyPartSize: part } }),
    uploadsLeft: async (direct) => {
      const page = await direct.listPage("", { mode: "part", limit: 100 });
      return page.items.map((u) => ({ path: u.path, multipartId: u.multipartId! }));
    },
  };

  describe(`${o.provider} multipart copy: an abort while Initiate is in flight`, () => {
    it("waits for the upload's id and aborts it: Aborted, no upload left, nothing copied", async () => {
      const { store, direct } = ctx.pair();
      await direct.write("src", randomBytes(2 * part + 5));
      const controller = new AbortController();
      // The service has created the upload; its answer is on its way when the caller aborts.
      ctx.proxy.hook = { match: isInitiate, run: async () => controller.abort() };
      const seenBefore = ctx.proxy.seen.length;
      await expect(store.copy("src", "dst", { signal: controller.signal })).rejects.toMatchObject({ name: "StorageError", code: "Aborted" });
      expect(ctx.proxy.hook).toBeUndefined();
      expect(ctx.proxy.seen.slice(seenBefore).filter((entry) => o.requests.abort(entry))).toHaveLength(1);
      expect(await ctx.uploadsLeft(direct)).toEqual([]);
      await expect(direct.stat("dst")).rejects.toMatchObject({ code: "ObjectNotExist" });
    });
  });

  describe(`${o.provider} createMultipart: an abort while Initiate is in flight (review-soak L1)`, () => {
    const aborts = (from: number): string[] => ctx.proxy.seen.slice(from).filter((entry) => o.requests.abort(entry));

    it("waits for the upload's id and aborts that upload: Aborted, no upload left", async () => {
      const { store, direct } = ctx.pair();
      const controller = new AbortController();
      // The service has made the upload; its answer is on its way when the caller aborts.
      ctx.proxy.hook = { match: isInitiate, run: async () => controller.abort() };
      const seenBefore = ctx.proxy.seen.length;
      const e = (await store.createMultipart("m", { signal: controller.signal }).catch((x: unknown) => x)) as Error & { code?: string };
      expect([e.code, ctx.proxy.hook]).toEqual(["Aborted", undefined]);
      expect(aborts(seenBefore)).toHaveLength(1);
      expect(await ctx.uploadsLeft(direct)).toEqual([]);
    });

    it("whose AbortMultipartUpload fails: Aborted, naming the upload left", async () => {
      const { store, direct } = ctx.pair();
      ctx.emulator.setFaults([{ operation: "AbortMultipartUpload", kind: "status", status: 500 }]);
      const controller = new AbortController();
      ctx.proxy.hook = { match: isInitiate, run: async () => controller.abort() };
      const e = (await store.createMultipart("m", { signal: controller.signal }).catch((x: unknown) => x)) as Error & { code?: string };
      ctx.emulator.setFaults([]);
      expect(e.code).toBe("Aborted");
      const left = await ctx.uploadsLeft(direct);
      expect(left.map((u) => u.path)).toEqual(["m"]);
      expect(e.message).toContain(`multipart upload "${left[0]!.multipartId}" of key "`);
      expect(e.message).toContain('/m" may be left on the service (AbortMultipartUpload failed: ServiceInternal');
      await direct.delete("m", { multipartId: left[0]!.multipartId });
    });
  });

  describe(`${o.provider} multipart copy: an abort around Complete`, () => {
    it("after Complete was sent: the copy resolves once Complete answers, and the object is stored byte-exact", async () => {
      const { store, direct } = ctx.pair();
      const data = randomBytes(2 * part + 5);
      await direct.write("src", data);
      const controller = new AbortController();
      // The service has completed the upload; its answer is on its way when the caller aborts.
      ctx.proxy.hook = { match: isComplete, run: async () => controller.abort() };
      await store.copy("src", "dst", { signal: controller.signal });
      expect(ctx.proxy.hook).toBeUndefined();
      expect(controller.signal.aborted).toBe(true);
      expect((await direct.read("dst")).equals(data)).toBe(true);
      expect(await ctx.uploadsLeft(direct)).toEqual([]);
      await direct.delete("src");
      await direct.delete("dst");
    });

    it("before Complete was sent: Aborted, no Complete sent, no upload left, nothing copied", async () => {
      const { store, direct } = ctx.pair();
      await direct.write("src", randomBytes(2 * part + 5));
      const controller = new AbortController();
      ctx.proxy.hook = { match: (req) => o.requests.partCopy(req), run: async () => controller.abort() };
      const seenBefore = ctx.proxy.seen.length;
      await expect(store.copy("src", "dst", { signal: controller.signal })).rejects.toMatchObject({ name: "StorageError", code: "Aborted" });
      expect(ctx.proxy.seen.slice(seenBefore).filter(isCompleteEntry)).toEqual([]);
      expect(await ctx.uploadsLeft(direct)).toEqual([]);
      await expect(direct.stat("dst")).rejects.toMatchObject({ code: "ObjectNotExist" });
      await direct.delete("src");
    });
  });

  registerCopyProgressCases(o.provider, ctx);

  describe(`${o.provider}: the abort of a failed multipart upload is bounded`, () => {
    it(
      "a copy aborted during its ranges, whose AbortMultipartUpload gets no answer, settles Aborted and names the upload",
      async () => {
        const { store, direct } = ctx.pair();
        await direct.write("src", randomBytes(2 * part + 5));
        await checkBoundedAbort(ctx, direct, "dst", (req) => o.requests.partCopy(req), (signal) => store.copy("src", "dst", { signal }));
      },
      BOUNDED_CASE_MS,
    );

    const partWrite = o.requests.partWrite;
    if (partWrite !== undefined) {
      it(
        "a multipart write aborted during its parts, whose AbortMultipartUpload gets no answer, settles Aborted and names the upload",
        async () => {
          const { store, direct } = ctx.pair();
          await checkBoundedAbort(ctx, direct, "big", partWrite, (signal) =>
            store.write("big", randomBytes(3 * MiB), { signal, multipartThreshold: MiB, partSize: MiB, concurrency: 1 }),
          );
        },
        BOUNDED_CASE_MS,
      );
    }
  });

  o.more?.(ctx);
}
