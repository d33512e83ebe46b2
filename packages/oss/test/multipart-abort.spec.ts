import type { IncomingMessage } from "node:http";
import { describe, expect, it } from "@jest/globals";
import { runMultipartAbortSuite } from "@stowage/behavior-tests";
import { startEmulator } from "@stowage/emulator";
import { proxiedOss } from "./proxied-store.js";

// Aborts of multipart copies the service may not answer (the shared suite), and of a
// createMultipart whose Initiate is in flight.

const BUCKET = "multipart-abort-oss";

runMultipartAbortSuite(() => startEmulator({ provider: "oss", buckets: [BUCKET], credentials: { accessKey: "AK", secretKey: "SK" } }), {
  provider: "oss",
  bucket: BUCKET,
  open: proxiedOss(BUCKET),
  requests: {
    partCopy: (req) => req.method === "PUT" && req.headers["x-oss-copy-source"] !== undefined && (req.url ?? "").includes("partNumber"),
    abort: (entry) => entry.startsWith("DELETE ") && entry.includes("uploadId="),
  },
  more: (ctx) => {
    describe("oss createMultipart: an abort while Initiate is in flight (review-soak L1)", () => {
      const isInitiate = (req: IncomingMessage): boolean => req.method === "POST" && /[?&]uploads(=|&|$)/.test(req.url ?? "");
      const aborts = (from: number): string[] => ctx.proxy.seen.slice(from).filter((entry) => entry.startsWith("DELETE ") && entry.includes("uploadId="));

      it("waits for the upload's id and aborts that upload: Aborted, no upload left", async () => {
        const { store, direct } = ctx.pair();
        const controller = new AbortController();
        // OSS has made the upload; its answer is on its way when the caller aborts.
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
  },
});
