import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { newStorager } from "@stowage/core";
import { startEmulator, type Emulator } from "@stowage/emulator";
import "../src/index.js";

const BUCKET = "presign-defaults";
let emulator: Emulator;

beforeAll(async () => {
  emulator = await startEmulator({ provider: "oss", buckets: [BUCKET] });
});
afterAll(async () => {
  await emulator.stop();
});

describe("oss presign: open-time SSE defaults", () => {
  it("a presigned PUT and Initiate sign default_server_side_encryption (and the KMS key id); the upload is encrypted", async () => {
    const store = newStorager(`${emulator.connectionString(BUCKET, `/${randomUUID()}/`)}&default_server_side_encryption=KMS&default_server_side_encryption_key_id=cmk-1`);
    const put = await store.presign("write", "enc.txt", { expires: 600 });
    expect(put.headers).toMatchObject({ "x-oss-server-side-encryption": "KMS", "x-oss-server-side-encryption-key-id": "cmk-1" });
    const res = await fetch(put.url, { method: "PUT", headers: put.headers, body: Buffer.from("secret") });
    expect(res.status).toBe(200);
    expect((await store.stat("enc.txt")).system).toMatchObject({ serverSideEncryption: "KMS", serverSideEncryptionKeyId: "cmk-1" });
    const init = await store.presign("createMultipart", "mp.bin", { expires: 600 });
    expect(init.headers["x-oss-server-side-encryption"]).toBe("KMS");
    const get = await store.presign("read", "enc.txt", { expires: 600 });
    expect(get.headers["x-oss-server-side-encryption"]).toBeUndefined();
    expect(await (await fetch(get.url, { headers: get.headers })).text()).toBe("secret");
    await store.delete("enc.txt");
  });

  it("a call-site mode is signed too, and KMS details without KMS are refused", async () => {
    const store = newStorager(emulator.connectionString(BUCKET, `/${randomUUID()}/`));
    const put = await store.presign("write", "sm4.txt", { expires: 600, serverSideEncryption: "SM4" } as never);
    expect(put.headers["x-oss-server-side-encryption"]).toBe("SM4");
    await expect(store.presign("write", "x", { expires: 600, serverSideEncryptionKeyId: "k" } as never)).rejects.toMatchObject({ code: "InvalidArgument" });
  });
});

describe("oss SSE defaults against call-site values", () => {
  it("a call-site SSE mode drops the defaulted KMS key id; KMS defaults without KMS are refused at open", async () => {
    const store = newStorager(`${emulator.connectionString(BUCKET, `/${randomUUID()}/`)}&default_server_side_encryption=KMS&default_server_side_encryption_key_id=cmk-1`);
    await store.write("aes", "v", { serverSideEncryption: "AES256" } as never);
    expect((await store.stat("aes")).system).toMatchObject({ serverSideEncryption: "AES256" });
    expect((await store.stat("aes")).system).not.toHaveProperty("serverSideEncryptionKeyId");
    // Onto itself: another SSE mode re-encrypts in place; the same settings change nothing.
    const plain = newStorager(emulator.connectionString(BUCKET, `/${randomUUID()}/`));
    await plain.write("p", "v");
    await plain.copy("p", "p", { serverSideEncryption: "AES256" } as never);
    expect((await plain.stat("p")).system).toMatchObject({ serverSideEncryption: "AES256" });
    emulator.resetStats();
    await plain.copy("p", "p");
    await plain.copy("p", "p", { serverSideEncryption: "AES256" } as never);
    expect(emulator.stats().byOperation["CopyObject"]).toBeUndefined();
    expect((await plain.read("p")).toString()).toBe("v");
    await plain.delete("p");
    await store.delete("aes");
    await expect(async () => newStorager(`${emulator.connectionString(BUCKET, "/")}&default_server_side_encryption_key_id=cmk-1`)).rejects.toMatchObject({ code: "ConnectionStringInvalid" });
  });
});
