// An Archive, ColdArchive or DeepColdArchive object cannot be read or copied until restored: OSS
// answers 403 InvalidObjectState (EC 0016-00000404), which is Conflict with a restore hint
// (behavior-tests archived-objects.ts); a read through a symlink is decided by the target's state.
// restore() (RestoreObject) makes it readable (behavior-tests archived-restore.ts).
import { randomUUID } from "node:crypto";
import { expect } from "@jest/globals";
import { runArchivedObjectSuite, type ArchiveEmulator } from "@stowage/behavior-tests";
import { createStorager, mergePairs, newStorager, parseEndpoint, type Storager } from "@stowage/core";
import { startEmulator } from "@stowage/emulator";
import { bucketAddress } from "../src/addressing.js";
import { OssClient } from "../src/client.js";
import { staticCredentials } from "../src/credentials.js";
import { ossService } from "../src/index.js";
import { OssStorageDriver } from "../src/storager.js";

const BUCKET = "archived-oss";
const KEYS = { accessKey: "AK", secretKey: "SK", securityToken: "TOKEN" };

runArchivedObjectSuite((settings) => startEmulator({ provider: "oss", buckets: [BUCKET], credentials: KEYS, ...settings }), {
  provider: "oss",
  archive: ["Archive", "ColdArchive", "DeepColdArchive"],
  warm: ["Standard", "IA"],
  unknown: ["GLACIER", "STANDARD_IA", "STANDARD"],
  standard: "Standard",
  code: /InvalidObjectState.*EC 0016-00000404/,
  refusedByClass: [
    { storageClass: "Archive", options: { days: 8 } },
    { storageClass: "Archive", options: { tier: "Standard" } },
    { storageClass: "DeepColdArchive", options: { tier: "Bulk" } },
  ],
  provided: (emulator: ArchiveEmulator, state: { calls: number }): Storager =>
    newStorager({
      type: "oss",
      name: BUCKET,
      workDir: `/${randomUUID()}/`,
      endpoint: `http:127.0.0.1:${emulator.port}`,
      maxRetries: 2,
      credentialProvider: async () => {
        state.calls++;
        return { accessKeyId: KEYS.accessKey, accessKeySecret: KEYS.secretKey, securityToken: KEYS.securityToken, expiration: new Date(Date.now() + 24 * 3600_000) };
      },
    }),
  partCopying: (emulator: ArchiveEmulator, copyThreshold: number): Storager => {
    const credentials = staticCredentials({ protocol: "hmac", accessKey: KEYS.accessKey, secretKey: KEYS.secretKey }, KEYS.securityToken);
    const client = new OssClient(bucketAddress(BUCKET, undefined, { endpoint: parseEndpoint(`http:127.0.0.1:${emulator.port}`) }), BUCKET, credentials, { version: "v1" }, { retry: { maxRetries: 0 } });
    const driver = new OssStorageDriver(client, BUCKET, "cn-hangzhou", true, { copyThreshold, copyPartSize: 200 * 1024 });
    return createStorager(driver, { definition: ossService, config: { name: BUCKET, workDir: `/${randomUUID()}/` }, pairs: mergePairs(ossService), defaults: {}, loose: false });
  },
  more: async (s, _storageClass, state) => {
    // Through a symlink: OSS serves the target, so the target's state decides.
    await s.createLink("link", "frozen");
    await expect(s.read("link")).rejects.toMatchObject({ code: "Conflict", statusCode: 403 });
    expect(state.calls).toBe(1);
  },
});
