import { runMovePinnedSuite } from "@stowage/behavior-tests";
import { startEmulator } from "@stowage/emulator";
import { proxiedCos } from "./proxied-store.js";

const BUCKET = "move-pin-1250000000";
const MiB = 1024 * 1024;

runMovePinnedSuite(() => startEmulator({ provider: "cos", buckets: [BUCKET], credentials: { accessKey: "AK", secretKey: "SK" } }), {
  provider: "cos",
  bucket: BUCKET,
  open: proxiedCos(BUCKET),
  copySource: "x-cos-copy-source",
  multipartCopy: { tuning: { copyThreshold: 1, copyPartSize: MiB }, size: 2 * MiB + 7 },
});
