import { newStorager, type Storager } from "@stowage/core";
import type { Emulator } from "@stowage/emulator";
import "../src/index.js";
import type { QingStorOptions } from "../src/index.js";

/**
 * Opens a QingStor storager of `bucket` under `workDir` on `emulator`, signing with the emulator's
 * first credential in its zone: over https trusting the emulator's CA when it was started with
 * `tls: true`, else over plain http. `more` adds options (or replaces these).
 *
 * @throws StorageError as `newStorager` does for what `more` holds: `ConnectionStringInvalid` or
 *   `InvalidArgument` (a bad value), `PairUnsupported` (an unknown option), `PairRequired`.
 */
export function emulatorStorager(emulator: Emulator, bucket: string, workDir: string, more: Record<string, unknown> = {}): Storager<QingStorOptions> {
  const { accessKey, secretKey } = emulator.credential;
  const transport = emulator.ca === undefined ? { endpoint: `http:127.0.0.1:${emulator.port}` } : { endpoint: `https:127.0.0.1:${emulator.port}`, tlsCa: emulator.ca };
  return newStorager<QingStorOptions>({ type: "qingstor", name: bucket, workDir, credential: `hmac:${accessKey}:${secretKey}`, location: emulator.region, ...transport, ...more });
}
