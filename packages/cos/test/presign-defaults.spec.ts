import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { newServicer, newStorager } from "@stowage/core";
import { checkPresignedStorageClass } from "@stowage/behavior-tests";
import { startEmulator, type Emulator } from "@stowage/emulator";
import "../src/index.js";

const BUCKET = "presign-defaults-1250000000";
let emulator: Emulator;

beforeAll(async () => {
  emulator = await startEmulator({ provider: "cos", buckets: [BUCKET] });
});
afterAll(async () => {
  await emulator.stop();
});

describe("cos presign: open-time SSE defaults", () => {
  it("a presigned PUT signs default_server_side_encryption and returns it in headers; the upload is encrypted", async () => {
    const store = newStorager(`${emulator.connectionString(BUCKET, `/${randomUUID()}/`)}&default_server_side_encryption=AES256`);
    const put = await store.presign("write", "enc.txt", { expires: 600 });
    expect(put.headers["x-cos-server-side-encryption"]).toBe("AES256");
    const res = await fetch(put.url, { method: "PUT", headers: put.headers, body: "secret" });
    expect(res.status).toBe(200);
    expect((await store.stat("enc.txt")).system).toMatchObject({ serverSideEncryption: "AES256" });
    const get = await store.presign("read", "enc.txt", { expires: 600 });
    expect(get.headers["x-cos-server-side-encryption"]).toBeUndefined();
    expect(await (await fetch(get.url, { headers: get.headers })).text()).toBe("secret");
    await store.delete("enc.txt");
  });

  it("a call-site value wins, and KMS details without cos/kms are refused", async () => {
    const store = newStorager(`${emulator.connectionString(BUCKET, `/${randomUUID()}/`)}&default_server_side_encryption=AES256`);
    const put = await store.presign("write", "sm4.txt", { expires: 600, serverSideEncryption: "SM4" } as never);
    expect(put.headers["x-cos-server-side-encryption"]).toBe("SM4");
    await expect(store.presign("write", "x", { expires: 600, serverSideEncryptionCosKmsKeyId: "k" } as never)).rejects.toMatchObject({ code: "InvalidArgument" });
  });

  it("a presigned PUT and Initiate sign default_storage_class; a presigned read ignores it", async () => {
    await checkPresignedStorageClass(emulator.connectionString(BUCKET, `/${randomUUID()}/`), "STANDARD_IA", "x-cos-storage-class");
  });
});

describe("cos SSE defaults against call-site values", () => {
  it("a call-site SSE mode drops the defaulted KMS key id and context; contradictory defaults are refused at open", async () => {
    const kms = `&default_server_side_encryption=cos/kms&default_server_side_encryption_cos_kms_key_id=cmk-1`;
    const store = newStorager(`${emulator.connectionString(BUCKET, `/${randomUUID()}/`)}${kms}`);
    // COS appends take no SSE headers: a storager that encrypts what it writes has none.
    expect(store.features.append).toBe(false);
    await expect(store.createAppend("log")).rejects.toMatchObject({ code: "CapabilityInsufficient" });
    expect(newStorager(emulator.connectionString(BUCKET, "/")).features.append).toBe(true);
    await store.write("aes", "v", { serverSideEncryption: "AES256" } as never);
    expect((await store.stat("aes")).system).toMatchObject({ serverSideEncryption: "AES256" });
    await store.write("kms", "v");
    expect((await store.stat("kms")).system).toMatchObject({ serverSideEncryption: "cos/kms", serverSideEncryptionCosKmsKeyId: "cmk-1" });
    // The default's own mode at the call site keeps the configured key.
    await store.write("kms-again", "v", { serverSideEncryption: "cos/kms" } as never);
    expect((await store.stat("kms-again")).system).toMatchObject({ serverSideEncryption: "cos/kms", serverSideEncryptionCosKmsKeyId: "cmk-1" });
    // Onto itself: another KMS key re-encrypts in place; the same settings change nothing.
    await store.copy("kms", "kms", { serverSideEncryptionCosKmsKeyId: "cmk-2" } as never);
    expect((await store.stat("kms")).system).toMatchObject({ serverSideEncryption: "cos/kms", serverSideEncryptionCosKmsKeyId: "cmk-2" });
    emulator.resetStats();
    await store.copy("kms-again", "kms-again");
    expect(emulator.stats().byOperation["CopyObject"]).toBeUndefined();
    await store.deleteMany(["aes", "kms", "kms-again"]);
    const base = emulator.connectionString(BUCKET, "/");
    await expect(async () => newStorager(`${base}&default_server_side_encryption_cos_kms_key_id=cmk-1`)).rejects.toMatchObject({ code: "ConnectionStringInvalid" });
    // A storager a servicer hands out is checked the same way.
    const servicer = newServicer(`cos://?credential=hmac:stowage-ak:stowage-sk&endpoint=http:127.0.0.1:${emulator.port}&default_server_side_encryption_cos_kms_key_id=cmk-1`);
    await expect(async () => servicer.get(BUCKET)).rejects.toMatchObject({ code: "InvalidArgument" });
    const key = encodeURIComponent(Buffer.alloc(32, 7).toString("base64"));
    await expect(async () => newStorager(`${base}&server_side_encryption_customer_key=${key}&default_server_side_encryption=AES256`)).rejects.toMatchObject({
      code: "ConnectionStringInvalid",
    });
  });
});
