import { randomUUID } from "node:crypto";
import { runFaultSuite } from "@stowage/behavior-tests";
import { newStorager } from "@stowage/core";
import { startEmulator } from "@stowage/emulator";
import "../src/index.js";

const BUCKET = "faults-bucket";
const MiB = 1024 * 1024;

/** QingStor has no CRC64: writes are checked by their MD5 ETag, reads by Content-MD5. */
runFaultSuite(
  "qingstor",
  async () => {
    const emulator = await startEmulator({ provider: "qingstor", buckets: [BUCKET] });
    const conn = emulator.connectionString(BUCKET, `/${randomUUID()}/`);
    const store = newStorager(`${conn}&multipart_threshold=1MiB&part_size=4MiB&concurrency=2&retry_base_delay=1ms&retry_max_delay=5ms&max_retries=3`);
    return { emulator, bucket: BUCKET, store };
  },
  { checksum: "md5", throttleName: "429 too_many_requests", multipart: { size: 9 * MiB + 123, parts: 3 }, twoPartSize: 9 * MiB },
);
