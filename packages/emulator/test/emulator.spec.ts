import { describe, expect, it } from "@jest/globals";
import { createHash, randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { request as httpsRequest } from "node:https";
import { Agent } from "node:https";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import COS from "cos-nodejs-sdk-v5";
import { crc64 } from "@stowage/core";
import { qsResource, qsSignature, qsStringToSign, QS_SUBRESOURCES } from "../src/qingstor/signature.js";
import { startEmulator } from "../src/index.js";

type Loose = any; // eslint-disable-line @typescript-eslint/no-explicit-any
const { QingStor, Config } = createRequire(import.meta.url)("qingstor-sdk") as { QingStor: new (cfg: Loose) => Loose; Config: new (opts: Loose) => Loose };

const cred = { accessKey: "AKIDemu", secretKey: "emu-secret" };
const sseKey = randomBytes(32);
const sse = (prefix: string, key = sseKey): Record<string, string> => ({
  [`${prefix}algorithm`]: "AES256",
  [`${prefix}key`]: key.toString("base64"),
  [`${prefix}key-MD5`]: createHash("md5").update(key).digest("base64"),
});

describe("startEmulator", () => {
  it("serves COS over TLS with a generated certificate and round-trips SSE-C", async () => {
    const emu = await startEmulator({ provider: "cos", tls: true, buckets: ["tls-1250000000"], credentials: cred });
    try {
      expect(emu.endpoint).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      expect(emu.ca).toContain("BEGIN CERTIFICATE");
      // The generated certificate verifies as its own CA for 127.0.0.1.
      const status = await new Promise<number>((resolve, reject) => {
        httpsRequest(`${emu.endpoint}/_emulator/health`, { ca: emu.ca }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        })
          .on("error", reject)
          .end();
      });
      expect(status).toBe(200);
      const cos = new COS({ SecretId: cred.accessKey, SecretKey: cred.secretKey, Protocol: "https:", Domain: `127.0.0.1:${emu.port}/{Bucket}`, StrictSsl: false } as COS.COSOptions);
      const p = { Bucket: "tls-1250000000", Region: "ap-guangzhou", Key: "secret.txt" };
      const prefix = "x-cos-server-side-encryption-customer-";
      const put = await cos.putObject({ ...p, Body: "encrypted at rest", Headers: sse(prefix) });
      expect(put.headers?.["x-cos-server-side-encryption-customer-algorithm"]).toBe("AES256");
      await expect(cos.getObject(p)).rejects.toMatchObject({ statusCode: 400, code: "InvalidRequest" });
      await expect(cos.getObject({ ...p, Headers: sse(prefix, randomBytes(32)) })).rejects.toMatchObject({ statusCode: 403, code: "AccessDenied" });
      const get = await cos.getObject({ ...p, Headers: sse(prefix) });
      expect(get.Body.toString()).toBe("encrypted at rest");
      const head = await cos.headObject({ ...p, Headers: sse(prefix) });
      expect(head.headers?.["x-cos-server-side-encryption-customer-key-md5"]).toBe(sse(prefix)[`${prefix}key-MD5`]);
    } finally {
      await emu.stop();
    }
  });

  it("round-trips QingStor SSE-C over TLS, trusting the generated CA", async () => {
    const tmp = await mkdtemp(join(tmpdir(), "qs-tls-"));
    process.env.QINGSTOR_CONFIG_PATH = join(tmp, "config.yaml");
    const emu = await startEmulator({ provider: "qingstor", tls: true, buckets: ["qs-tls"], credentials: cred });
    try {
      const cfg = new Config({ access_key_id: cred.accessKey, secret_access_key: cred.secretKey, endpoint: emu.endpoint, log_level: "error" });
      // The SDK sends `Host: undefined.127.0.0.1` (no zone), which Node uses as the TLS server name;
      // trust the generated CA but skip the host-name check.
      const httpsAgent = new Agent({ ca: emu.ca, checkServerIdentity: () => undefined });
      cfg.getAxiosConfig = (op: { method: string }) => (op.method === "GET" ? { httpsAgent, responseType: "arraybuffer" } : { httpsAgent });
      const bucket = new QingStor(cfg).Bucket("qs-tls");
      const headers = sse("x-qs-encryption-customer-");
      const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
      const put = await bucket.putObject("enc.bin", { body: Buffer.from("qs secret"), ...lower });
      expect(put.status).toBe(201);
      await expect(bucket.getObject("enc.bin")).rejects.toMatchObject({ response: { status: 400 } });
      const get = await bucket.getObject("enc.bin", lower);
      expect(Buffer.from(get.data).toString()).toBe("qs secret");
      expect(get.headers["x-qs-encryption-customer-algorithm"]).toBe("AES256");
    } finally {
      await emu.stop();
      await rm(tmp, { recursive: true, force: true });
    }
  });

  it("keeps buckets, objects, appends and uploads in dataDir across a restart", async () => {
    const dataDir = await mkdtemp(join(tmpdir(), "emu-data-"));
    const p = { Bucket: "keep-1250000000", Region: "ap-guangzhou" };
    const data = randomBytes(1024 * 1024 + 77);
    let uploadId: string;
    const first = await startEmulator({ provider: "cos", dataDir, buckets: [p.Bucket], credentials: cred });
    try {
      const cos = new COS({ SecretId: cred.accessKey, SecretKey: cred.secretKey, Protocol: "http:", Domain: `127.0.0.1:${first.port}/{Bucket}` } as COS.COSOptions);
      await cos.putObject({ ...p, Key: "a/b c.txt", Body: "persisted", Headers: { "x-cos-meta-x": "1" } });
      await cos.appendObject({ ...p, Key: "log", Body: "12345", Position: 0 });
      const { UploadId } = await cos.multipartInit({ ...p, Key: "mp.bin" });
      uploadId = UploadId;
      await cos.multipartUpload({ ...p, Key: "mp.bin", UploadId, PartNumber: 1, Body: data.subarray(0, 1024 * 1024) });
      await cos.multipartUpload({ ...p, Key: "mp.bin", UploadId, PartNumber: 2, Body: data.subarray(1024 * 1024) });
    } finally {
      await first.stop();
    }
    const second = await startEmulator({ provider: "cos", dataDir, credentials: cred });
    try {
      const cos = new COS({ SecretId: cred.accessKey, SecretKey: cred.secretKey, Protocol: "http:", Domain: `127.0.0.1:${second.port}/{Bucket}` } as COS.COSOptions);
      const got = await cos.getObject({ ...p, Key: "a/b c.txt" });
      expect(got.Body.toString()).toBe("persisted");
      expect(got.headers?.["x-cos-meta-x"]).toBe("1");
      const appended = await cos.appendObject({ ...p, Key: "log", Body: "6789", Position: 5 });
      expect(appended.headers?.["x-cos-next-append-position"]).toBe("9");
      expect((await cos.headObject({ ...p, Key: "log" })).headers?.["x-cos-hash-crc64ecma"]).toBe("11051210869376104954");
      const parts = await cos.multipartListPart({ ...p, Key: "mp.bin", UploadId: uploadId });
      const done = await cos.multipartComplete({ ...p, Key: "mp.bin", UploadId: uploadId, Parts: parts.Part.map((x) => ({ PartNumber: Number(x.PartNumber), ETag: x.ETag })) });
      expect(done.statusCode).toBe(200);
      const whole = await cos.getObject({ ...p, Key: "mp.bin" });
      expect(Buffer.compare(whole.Body, data)).toBe(0);
      expect(whole.headers?.["x-cos-hash-crc64ecma"]).toBe(crc64(data).toString());
      const list = await cos.getBucket({ ...p });
      expect(list.Contents.map((c) => c.Key)).toEqual(["a/b c.txt", "log", "mp.bin"]);
    } finally {
      await second.stop();
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it("discard mode counts bytes, keeps none, and serves zeros", async () => {
    const emu = await startEmulator({ provider: "oss", discard: true, buckets: ["bench-bucket"], credentials: cred });
    try {
      const OSS = createRequire(import.meta.url)("ali-oss") as new (o: Record<string, unknown>) => Loose;
      const oss = new OSS({ accessKeyId: cred.accessKey, accessKeySecret: cred.secretKey, bucket: "bench-bucket", region: "oss-cn-hangzhou", endpoint: emu.endpoint });
      const put = await oss.put("big.bin", randomBytes(300_000));
      expect(put.res.headers["x-oss-hash-crc64ecma"]).toBeUndefined();
      const head = await oss.head("big.bin");
      expect(head.res.headers["content-length"]).toBe("300000");
      const get = await oss.get("big.bin");
      expect(get.content.length).toBe(300_000);
      expect(get.content.every((b: number) => b === 0)).toBe(true);
      expect(emu.stats().bytesReceived).toBe(300_000);
      expect(emu.stats().bytesSent).toBe(300_000);
      // CPU time of the process: it grows with work and survives a reset of the counters.
      const before = emu.stats().cpuMicros;
      expect(before).toBeGreaterThan(0);
      await oss.put("more.bin", randomBytes(2_000_000));
      await fetch(`${emu.endpoint}/_emulator/stats`, { method: "DELETE" });
      const after = (await (await fetch(`${emu.endpoint}/_emulator/stats`)).json()) as { cpuMicros: number; requests: number };
      expect(after.requests).toBe(0);
      expect(after.cpuMicros).toBeGreaterThan(before);
    } finally {
      await emu.stop();
    }
  });

  it("accepts Go-SDK-style QingStor requests (Date header, canonical path, signed position)", async () => {
    const emu = await startEmulator({ provider: "qingstor", buckets: ["go-style"], credentials: cred });
    try {
      const key = "dir/中文 a.txt";
      const path = "/go-style/" + encodeURIComponent(key).replace(/%2F/g, "/");
      const date = new Date().toUTCString();
      const sign = (method: string, query: [string, string][], contentType: string): string =>
        qsSignature(cred.secretKey, qsStringToSign({ method, contentMd5: "", contentType, date, headers: {}, resource: qsResource(path, query, QS_SUBRESOURCES) }));
      const res = await fetch(`${emu.endpoint}${path}?append&position=0`, {
        method: "POST",
        headers: { date, "content-type": "text/plain", authorization: `QS ${cred.accessKey}:${sign("POST", [["append", ""], ["position", "0"]], "text/plain")}` },
        body: Buffer.from("go"),
      });
      expect(res.status).toBe(200);
      expect(res.headers.get("x-qs-next-append-position")).toBe("2");
      const get = await fetch(`${emu.endpoint}${path}`, { headers: { date, authorization: `QS ${cred.accessKey}:${sign("GET", [], "")}` } });
      expect(await get.text()).toBe("go");
    } finally {
      await emu.stop();
    }
  });

  it("requires the security token of temporary credentials", async () => {
    const emu = await startEmulator({ provider: "cos", buckets: ["sts-1250000000"], credentials: { ...cred, securityToken: "session-token" } });
    try {
      const mk = (token?: string): COS =>
        new COS({ SecretId: cred.accessKey, SecretKey: cred.secretKey, SecurityToken: token, Protocol: "http:", Domain: `127.0.0.1:${emu.port}/{Bucket}` } as COS.COSOptions);
      const p = { Bucket: "sts-1250000000", Region: "ap-guangzhou", Key: "t.txt" };
      expect((await mk("session-token").putObject({ ...p, Body: "ok" })).statusCode).toBe(200);
      await expect(mk().putObject({ ...p, Body: "no" })).rejects.toMatchObject({ statusCode: 403, code: "AccessDenied" });
      await expect(mk("other").putObject({ ...p, Body: "no" })).rejects.toMatchObject({ statusCode: 403, code: "InvalidAccessKeyId" });
    } finally {
      await emu.stop();
    }
  });

  it("builds connection strings and validates options", async () => {
    const emu = await startEmulator({ provider: "cos", credentials: { accessKey: "ak", secretKey: "s/k" } });
    try {
      expect(emu.connectionString("b-1250000000")).toBe(`cos://b-1250000000/?credential=hmac:ak:s%2Fk&endpoint=http:127.0.0.1:${emu.port}&location=ap-guangzhou`);
      expect(emu.connectionString("b-1250000000", "backups")).toBe(`cos://b-1250000000/backups/?credential=hmac:ak:s%2Fk&endpoint=http:127.0.0.1:${emu.port}&location=ap-guangzhou`);
    } finally {
      await emu.stop();
    }
    await expect(startEmulator({ provider: "s3" as "cos" })).rejects.toMatchObject({ name: "StorageError", code: "InvalidArgument" });
    await expect(startEmulator({ provider: "cos", discard: true, dataDir: "/tmp/x" })).rejects.toMatchObject({ name: "StorageError", code: "InvalidArgument" });
    await expect(startEmulator({ provider: "cos", faults: [{ kind: "bogus" } as never] })).rejects.toMatchObject({ name: "StorageError", code: "InvalidArgument" });
    await expect(startEmulator({ provider: "cos", buckets: ["_emulator"] })).rejects.toMatchObject({ name: "StorageError", code: "InvalidArgument" });
    await expect(startEmulator({ provider: "oss", buckets: [""] })).rejects.toMatchObject({ name: "StorageError", code: "InvalidArgument" });
  });
});
