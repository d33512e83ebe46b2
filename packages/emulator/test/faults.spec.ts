import { afterAll, beforeAll, beforeEach, describe, expect, it, jest } from "@jest/globals";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { get as httpGet } from "node:http";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import COS from "cos-nodejs-sdk-v5";
import { crc64 } from "@stowage/core";
import { startEmulator, type Emulator } from "../src/index.js";

type Loose = any; // eslint-disable-line @typescript-eslint/no-explicit-any
const OSS = createRequire(import.meta.url)("ali-oss") as new (opts: Record<string, unknown>) => Loose;

const BUCKET = "faults-1250000000";
const REGION = "ap-guangzhou";
const cred = { accessKey: "AKIDfaults", secretKey: "faults-secret" };

let emu: Emulator;
let cos: COS;
let tmp: string;

const params = { Bucket: BUCKET, Region: REGION };

function cosClient(): COS {
  return new COS({ SecretId: cred.accessKey, SecretKey: cred.secretKey, Protocol: "http:", Domain: `127.0.0.1:${emu.port}/{Bucket}` } as COS.COSOptions);
}

/** A presigned GET URL for a key. */
function presigned(Key: string): string {
  return cos.getObjectUrl({ ...params, Key, Sign: true, Expires: 60 }, () => undefined);
}

/** Raw GET with node:http: the bytes received before the connection ended, and how it ended. */
function rawGet(url: string): Promise<{ status: number; declared: number; received: number; ended: "complete" | "aborted" | "error" }> {
  return new Promise((resolve) => {
    const req = httpGet(url, { agent: false }, (res) => {
      let received = 0;
      const declared = Number(res.headers["content-length"]);
      let done = false;
      const finish = (ended: "complete" | "aborted" | "error"): void => {
        if (done) return;
        done = true;
        resolve({ status: res.statusCode ?? 0, declared, received, ended: ended === "complete" && received < declared ? "aborted" : ended });
      };
      res.on("data", (c: Buffer) => (received += c.length));
      res.on("end", () => finish("complete"));
      res.on("aborted", () => finish("aborted"));
      res.on("error", () => finish("error"));
      res.on("close", () => finish(received < declared ? "aborted" : "complete"));
    });
    req.on("error", () => resolve({ status: 0, declared: 0, received: 0, ended: "error" }));
  });
}

beforeAll(async () => {
  emu = await startEmulator({ provider: "cos", buckets: [BUCKET], credentials: cred, region: REGION });
  cos = cosClient();
  tmp = await mkdtemp(join(tmpdir(), "faults-"));
});

afterAll(async () => {
  await emu.stop();
  await rm(tmp, { recursive: true, force: true });
});

beforeEach(() => {
  emu.setFaults([]);
  emu.resetStats();
});

describe("fault injection", () => {
  it("status: a 503 is retried by the COS SDK and counted", async () => {
    emu.setFaults([{ kind: "status", status: 503, operation: "PutObject", count: 1 }]);
    const r = await cos.putObject({ ...params, Key: "status.txt", Body: "ok" });
    expect(r.statusCode).toBe(200);
    const s = emu.stats();
    expect(s.faultsByKind.status).toBe(1);
    expect(s.byStatus["503"]).toBe(1);
    expect(s.byOperation.PutObject).toBe(2);
    emu.setFaults([{ kind: "status", status: 500, operation: "HeadObject" }]);
    await expect(cos.headObject({ ...params, Key: "status.txt" })).rejects.toMatchObject({ statusCode: 500 });
    expect(emu.faults()[0]!.fired).toBe(4); // the SDK tried four times
  });

  it("throttle: each provider answers with its own throttling error", async () => {
    emu.setFaults([{ kind: "throttle", operation: "GetObject" }]);
    await cos.putObject({ ...params, Key: "throttle.txt", Body: "x" });
    await expect(cos.getObject({ ...params, Key: "throttle.txt" })).rejects.toMatchObject({ code: "SlowDown", statusCode: 503 });
    const oss = await startEmulator({ provider: "oss", buckets: ["oss-bucket"], credentials: cred, faults: [{ kind: "throttle" }] });
    try {
      const client = new OSS({ accessKeyId: cred.accessKey, accessKeySecret: cred.secretKey, bucket: "oss-bucket", region: "oss-cn-hangzhou", endpoint: oss.endpoint });
      await expect(client.put("k", Buffer.from("v"))).rejects.toMatchObject({ status: 503, code: "TotalQpsLimitExceeded" });
    } finally {
      await oss.stop();
    }
    const qs = await startEmulator({ provider: "qingstor", buckets: ["qb-bucket"], credentials: cred, faults: [{ kind: "throttle" }] });
    try {
      const res = await fetch(`${qs.endpoint}/qb-bucket/k`);
      expect(res.status).toBe(429);
      expect(((await res.json()) as { code: string }).code).toBe("too_many_requests");
    } finally {
      await qs.stop();
    }
  });

  it("reset: the download connection is reset mid-body; an upload is reset mid-request and nothing is stored", async () => {
    const data = randomBytes(256 * 1024);
    await cos.putObject({ ...params, Key: "reset.bin", Body: data });
    emu.setFaults([{ kind: "reset", operation: "GetObject", afterBytes: 1000, count: 1 }]);
    const r = await rawGet(presigned("reset.bin"));
    expect(r.status).toBe(200);
    expect(r.declared).toBe(data.length);
    expect(r.received).toBeLessThan(data.length);
    expect(r.ended).not.toBe("complete");
    expect(emu.stats().byStatus.reset).toBe(1);

    emu.setFaults([{ kind: "reset", operation: "PutObject", count: 1 }]);
    const url = cos.getObjectUrl({ ...params, Key: "reset-put.bin", Sign: true, Method: "PUT", Expires: 60 }, () => undefined);
    await expect(fetch(url, { method: "PUT", body: data })).rejects.toThrow();
    await expect(cos.headObject({ ...params, Key: "reset-put.bin" })).rejects.toMatchObject({ statusCode: 404 });
  });

  it("delay: a slow response trips a client timeout", async () => {
    emu.setFaults([{ kind: "delay", ms: 1500, operation: "HeadObject", count: 1 }]);
    await cos.putObject({ ...params, Key: "slow.txt", Body: "x" });
    const url = cos.getObjectUrl({ ...params, Key: "slow.txt", Sign: true, Method: "HEAD" as "GET", Expires: 60 }, () => undefined);
    await expect(fetch(url, { method: "HEAD", signal: AbortSignal.timeout(200) })).rejects.toHaveProperty("name", "TimeoutError");
    expect(emu.stats().faultsByKind.delay).toBe(1);
    expect((await fetch(url, { method: "HEAD" })).status).toBe(200);
  });

  it("bandwidth: each response body goes no faster than bytesPerSecond, whole and intact", async () => {
    const body = randomBytes(256 * 1024);
    await cos.putObject({ ...params, Key: "paced.bin", Body: body });
    emu.setFaults([{ kind: "bandwidth", bytesPerSecond: 1024 * 1024, operation: "GetObject" }]);
    const started = performance.now();
    const res = await fetch(presigned("paced.bin"));
    const got = Buffer.from(await res.arrayBuffer());
    // Pacing sets a floor, never a ceiling: 256 KiB at 1 MiB/s cannot take less than the 192 ms its last slice waits for.
    expect(performance.now() - started).toBeGreaterThanOrEqual(180);
    expect(got.equals(body)).toBe(true);
    expect(emu.stats().faultsByKind.bandwidth).toBe(1);
    expect(() => emu.setFaults([{ kind: "bandwidth", bytesPerSecond: 10 }])).toThrow(/bytesPerSecond/);
  });

  it("truncate: the body stops early and the connection closes", async () => {
    await cos.putObject({ ...params, Key: "trunc.bin", Body: randomBytes(100_000) });
    emu.setFaults([{ kind: "truncate", operation: "GetObject", afterBytes: 4321 }]);
    const r = await rawGet(presigned("trunc.bin"));
    expect(r.declared).toBe(100_000);
    expect(r.received).toBe(4321);
    expect(r.ended).not.toBe("complete");
  });

  it("flip-byte: one byte of a GET body is flipped; the CRC header still describes the stored object", async () => {
    const data = randomBytes(10_000);
    await cos.putObject({ ...params, Key: "flip.bin", Body: data });
    emu.setFaults([{ kind: "flip-byte", operation: "GetObject", offset: 1234, count: 1 }]);
    const got = await cos.getObject({ ...params, Key: "flip.bin" });
    const body = got.Body as Buffer;
    expect(body.length).toBe(data.length);
    const diffs = [...body].map((b, i) => (b !== data[i] ? i : -1)).filter((i) => i >= 0);
    expect(diffs).toEqual([1234]);
    expect(got.headers?.["x-cos-hash-crc64ecma"]).toBe(crc64(data).toString());
    expect(crc64(body).toString()).not.toBe(got.headers?.["x-cos-hash-crc64ecma"]);
  });

  it("flip-byte: a stored part is corrupted; ETag and CRC describe the corrupted bytes", async () => {
    const data = randomBytes(2 * 1024 * 1024 + 100);
    const FilePath = join(tmp, "flip-part.bin");
    await writeFile(FilePath, data);
    emu.setFaults([{ kind: "flip-byte", operation: "UploadPart", count: 1 }]);
    await cos.sliceUploadFile({ ...params, Key: "flip-part.bin", FilePath, ChunkSize: 1024 * 1024 } as COS.SliceUploadFileParams);
    const got = await cos.getObject({ ...params, Key: "flip-part.bin" });
    const body = got.Body as Buffer;
    expect(Buffer.compare(body, data)).not.toBe(0);
    expect([...body].filter((b, i) => b !== data[i]).length).toBe(1);
    expect(got.headers?.["x-cos-hash-crc64ecma"]).toBe(crc64(body).toString());
    expect(got.headers?.["x-cos-hash-crc64ecma"]).not.toBe(crc64(data).toString());
  });

  it("wrong-crc64: the response header lies, the stored value does not", async () => {
    emu.setFaults([{ kind: "wrong-crc64", operation: "PutObject" }]);
    const put = await cos.putObject({ ...params, Key: "crc.txt", Body: "hello cos" });
    expect(put.headers?.["x-cos-hash-crc64ecma"]).toMatch(/^\d+$/);
    expect(put.headers?.["x-cos-hash-crc64ecma"]).not.toBe("13242225731321912570");
    const head = await cos.headObject({ ...params, Key: "crc.txt" });
    expect(head.headers?.["x-cos-hash-crc64ecma"]).toBe("13242225731321912570");
  });

  it("error-200: COS Complete answers 200 with an <Error> body and completes nothing", async () => {
    const Key = "e200.bin";
    const { UploadId } = await cos.multipartInit({ ...params, Key });
    const part = await cos.multipartUpload({ ...params, Key, UploadId, PartNumber: 1, Body: Buffer.from("only part") });
    emu.setFaults([{ kind: "error-200", operation: "CompleteMultipartUpload", count: 1 }]);
    const complete = () => cos.multipartComplete({ ...params, Key, UploadId, Parts: [{ PartNumber: 1, ETag: part.ETag }] });
    await expect(complete()).rejects.toMatchObject({ code: "InternalError", statusCode: 200 });
    await expect(cos.headObject({ ...params, Key })).rejects.toMatchObject({ statusCode: 404 });
    expect((await complete()).statusCode).toBe(200);
    expect((await cos.getObject({ ...params, Key })).Body.toString()).toBe("only part");
  });

  it("error-200: sliceUploadFile survives a failed Complete by resuming the upload", async () => {
    const FilePath = join(tmp, "e200-slice.bin");
    const data = randomBytes(1024 * 1024 + 10);
    await writeFile(FilePath, data);
    emu.setFaults([{ kind: "error-200", operation: "CompleteMultipartUpload", count: 1 }]);
    await cos.sliceUploadFile({ ...params, Key: "e200-slice.bin", FilePath, ChunkSize: 1024 * 1024 } as COS.SliceUploadFileParams);
    expect(emu.stats().faultsByKind["error-200"]).toBe(1);
    expect(emu.stats().byOperation.CompleteMultipartUpload).toBe(2);
    expect(Buffer.compare((await cos.getObject({ ...params, Key: "e200-slice.bin" })).Body, data)).toBe(0);
  });

  it("error-200: a COS copy answered with a 200 <Error> is retried by the SDK", async () => {
    await cos.putObject({ ...params, Key: "copy-src.txt", Body: "c" });
    emu.setFaults([{ kind: "error-200", operation: "CopyObject", count: 1, code: "InternalError" }]);
    const r = await cos.putObjectCopy({ ...params, Key: "copy-dst.txt", CopySource: `${BUCKET}.cos.${REGION}.myqcloud.com/copy-src.txt` });
    expect(r.statusCode).toBe(200);
    expect(emu.stats().byOperation.CopyObject).toBe(2);
    expect(emu.stats().faultsByKind["error-200"]).toBe(1);
  });

  it("error-200: a COS batch delete answered 200 with an <Error> deletes nothing", async () => {
    await cos.putObject({ ...params, Key: "batch-kept.txt", Body: "k" });
    emu.setFaults([{ kind: "error-200", operation: "DeleteObjects", count: 1 }]);
    await cos.deleteMultipleObject({ ...params, Objects: [{ Key: "batch-kept.txt" }] }).catch(() => undefined);
    expect(emu.faults()[0]).toMatchObject({ matched: 1, fired: 1 });
    expect((await cos.headObject({ ...params, Key: "batch-kept.txt" })).statusCode).toBe(200);
  });

  it("error-200 never fires on an operation without such an answer, and a rule naming only such operations is refused", async () => {
    emu.setFaults([{ kind: "error-200" }]);
    await cos.putObject({ ...params, Key: "e200-put.txt", Body: "p" });
    await cos.deleteObject({ ...params, Key: "e200-put.txt" });
    expect(emu.faults()[0]).toMatchObject({ matched: 0, fired: 0 });
    expect(emu.stats().faultsByKind["error-200"]).toBeUndefined();
    expect(() => emu.setFaults([{ kind: "error-200", operation: ["PutObject", "DeleteObject"] }])).toThrow(expect.objectContaining({ code: "InvalidArgument" }));
  });

  it("clock-skew: COS answers 'Request has expired' and the SDK corrects its clock", async () => {
    emu.setFaults([{ kind: "clock-skew", seconds: 3600 }]);
    const fresh = cosClient();
    const quiet = jest.spyOn(console, "error").mockImplementation(() => undefined); // the SDK logs "Local time is too skewed."
    const r = await fresh.putObject({ ...params, Key: "skew.txt", Body: "x" }).finally(() => quiet.mockRestore());
    expect(r.statusCode).toBe(200);
    expect(emu.stats().byStatus["403"]).toBe(1);
    const oss = await startEmulator({ provider: "oss", buckets: ["oss-bucket"], credentials: cred, faults: [{ kind: "clock-skew", seconds: -3600 }] });
    try {
      const client = new OSS({ accessKeyId: cred.accessKey, accessKeySecret: cred.secretKey, bucket: "oss-bucket", region: "oss-cn-hangzhou", endpoint: oss.endpoint });
      await expect(client.put("k", Buffer.from("v"))).rejects.toMatchObject({ status: 403, code: "RequestTimeTooSkewed" });
    } finally {
      await oss.stop();
    }
  });

  it("schedules by skip, count and seeded probability", async () => {
    await cos.putObject({ ...params, Key: "p.txt", Body: "x" });
    const url = presigned("p.txt");
    const pattern = async (): Promise<number[]> => {
      const out: number[] = [];
      for (let i = 0; i < 16; i++) out.push((await fetch(url)).status);
      return out;
    };
    emu.setFaults([{ kind: "status", status: 500, operation: "GetObject", probability: 0.5, seed: 7 }]);
    const first = await pattern();
    emu.setFaults([{ kind: "status", status: 500, operation: "GetObject", probability: 0.5, seed: 7 }]);
    const second = await pattern();
    expect(second).toEqual(first);
    expect(first).toContain(500);
    expect(first).toContain(200);
    expect(emu.faults()[0]!.fired).toBe(first.filter((s) => s === 500).length);
    emu.setFaults([{ kind: "status", status: 503, operation: "GetObject", skip: 2, count: 2 }]);
    expect(await pattern()).toEqual([200, 200, 503, 503, ...Array(12).fill(200)]);
  });

  it("matches rules by bucket, key and key prefix", async () => {
    await cos.putObject({ ...params, Key: "a/1", Body: "x" });
    await cos.putObject({ ...params, Key: "b/1", Body: "x" });
    emu.setFaults([{ kind: "status", keyPrefix: "a/", bucket: BUCKET }]);
    expect((await fetch(presigned("a/1"))).status).toBe(503);
    expect((await fetch(presigned("b/1"))).status).toBe(200);
    emu.setFaults([{ kind: "status", key: "b/1", bucket: "other-bucket" }]);
    expect((await fetch(presigned("b/1"))).status).toBe(200);
  });

  it("is driven over the admin HTTP route too", async () => {
    await cos.putObject({ ...params, Key: "admin.txt", Body: "x" });
    const put = await fetch(`${emu.endpoint}/_emulator/faults`, { method: "PUT", body: JSON.stringify([{ kind: "status", status: 500, key: "admin.txt", count: 1 }]) });
    expect(put.status).toBe(200);
    expect((await fetch(presigned("admin.txt"))).status).toBe(500);
    expect((await fetch(presigned("admin.txt"))).status).toBe(200);
    const rules = (await (await fetch(`${emu.endpoint}/_emulator/faults`)).json()) as { fired: number }[];
    expect(rules[0]!.fired).toBe(1);
    const stats = (await (await fetch(`${emu.endpoint}/_emulator/stats`)).json()) as { faults: number; byOperation: Record<string, number> };
    expect(stats.faults).toBe(1);
    expect(stats.byOperation.GetObject).toBe(2);
    const bad = await fetch(`${emu.endpoint}/_emulator/faults`, { method: "POST", body: JSON.stringify({ kind: "nope" }) });
    expect(bad.status).toBe(400);
    expect((await fetch(`${emu.endpoint}/_emulator/faults`, { method: "DELETE" })).status).toBe(204);
    expect(emu.faults()).toEqual([]);
    // A virtual-hosted request for the key "_emulator/faults" is an object request, not the admin route.
    const vh = new COS({ SecretId: cred.accessKey, SecretKey: cred.secretKey, Protocol: "http:", Ip: `127.0.0.1:${emu.port}` } as COS.COSOptions);
    await vh.putObject({ ...params, Key: "_emulator/faults", Body: "just a key" });
    expect((await vh.getObject({ ...params, Key: "_emulator/faults" })).Body.toString()).toBe("just a key");
  });

  it("rejects invalid rules from the JS API", () => {
    expect(() => emu.setFaults([{ kind: "status", status: 404 as 500 }])).toThrow(/status must be 500 or 503/);
    expect(() => emu.setFaults([{ kind: "delay" } as never])).toThrow(/ms/);
  });
});
