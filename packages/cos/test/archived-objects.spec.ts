// An ARCHIVE or DEEP_ARCHIVE object cannot be read or copied until restored: COS answers 403
// InvalidObjectState, which is Conflict with a restore hint (behavior-tests archived-objects.ts);
// restore() (POST Object restore) makes it readable (behavior-tests archived-restore.ts).
import { randomUUID } from "node:crypto";
import { runArchivedObjectSuite, type ArchiveEmulator } from "@stowage/behavior-tests";
import { createStorager, mergePairs, newStorager, parseEndpoint, type Storager } from "@stowage/core";
import { startEmulator } from "@stowage/emulator";
import { bucketAddress } from "../src/addressing.js";
import { CosClient } from "../src/client.js";
import { staticCredentials } from "../src/credentials.js";
import { cosService } from "../src/index.js";
import { CosStorageDriver } from "../src/storager.js";

const BUCKET = "archived-1250000000";
const KEYS = { accessKey: "AK", secretKey: "SK", securityToken: "TOKEN" };

runArchivedObjectSuite((settings) => startEmulator({ provider: "cos", buckets: [BUCKET], credentials: KEYS, ...settings }), {
  provider: "cos",
  archive: ["ARCHIVE", "DEEP_ARCHIVE"],
  warm: ["INTELLIGENT_TIERING", "STANDARD_IA"],
  unknown: ["GLACIER"],
  standard: "STANDARD",
  code: /InvalidObjectState/,
  refusedByClass: [{ storageClass: "DEEP_ARCHIVE", options: { tier: "Expedited" } }],
  undecided: "INTELLIGENT_TIERING",
  provided: (emulator: ArchiveEmulator, state: { calls: number }): Storager =>
    newStorager({
      type: "cos",
      name: BUCKET,
      workDir: `/${randomUUID()}/`,
      endpoint: `http:127.0.0.1:${emulator.port}`,
      maxRetries: 2,
      credentialProvider: async () => {
        state.calls++;
        return { secretId: KEYS.accessKey, secretKey: KEYS.secretKey, securityToken: KEYS.securityToken, expiration: new Date(Date.now() + 24 * 3600_000) };
      },
    }),
  partCopying: (emulator: ArchiveEmulator, copyThreshold: number): Storager => {
    const credentials = staticCredentials({ protocol: "hmac", accessKey: KEYS.accessKey, secretKey: KEYS.secretKey }, KEYS.securityToken);
    const client = new CosClient(bucketAddress(BUCKET, undefined, { endpoint: parseEndpoint(`http:127.0.0.1:${emulator.port}`) }), credentials, { retry: { maxRetries: 0 } });
    const driver = new CosStorageDriver(client, BUCKET, "ap-guangzhou", true, { copyThreshold, copyPartSize: 1024 * 1024 });
    return createStorager(driver, { definition: cosService, config: { name: BUCKET, workDir: `/${randomUUID()}/` }, pairs: mergePairs(cosService), defaults: {}, loose: false });
  },
});
