import { randomBytes } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { describe, expect, it } from "@jest/globals";
import { runMultipartAbortSuite } from "@stowage/behavior-tests";
import { startEmulator } from "@stowage/emulator";
import { proxiedCos } from "./proxied-store.js";

// Aborts of multipart uploads the service may not answer (the shared suite, with a multipart
// write's abort too), and the delete of an object stored wrong, bounded like an upload's abort.

const BUCKET = "multipart-abort-1250000000";

runMultipartAbortSuite(() => startEmulator({ provider: "cos", buckets: [BUCKET], credentials: { accessKey: "AK", secretKey: "SK" } }), {
  provider: "cos",
  bucket: BUCKET,
  open: proxiedCos(BUCKET),
  requests: {
    partCopy: (req) => req.method === "PUT" && req.headers["x-cos-copy-source"] !== undefined && (req.url ?? "").includes("partNumber"),
    partWrite: (req) => req.method === "PUT" && (req.url ?? "").includes("partNumber"),
    abort: (entry) => entry.startsWith("DELETE ") && entry.includes("uploadId="),
  },
  more: (ctx) => {
    describe("cos createMultipart: an abort while Initiate is in flight (review-soak L1)", () => {
      const isInitiate = (req: IncomingMessage): boolean => req.method === "POST" && /[?&]uploads(=|&|$)/.test(req.url ?? "");
      const aborts = (from: number): string[] => ctx.proxy.seen.slice(from).filter((entry) => entry.startsWith("DELETE ") && entry.includes("uploadId="));

      it("waits for the upload's id and aborts that upload: Aborted, no upload left", async () => {
        const { store, direct } = ctx.pair();
        const controller = new AbortController();
        // COS has made the upload; its answer is on its way when the caller aborts.
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

    describe("cos: the delete of an object stored wrong is bounded", () => {
      it(
        "a write whose stored CRC-64 is wrong, and whose DeleteObject gets no answer, settles IntegrityMismatch",
        async () => {
          const { store } = ctx.pair();
          ctx.emulator.setFaults([
            { operation: "PutObject", kind: "wrong-crc64", count: 1 },
            { operation: "DeleteObject", kind: "delay", ms: ctx.longTimeoutMs },
          ]);
          await expect(store.write("wrong", randomBytes(1000))).rejects.toMatchObject({ code: "IntegrityMismatch" });
          ctx.emulator.setFaults([]);
        },
        ctx.boundedCaseMs,
      );
    });
  },
});
