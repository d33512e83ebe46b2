import type { IncomingMessage } from "node:http";
import { createRequire } from "node:module";
import { afterEach, describe, expect, it } from "@jest/globals";
import { startEmulator, type Emulator, type EmulatorCredential } from "../src/index.js";
import { ossAccessKey } from "../src/oss/auth.js";
import type { Exchange } from "../src/server/exchange.js";
import { cosRequest, errorCode, ossRequest, qsRequest } from "./raw-client.js";

// Buckets and the access key that created them, on each provider: PUT Bucket on a bucket that
// exists, and which buckets GET Service / GetBucketInfo / HEAD answer to another key.

// ali-oss ships no types; the tests use a loose view of its client.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Client = any;
const OSS = createRequire(import.meta.url)("ali-oss") as new (opts: Record<string, unknown>) => Client;

const A: EmulatorCredential = { accessKey: "ak-a", secretKey: "sk-a" };
const B: EmulatorCredential = { accessKey: "ak-b", secretKey: "sk-b" };
let emu: Emulator | undefined;

afterEach(async () => {
  await emu?.stop();
  emu = undefined;
});

describe("PUT Bucket on a bucket that exists", () => {
  it("cos: BucketAlreadyOwnedByYou for the access key that created it, BucketAlreadyExists for others and for configured buckets", async () => {
    emu = await startEmulator({ provider: "cos", buckets: ["preset-1250000000"], credentials: [A, B] });
    expect((await cosRequest(emu, { method: "PUT", bucket: "owned-1250000000" })).status).toBe(200);
    const again = await cosRequest(emu, { method: "PUT", bucket: "owned-1250000000" });
    expect([again.status, errorCode(again)]).toEqual([409, "BucketAlreadyOwnedByYou"]);
    const preset = await cosRequest(emu, { method: "PUT", bucket: "preset-1250000000" });
    expect([preset.status, errorCode(preset)]).toEqual([409, "BucketAlreadyExists"]);
    emu.setCredentials([B, A]); // requests are now signed by B
    const other = await cosRequest(emu, { method: "PUT", bucket: "owned-1250000000" });
    expect([other.status, errorCode(other)]).toEqual([409, "BucketAlreadyExists"]);
  });

  it("oss and qingstor: the same answer for everyone (BucketAlreadyExists, bucket_already_exists), as the services give", async () => {
    emu = await startEmulator({ provider: "oss" });
    expect((await ossRequest(emu, { method: "PUT", bucket: "owned-bucket" })).status).toBe(200);
    const oss = await ossRequest(emu, { method: "PUT", bucket: "owned-bucket" });
    expect([oss.status, errorCode(oss)]).toEqual([409, "BucketAlreadyExists"]);
    await emu.stop();
    emu = await startEmulator({ provider: "qingstor" });
    expect((await qsRequest(emu, { method: "PUT", bucket: "owned-bucket" })).status).toBe(201);
    const qs = await qsRequest(emu, { method: "PUT", bucket: "owned-bucket" });
    expect([qs.status, errorCode(qs)]).toEqual([409, "bucket_already_exists"]);
  });
});

/** The names GetService lists to the emulator's first credential, with `prefix` when given. */
async function ossListed(e: Emulator, prefix?: string): Promise<string[]> {
  const res = await ossRequest(e, { method: "GET", bucket: "", query: prefix === undefined ? [] : [["prefix", prefix]] });
  expect(res.status).toBe(200);
  return [...res.body.matchAll(/<Name>([^<]*)<\/Name>/g)].map((m) => m[1]!);
}

/** Status and error code of GetBucketInfo on `bucket`, signed by the emulator's first credential. */
async function bucketInfo(e: Emulator, bucket: string): Promise<[number, string | undefined]> {
  const res = await ossRequest(e, { method: "GET", bucket, query: [["bucketInfo", undefined]] });
  return [res.status, errorCode(res)];
}

describe("oss: buckets of other access keys", () => {
  it("GetService lists the caller's own buckets (and those created at start), with prefix; GetBucketInfo answers only the owner, HEAD anyone", async () => {
    emu = await startEmulator({ provider: "oss", buckets: ["preset-bucket"], credentials: [A, B] });
    expect((await ossRequest(emu, { method: "PUT", bucket: "bucket-of-a" })).status).toBe(200);
    emu.setCredentials([B, A]); // requests are now signed by B
    expect((await ossRequest(emu, { method: "PUT", bucket: "bucket-of-b" })).status).toBe(200);
    expect(await ossListed(emu)).toEqual(["bucket-of-b", "preset-bucket"]);
    expect(await ossListed(emu, "bucket-of-")).toEqual(["bucket-of-b"]);
    expect(await ossListed(emu, "bucket-of-a")).toEqual([]);
    expect(await bucketInfo(emu, "bucket-of-a")).toEqual([403, "AccessDenied"]);
    expect(await bucketInfo(emu, "bucket-of-b")).toEqual([200, undefined]);
    expect(await bucketInfo(emu, "preset-bucket")).toEqual([200, undefined]);
    expect((await ossRequest(emu, { method: "HEAD", bucket: "bucket-of-a" })).status).toBe(200);
    // Another key's bucket still answers BucketAlreadyExists, as anyone's does.
    const again = await ossRequest(emu, { method: "PUT", bucket: "bucket-of-a" });
    expect([again.status, errorCode(again)]).toEqual([409, "BucketAlreadyExists"]);

    emu.setCredentials([A, B]);
    expect(await ossListed(emu)).toEqual(["bucket-of-a", "preset-bucket"]);
    expect(await ossListed(emu, "bucket-of-a")).toEqual(["bucket-of-a"]);
    expect(await bucketInfo(emu, "bucket-of-b")).toEqual([403, "AccessDenied"]);
    expect(await bucketInfo(emu, "bucket-of-a")).toEqual([200, undefined]);
    expect(await bucketInfo(emu, "never-created")).toEqual([404, "NoSuchBucket"]);
  });

  it("the owner is the key of a V4 signature too (ali-oss with authorizationV4)", async () => {
    emu = await startEmulator({ provider: "oss", region: "cn-hangzhou", credentials: [A, B] });
    const client = (c: EmulatorCredential): Client =>
      new OSS({ accessKeyId: c.accessKey, accessKeySecret: c.secretKey, region: "oss-cn-hangzhou", endpoint: `http://localhost:${emu!.port}`, sldEnable: true, authorizationV4: true });
    await client(B).putBucket("v4-bucket-of-b");
    const names = async (c: EmulatorCredential): Promise<string[]> => ((await client(c).listBuckets()).buckets ?? []).map((b: { name: string }) => b.name);
    expect(await names(B)).toEqual(["v4-bucket-of-b"]);
    expect(await names(A)).toEqual([]);
    await expect(client(A).getBucketInfo("v4-bucket-of-b")).rejects.toMatchObject({ status: 403, code: "AccessDenied" });
    expect((await client(B).getBucketInfo("v4-bucket-of-b")).bucket.Name).toBe("v4-bucket-of-b");
  });

  it("ossAccessKey reads the key of V1 and V4 headers and of presigned URLs of either version", () => {
    const exchange = (headers: Record<string, string>, query = ""): Exchange => ({ req: { headers } as unknown as IncomingMessage, query: new URLSearchParams(query) }) as Exchange;
    expect(ossAccessKey(exchange({ authorization: "OSS ak-1:c2ln" }))).toBe("ak-1");
    expect(ossAccessKey(exchange({ authorization: "OSS4-HMAC-SHA256 Credential=ak-2/20260101/cn-hangzhou/oss/aliyun_v4_request,Signature=00" }))).toBe("ak-2");
    expect(ossAccessKey(exchange({}, "OSSAccessKeyId=ak-3&Expires=1&Signature=x"))).toBe("ak-3");
    expect(ossAccessKey(exchange({}, "x-oss-credential=ak-4%2F20260101%2Fcn-hangzhou%2Foss%2Faliyun_v4_request"))).toBe("ak-4");
    expect(ossAccessKey(exchange({}))).toBeUndefined();
  });
});

/** The names GET Service lists to the emulator's first credential, and the `count` it reports. */
async function qsListed(e: Emulator): Promise<{ names: string[]; count: number }> {
  const res = await qsRequest(e, { method: "GET", bucket: "" });
  expect(res.status).toBe(200);
  const doc = JSON.parse(res.body) as { count: number; buckets: { name: string }[] };
  return { names: doc.buckets.map((b) => b.name).sort(), count: doc.count };
}

describe("qingstor: buckets of other access keys", () => {
  it("GET Service lists the caller's own buckets (and those created at start); HeadBucket answers another key's bucket as a public-read one (200)", async () => {
    emu = await startEmulator({ provider: "qingstor", buckets: ["preset-bucket"], credentials: [A, B] });
    expect((await qsRequest(emu, { method: "PUT", bucket: "bucket-of-a" })).status).toBe(201);
    emu.setCredentials([B, A]); // requests are now signed by B
    expect((await qsRequest(emu, { method: "PUT", bucket: "bucket-of-b" })).status).toBe(201);
    expect(await qsListed(emu)).toEqual({ names: ["bucket-of-b", "preset-bucket"], count: 2 });
    expect((await qsRequest(emu, { method: "HEAD", bucket: "bucket-of-a" })).status).toBe(200);
    emu.setCredentials([A, B]);
    expect(await qsListed(emu)).toEqual({ names: ["bucket-of-a", "preset-bucket"], count: 2 });
    expect((await qsRequest(emu, { method: "HEAD", bucket: "bucket-of-b" })).status).toBe(200);
    expect((await qsRequest(emu, { method: "HEAD", bucket: "never-created" })).status).toBe(404);
  });
});
