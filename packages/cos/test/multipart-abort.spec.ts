import { randomBytes } from "node:crypto";
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
