import { runMultipartAbortSuite } from "@stowage/behavior-tests";
import { startEmulator } from "@stowage/emulator";
import { proxiedOss } from "./proxied-store.js";

// Aborts of multipart copies, and of a createMultipart whose Initiate is in flight, that the
// service may not answer (the shared suite).

const BUCKET = "multipart-abort-oss";

runMultipartAbortSuite(() => startEmulator({ provider: "oss", buckets: [BUCKET], credentials: { accessKey: "AK", secretKey: "SK" } }), {
  provider: "oss",
  bucket: BUCKET,
  open: proxiedOss(BUCKET),
  requests: {
    partCopy: (req) => req.method === "PUT" && req.headers["x-oss-copy-source"] !== undefined && (req.url ?? "").includes("partNumber"),
    abort: (entry) => entry.startsWith("DELETE ") && entry.includes("uploadId="),
  },
});
