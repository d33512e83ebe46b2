import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { createStorager, mergePairs, newStorager, parseEndpoint, type Storager } from "@stowage/core";
import { startEmulator, type Emulator } from "@stowage/emulator";
import { bucketAddress } from "../src/addressing.js";
import { OssClient } from "../src/client.js";
import { staticCredentials } from "../src/credentials.js";
import { ossService } from "../src/index.js";
import { OssStorageDriver } from "../src/storager.js";

// An Archive, ColdArchive or DeepColdArchive object cannot be read or copied until restored: OSS
// answers 403 InvalidObjectState (EC 0016-00000404). That is the object's state (Conflict), not a refused credential: no provider
// renewal, no re-send, and the message says what to do.

const BUCKET = "archived-oss";
const KEYS = { accessKey: "AK", secretKey: "SK", securityToken: "TOKEN" };
let emulator: Emulator;

beforeAll(async () => {
  emulator = await startEmulator({ provider: "oss", buckets: [BUCKET], credentials: KEYS });
});
afterAll(async () => {
  await emulator.stop();
});

/** A storager whose credentials come from a provider (which could be asked again after a 403). */
function provided(state: { calls: number }): Storager {
  return newStorager({
    type: "oss",
    name: BUCKET,
    workDir: `/${randomUUID()}/`,
    endpoint: `http:127.0.0.1:${emulator.port}`,
    maxRetries: 2,
    credentialProvider: async () => {
      state.calls++;
      return { accessKeyId: KEYS.accessKey, accessKeySecret: KEYS.secretKey, securityToken: KEYS.securityToken, expiration: new Date(Date.now() + 24 * 3600_000) };
    },
  });
}

/** A storager whose copies above `copyThreshold` bytes go part by part (UploadPartCopy). */
function partCopying(copyThreshold: number): Storager {
  const credentials = staticCredentials({ protocol: "hmac", accessKey: KEYS.accessKey, secretKey: KEYS.secretKey }, KEYS.securityToken);
  const client = new OssClient(bucketAddress(BUCKET, undefined, { endpoint: parseEndpoint(`http:127.0.0.1:${emulator.port}`) }), BUCKET, credentials, { version: "v1" }, { retry: { maxRetries: 0 } });
  const driver = new OssStorageDriver(client, BUCKET, "cn-hangzhou", true, { copyThreshold, copyPartSize: 200 * 1024 });
  return createStorager(driver, { definition: ossService, config: { name: BUCKET, workDir: `/${randomUUID()}/` }, pairs: mergePairs(ossService), defaults: {}, loose: false });
}

const RESTORE_HINT = /archive storage class.*must be restored before it can be read or copied.*Stowage has no restore operation/;
const ops = (): Record<string, number> => emulator.stats().byOperation;

describe.each(["Archive", "ColdArchive", "DeepColdArchive"])("oss: an unrestored %s object", (storageClass) => {
  it("read (whole or a range) is Conflict naming the restore, once, with no credential renewal; stat still works", async () => {
    const state = { calls: 0 };
    const s = provided(state);
    await s.write("frozen", "frozen bytes", { storageClass });
    expect(state.calls).toBe(1);
    emulator.resetStats();
    for (const options of [{}, { offset: 2, size: 4 }]) {
      const e = await s.read("frozen", options).then(() => undefined, (x: unknown) => x);
      expect(e).toMatchObject({ code: "Conflict", statusCode: 403, retryable: false });
      expect((e as Error).message).toMatch(/InvalidObjectState.*EC 0016-00000404/);
      expect((e as Error).message).toMatch(RESTORE_HINT);
    }
    expect(ops()["GetObject"]).toBe(2);
    expect(state.calls).toBe(1);
    expect(await s.stat("frozen")).toMatchObject({ size: 12, storageClass });
    // Through a symlink: OSS serves the target, so the target's state decides.
    await s.createLink("link", "frozen");
    await expect(s.read("link")).rejects.toMatchObject({ code: "Conflict", statusCode: 403 });
    expect(state.calls).toBe(1);
  });

  it("copy and move (the source archived) are Conflict with the same message; nothing is written or deleted", async () => {
    const state = { calls: 0 };
    const s = provided(state);
    await s.write("src", "frozen bytes", { storageClass });
    emulator.resetStats();
    for (const call of [() => s.copy("src", "dst"), () => s.move("src", "moved"), () => s.copy("src", "src", { storageClass: "Standard" })]) {
      const e = await call().then(() => undefined, (x: unknown) => x);
      expect(e).toMatchObject({ code: "Conflict", statusCode: 403, retryable: false });
      expect((e as Error).message).toMatch(RESTORE_HINT);
    }
    expect(ops()["CopyObject"]).toBe(3);
    expect(state.calls).toBe(1);
    await expect(s.stat("dst")).rejects.toMatchObject({ code: "ObjectNotExist" });
    await expect(s.stat("moved")).rejects.toMatchObject({ code: "ObjectNotExist" });
    expect(await s.stat("src")).toMatchObject({ storageClass });
  });

  it("a multipart copy (UploadPartCopy) is Conflict too, and its upload is aborted", async () => {
    const s = partCopying(1);
    await s.write("big", "frozen bytes", { storageClass });
    emulator.resetStats();
    const e = await s.copy("big", "big-copy").then(() => undefined, (x: unknown) => x);
    expect(e).toMatchObject({ code: "Conflict", statusCode: 403 });
    expect((e as Error).message).toMatch(RESTORE_HINT);
    expect([ops()["UploadPartCopy"], ops()["AbortMultipartUpload"], ops()["CompleteMultipartUpload"]]).toEqual([1, 1, undefined]);
    await expect(s.stat("big-copy")).rejects.toMatchObject({ code: "ObjectNotExist" });
  });
});

describe("oss: other classes", () => {
  it("a Standard or IA object reads and copies as before", async () => {
    const s = provided({ calls: 0 });
    for (const storageClass of ["Standard", "IA"]) {
      await s.write(storageClass, "warm", { storageClass });
      expect((await s.read(storageClass)).toString()).toBe("warm");
      await s.copy(storageClass, `${storageClass}-copy`);
      expect(await s.stat(`${storageClass}-copy`)).toMatchObject({ storageClass });
    }
  });

  it("a class or spelling OSS does not document is InvalidArgument (the emulator refuses it as OSS would), nothing stored", async () => {
    const s = provided({ calls: 0 });
    for (const storageClass of ["GLACIER", "STANDARD_IA", "STANDARD"]) {
      await expect(s.write("bogus", "x", { storageClass })).rejects.toMatchObject({ code: "InvalidArgument", statusCode: 400 });
      await expect(s.stat("bogus")).rejects.toMatchObject({ code: "ObjectNotExist" });
    }
  });
});
