// server_side_data_encryption (KMS with SM4) end to end on the emulator, which stores, echoes and checks
// the OSS SSE headers as OSS does (protocols.md §2.7): a multipart write and its copy report it; an
// appendable object takes it (not the key id: refused at the call site before anything is sent, and a
// storager opened with a defaulted one refuses appends); a createDir marker is written with the open-time SSE defaults like any object.
import { randomBytes, randomUUID } from "node:crypto";
import { describe, expect, it } from "@jest/globals";
import { newStorager, type Storager } from "@stowage/core";
import "../src/index.js"; // registers oss://
import type { OssOptions } from "../src/index.js";
import { useEmulatorClient } from "./emulator-client.js";

const BUCKET = "sse-kms-details";
const KiB = 1024;
const KMS_SM4 = { serverSideEncryption: "KMS", serverSideDataEncryption: "SM4" } as const;
const env = useEmulatorClient(BUCKET);

/** A storager under a fresh work_dir, with `extra` connection-string pairs; and that work_dir's key prefix. */
function open(extra = ""): { s: Storager<OssOptions>; dir: string } {
  const dir = randomUUID();
  const s = newStorager<OssOptions>(`oss://${BUCKET}/${dir}/?credential=hmac:ak:sk&endpoint=http:127.0.0.1:${env.emulator.port}&location=cn-hangzhou${extra}`);
  return { s, dir };
}

/** The SSE fields a stat reports under `system`. */
async function sseOf(s: Storager<OssOptions>, path: string, mode?: "dir"): Promise<Record<string, unknown>> {
  const system = (await s.stat(path, mode === undefined ? undefined : { mode })).system ?? {};
  return Object.fromEntries(["serverSideEncryption", "serverSideDataEncryption", "serverSideEncryptionKeyId"].filter((k) => system[k] !== undefined).map((k) => [k, system[k]]));
}

/** The SSE headers of a HEAD of `key` (a bucket key, work_dir included). */
async function headSse(key: string): Promise<Record<string, unknown>> {
  const res = await env.client.sendBuffered({ operation: "head_object", method: "HEAD", key, query: [], headers: {} });
  return Object.fromEntries(Object.entries(res.headers).filter(([h]) => h.startsWith("x-oss-server-side-")));
}

describe("oss KMS with SM4 data encryption", () => {
  it("a multipart write reports it, and so do its copy and move", async () => {
    const { s } = open();
    const data = randomBytes(250 * KiB);
    env.emulator.resetStats();
    await s.write("mp.bin", data, { ...KMS_SM4, multipartThreshold: 100 * KiB, partSize: 100 * KiB });
    expect(env.emulator.stats().byOperation["CompleteMultipartUpload"]).toBe(1);
    expect(await sseOf(s, "mp.bin")).toEqual(KMS_SM4);
    await s.copy("mp.bin", "copy.bin");
    expect(await sseOf(s, "copy.bin")).toEqual(KMS_SM4);
    await s.move("copy.bin", "moved.bin");
    expect(await sseOf(s, "moved.bin")).toEqual(KMS_SM4);
    expect((await s.read("moved.bin")).equals(data)).toBe(true);
  });

  it("createAppend takes it at the call site; a key id there is refused before anything is sent", async () => {
    const { s } = open();
    const log = await s.createAppend("app.log", KMS_SM4);
    await s.writeAppend(log, Buffer.from("line\n"));
    expect(await sseOf(s, "app.log")).toEqual(KMS_SM4);
    env.emulator.resetStats();
    await expect(s.createAppend("keyed.log", { serverSideEncryption: "KMS", serverSideEncryptionKeyId: "cmk-1" } as never)).rejects.toMatchObject({ code: "PairUnsupported" });
    expect(env.emulator.stats().requests).toBe(0);
  });

  it("createAppend takes the defaulted data encryption", async () => {
    const { s } = open("&default_server_side_encryption=KMS&default_server_side_data_encryption=SM4");
    expect(s.features.append).toBe(true);
    const log = await s.createAppend("app.log");
    await s.writeAppend(log, Buffer.from("line\n"));
    expect(await sseOf(s, "app.log")).toEqual(KMS_SM4);
  });

  it("a storager opened with a defaulted key id refuses appends, which OSS would encrypt under its default key, and changes nothing", async () => {
    const { s } = open("&default_server_side_encryption=KMS&default_server_side_data_encryption=SM4&default_server_side_encryption_key_id=cmk-1");
    expect(s.features.append).toBe(false);
    await s.write("app.log", "kept");
    env.emulator.resetStats();
    const refused = s.createAppend("app.log");
    await expect(refused).rejects.toMatchObject({ code: "CapabilityInsufficient" });
    await expect(refused).rejects.toThrow(/default_server_side_encryption_key_id/);
    expect(env.emulator.stats().requests).toBe(0);
    expect((await s.read("app.log")).toString()).toBe("kept");
    expect(await sseOf(s, "app.log")).toEqual({ ...KMS_SM4, serverSideEncryptionKeyId: "cmk-1" });
  });
});

describe("oss createDir encrypts its marker", () => {
  it("with the open-time SSE defaults (KMS, SM4, key id)", async () => {
    const { s, dir } = open("&default_server_side_encryption=KMS&default_server_side_data_encryption=SM4&default_server_side_encryption_key_id=cmk-1");
    await s.createDir("d/");
    expect(await headSse(`${dir}/d/`)).toEqual({
      "x-oss-server-side-encryption": "KMS",
      "x-oss-server-side-data-encryption": "SM4",
      "x-oss-server-side-encryption-key-id": "cmk-1",
    });
  });

  it("with default_server_side_encryption=AES256, and as the call says", async () => {
    const { s, dir } = open("&default_server_side_encryption=AES256");
    await s.createDir("d/");
    expect(await headSse(`${dir}/d/`)).toEqual({ "x-oss-server-side-encryption": "AES256" });
    await s.createDir("e/", { serverSideEncryption: "SM4" });
    expect(await headSse(`${dir}/e/`)).toEqual({ "x-oss-server-side-encryption": "SM4" });
    const plain = open();
    await plain.s.createDir("p/");
    expect(await headSse(`${plain.dir}/p/`)).toEqual({});
  });
});
