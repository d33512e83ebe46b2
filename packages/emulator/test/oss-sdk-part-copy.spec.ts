import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { createHash, randomBytes } from "node:crypto";
import { createRequire } from "node:module";
import { crc64 } from "@stowage/core";
import { startEmulator, type Emulator } from "../src/index.js";

// ali-oss ships no types; the tests use a loose view of its client.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Client = any;
const OSS = createRequire(import.meta.url)("ali-oss") as new (opts: Record<string, unknown>) => Client;

const BUCKET = "oss-part-copy";
const AK = "LTAIpartcopy";
const SK = "oss-part-copy-secret";
const KiB = 1024;

let emu: Emulator;
let oss: Client;

/** The ETag OSS gives bytes stored whole: their MD5, upper-case hex, quoted. */
const ossEtagOf = (b: Buffer): string => `"${createHash("md5").update(b).digest("hex").toUpperCase()}"`;

beforeAll(async () => {
  emu = await startEmulator({ provider: "oss", buckets: [BUCKET], credentials: { accessKey: AK, secretKey: SK } });
  // IP endpoint: ali-oss sends `Host: <bucket>.oss-cn-hangzhou.aliyuncs.com`.
  oss = new OSS({ accessKeyId: AK, accessKeySecret: SK, bucket: BUCKET, region: "oss-cn-hangzhou", endpoint: `http://127.0.0.1:${emu.port}` });
});

afterAll(async () => {
  await emu.stop();
});

describe("ali-oss part copies against the emulator (the part's ETag in the answer's header)", () => {
  it.each(["copy/src.bin", "copy/src é+?&=.bin"])("multipartUploadCopy copies %j byte for byte", async (source) => {
    const body = randomBytes(350 * KiB + 3);
    await oss.put(source, body);
    emu.resetStats();
    const target = `${source}.copy`;
    const r = await oss.multipartUploadCopy(target, { sourceKey: source, sourceBucketName: BUCKET }, { partSize: 100 * KiB, parallel: 2 });
    expect(r.res.status).toBe(200);
    const get = await oss.get(target);
    expect(Buffer.compare(get.content, body)).toBe(0);
    expect(get.res.headers["x-oss-object-type"]).toBe("Multipart");
    expect(get.res.headers["x-oss-hash-crc64ecma"]).toBe(crc64(body).toString());
    expect(emu.stats().byOperation.UploadPartCopy).toBe(4);
  });

  it("multipartUploadCopy copies a range of the source (startOffset, endOffset)", async () => {
    const body = randomBytes(400 * KiB);
    await oss.put("copy/ranged-src.bin", body);
    const start = 50 * KiB + 7;
    const end = 300 * KiB + 11;
    await oss.multipartUploadCopy("copy/ranged.bin", { sourceKey: "copy/ranged-src.bin", sourceBucketName: BUCKET, startOffset: start, endOffset: end }, { partSize: 100 * KiB });
    const get = await oss.get("copy/ranged.bin");
    expect(Buffer.compare(get.content, body.subarray(start, end))).toBe(0);
  });

  it("uploadPartCopy reports the part's ETag, the one ListParts has and Complete takes", async () => {
    const body = randomBytes(250 * KiB);
    await oss.put("copy/parts-src.bin", body);
    const { uploadId } = await oss.initMultipartUpload("copy/parts.bin");
    const source = { sourceKey: "copy/parts-src.bin", sourceBucketName: BUCKET };
    const p1 = await oss.uploadPartCopy("copy/parts.bin", uploadId, 1, `0-${150 * KiB - 1}`, source);
    const p2 = await oss.uploadPartCopy("copy/parts.bin", uploadId, 2, `${150 * KiB}-${250 * KiB - 1}`, source);
    expect(p1.etag).toBe(ossEtagOf(body.subarray(0, 150 * KiB)));
    expect(p2.etag).toBe(ossEtagOf(body.subarray(150 * KiB)));
    expect(p1.res.headers["x-oss-hash-crc64ecma"]).toBe(crc64(body.subarray(0, 150 * KiB)).toString());
    const listed = await oss.listParts("copy/parts.bin", uploadId);
    expect(listed.parts.map((p: { ETag: string }) => p.ETag)).toEqual([p1.etag, p2.etag]);
    await oss.completeMultipartUpload("copy/parts.bin", uploadId, [
      { number: 1, etag: p1.etag },
      { number: 2, etag: p2.etag },
    ]);
    expect(Buffer.compare((await oss.get("copy/parts.bin")).content, body)).toBe(0);
  });
});
