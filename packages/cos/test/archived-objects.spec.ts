import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { createStorager, mergePairs, newStorager, parseEndpoint, type Storager } from "@stowage/core";
import { startEmulator, type Emulator } from "@stowage/emulator";
import { bucketAddress } from "../src/addressing.js";
import { CosClient } from "../src/client.js";
import { staticCredentials } from "../src/credentials.js";
import { cosService } from "../src/index.js";
import { CosStorageDriver } from "../src/storager.js";

// An ARCHIVE or DEEP_ARCHIVE object cannot be read or copied until restored: COS answers 403
// InvalidObjectState. That is the object's state (Conflict), not a refused credential: no provider
// renewal, no re-send, and the message says what to do.

const BUCKET = "archived-1250000000";
const KEYS = { accessKey: "AK", secretKey: "SK", securityToken: "TOKEN" };
let emulator: Emulator;

beforeAll(async () => {
  emulator = await startEmulator({ provider: "cos", buckets: [BUCKET], credentials: KEYS });
});
afterAll(async () => {
  await emulator.stop();
});

/** A storager whose credentials come from a provider (which could be asked again after a 403). */
function provided(state: { calls: number }): Storager {
  return newStorager({
    type: "cos",
    name: BUCKET,
    workDir: `/${randomUUID()}/`,
    endpoint: `http:127.0.0.1:${emulator.port}`,
    maxRetries: 2,
    credentialProvider: async () => {
      state.calls++;
      return { secretId: KEYS.accessKey, secretKey: KEYS.secretKey, securityToken: KEYS.securityToken, expiration: new Date(Date.now() + 24 * 3600_000) };
    },
  });
}

/** A storager whose copies above `copyThreshold` bytes go part by part (Upload Part - Copy). */
function partCopying(copyThreshold: number): Storager {
  const credentials = staticCredentials({ protocol: "hmac", accessKey: KEYS.accessKey, secretKey: KEYS.secretKey }, KEYS.securityToken);
  const client = new CosClient(bucketAddress(BUCKET, undefined, { endpoint: parseEndpoint(`http:127.0.0.1:${emulator.port}`) }), credentials, { retry: { maxRetries: 0 } });
  const driver = new CosStorageDriver(client, BUCKET, "ap-guangzhou", true, { copyThreshold, copyPartSize: 1024 * 1024 });
  return createStorager(driver, { definition: cosService, config: { name: BUCKET, workDir: `/${randomUUID()}/` }, pairs: mergePairs(cosService), defaults: {}, loose: false });
}

const RESTORE_HINT = /archive storage class.*must be restored before it can be read or copied.*Stowage has no restore operation/;
const ops = (): Record<string, number> => emulator.stats().byOperation;

describe.each(["ARCHIVE", "DEEP_ARCHIVE"])("cos: an unrestored %s object", (storageClass) => {
  it("read (whole or a range) is Conflict naming the restore, once, with no credential renewal; stat still works", async () => {
    const state = { calls: 0 };
    const s = provided(state);
    await s.write("frozen", "frozen bytes", { storageClass });
    expect(state.calls).toBe(1);
    emulator.resetStats();
    for (const options of [{}, { offset: 2, size: 4 }]) {
      const e = await s.read("frozen", options).then(() => undefined, (x: unknown) => x);
      expect(e).toMatchObject({ code: "Conflict", statusCode: 403, retryable: false });
      expect((e as Error).message).toMatch(/InvalidObjectState/);
      expect((e as Error).message).toMatch(RESTORE_HINT);
    }
    expect(ops()["GetObject"]).toBe(2);
    expect(state.calls).toBe(1);
    expect(await s.stat("frozen")).toMatchObject({ size: 12, storageClass });
  });

  it("copy and move (the source archived) are Conflict with the same message; nothing is written or deleted", async () => {
    const state = { calls: 0 };
    const s = provided(state);
    await s.write("src", "frozen bytes", { storageClass });
    emulator.resetStats();
    for (const call of [() => s.copy("src", "dst"), () => s.move("src", "moved"), () => s.copy("src", "src", { storageClass: "STANDARD" })]) {
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

  it("a multipart copy (Upload Part - Copy) is Conflict too, and its upload is aborted", async () => {
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

describe("cos: other classes", () => {
  it("an INTELLIGENT_TIERING or STANDARD_IA object reads and copies as before", async () => {
    const s = provided({ calls: 0 });
    for (const storageClass of ["INTELLIGENT_TIERING", "STANDARD_IA"]) {
      await s.write(storageClass, "warm", { storageClass });
      expect((await s.read(storageClass)).toString()).toBe("warm");
      await s.copy(storageClass, `${storageClass}-copy`);
      expect(await s.stat(`${storageClass}-copy`)).toMatchObject({ storageClass });
    }
  });

  it("a class COS does not know is InvalidArgument (the emulator refuses it as COS would), nothing stored", async () => {
    const s = provided({ calls: 0 });
    await expect(s.write("bogus", "x", { storageClass: "GLACIER" })).rejects.toMatchObject({ code: "InvalidArgument", statusCode: 400 });
    await expect(s.stat("bogus")).rejects.toMatchObject({ code: "ObjectNotExist" });
  });
});
