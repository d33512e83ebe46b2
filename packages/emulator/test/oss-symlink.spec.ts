import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { createHash } from "node:crypto";
import { createRequire } from "node:module";
import { crc64 } from "@stowage/core";
import { startEmulator, type Emulator } from "../src/index.js";
import { ossV1Resource } from "../src/oss/signature-v1.js";
import { ossV4CanonicalRequest } from "../src/oss/signature-v4.js";
import { cosRequest, ossRequest } from "./raw-client.js";

// ali-oss ships no types; the tests use a loose view of its client.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Client = any;
const OSS = createRequire(import.meta.url)("ali-oss") as new (opts: Record<string, unknown>) => Client;

const BUCKET = "oss-symlink-test";
const AK = "LTAIsymlink";
const SK = "oss-symlink-secret";

let emu: Emulator;

/** IP endpoint (ali-oss then sends a virtual-host Host header); V4 with `authorizationV4`. */
function client(extra: Record<string, unknown> = {}): Client {
  return new OSS({ accessKeyId: AK, accessKeySecret: SK, bucket: BUCKET, region: "oss-cn-hangzhou", endpoint: `http://127.0.0.1:${emu.port}`, ...extra });
}

/** Path style on localhost, for signatureUrl; the URL is fetched on 127.0.0.1. */
function presigner(): Client {
  return client({ endpoint: `http://localhost:${emu.port}`, sldEnable: true });
}

const loopback = (url: string): string => url.replace("//localhost:", "//127.0.0.1:");
const etagOf = (b: Buffer): string => `"${createHash("md5").update(b).digest("hex").toUpperCase()}"`;

async function failure(p: Promise<unknown>): Promise<{ status?: number; code?: string; message?: string }> {
  return p.then(
    () => {
      throw new Error("expected a failure");
    },
    (e: { status?: number; code?: string; message?: string }) => e,
  );
}

beforeAll(async () => {
  emu = await startEmulator({ provider: "oss", buckets: [BUCKET], credentials: { accessKey: AK, secretKey: SK } });
});

afterAll(async () => {
  await emu.stop();
});

describe("OSS symlinks against ali-oss", () => {
  it.each([
    ["V1", {}],
    ["V4", { authorizationV4: true }],
  ])("%s: putSymlink / getSymlink round-trip encoded names; GET and HEAD follow the link", async (_v, extra) => {
    const oss = client(extra);
    const target = `sym/${_v}/t ar+get é😀.txt`;
    const link = `sym/${_v}/l ink+链接`;
    const body = Buffer.from("symlinked bytes");
    await oss.put(target, body, { headers: { "Content-Type": "text/plain", "x-oss-meta-owner": "target" } });
    emu.resetStats();
    const put = await oss.putSymlink(link, target, { meta: { by: "link" }, storageClass: "IA" });
    expect(put.res.status).toBe(200);
    expect((await oss.getSymlink(link)).targetName).toBe(target);
    expect(emu.stats().byOperation).toMatchObject({ PutSymlink: 1, GetSymlink: 1 });

    const got = await oss.get(link);
    expect(got.content.toString()).toBe("symlinked bytes");
    expect(got.res.headers).toMatchObject({
      "x-oss-object-type": "Symlink",
      etag: etagOf(body),
      "x-oss-hash-crc64ecma": crc64(body).toString(),
      "x-oss-meta-by": "link",
      "x-oss-storage-class": "IA",
    });
    expect(got.res.headers["x-oss-meta-owner"]).toBeUndefined();
    const range = await oss.get(link, { headers: { Range: "bytes=10-14" } });
    expect(range.res.status).toBe(206);
    expect(range.content.toString()).toBe("bytes");

    const head = await oss.head(link);
    expect(head.meta).toEqual({ by: "link" });
    expect(head.res.headers["content-length"]).toBe(String(body.length));
    expect(head.res.headers["x-oss-object-type"]).toBe("Symlink");
    await oss.delete(link);
    expect((await oss.get(target)).content.toString()).toBe("symlinked bytes");
    await oss.delete(target);
  });

  it("answers a dangling link with 404 SymlinkTargetNotExist (GET body, HEAD x-oss-err) and a link to a link with 400 InvalidTargetType", async () => {
    const oss = client();
    await oss.putSymlink("err/dangling", "err/nothing here");
    const get = await failure(oss.get("err/dangling"));
    expect(get).toMatchObject({ status: 404, code: "SymlinkTargetNotExist", message: expect.stringContaining("The symlink target object does not exist") });
    const headUrl = presigner().signatureUrl("err/dangling", { method: "HEAD", expires: 60 });
    const head = await fetch(loopback(headUrl), { method: "HEAD" });
    expect(head.status).toBe(404);
    expect(Buffer.from(head.headers.get("x-oss-err") ?? "", "base64").toString()).toContain("<Code>SymlinkTargetNotExist</Code>");

    await oss.put("err/base", Buffer.from("b"));
    await oss.putSymlink("err/first", "err/base");
    await oss.putSymlink("err/second", "err/first");
    expect(await failure(oss.get("err/second"))).toMatchObject({ status: 400, code: "InvalidTargetType" });
    expect(await failure(oss.head("err/second"))).toMatchObject({ status: 400, code: "InvalidTargetType" });
    expect((await oss.getSymlink("err/second")).targetName).toBe("err/first");
  });

  it("GetSymlink of a missing key is 404 NoSuchKey, of a plain object 400 NotSymlink", async () => {
    const oss = client({ authorizationV4: true });
    expect(await failure(oss.getSymlink("gs/missing"))).toMatchObject({ status: 404, code: "NoSuchKey" });
    await oss.put("gs/plain", Buffer.from("p"));
    expect(await failure(oss.getSymlink("gs/plain"))).toMatchObject({ status: 400, code: "NotSymlink" });
  });

  it("lists a link with Type Symlink; a link replaces an object, x-oss-forbid-overwrite refuses to; CopyObject copies the link itself", async () => {
    const oss = client();
    await oss.put("ls/target", Buffer.from("12345"));
    await oss.put("ls/link", Buffer.from("old object"));
    await oss.putSymlink("ls/link", "ls/target");
    expect((await oss.get("ls/link")).content.toString()).toBe("12345");
    const refused = await failure(oss.putSymlink("ls/link", "ls/other", { headers: { "x-oss-forbid-overwrite": "true" } }));
    expect(refused).toMatchObject({ status: 409, code: "FileAlreadyExists" });
    const listed = await oss.listV2({ prefix: "ls/" });
    const types = Object.fromEntries(listed.objects.map((o: { name: string; type: string }) => [o.name, o.type]));
    expect(types).toEqual({ "ls/link": "Symlink", "ls/target": "Normal" });
    await oss.copy("ls/copy", "ls/link");
    expect((await oss.getSymlink("ls/copy")).targetName).toBe("ls/target");
    await oss.deleteMulti(["ls/link", "ls/copy"]);
    expect((await oss.get("ls/target")).content.toString()).toBe("12345");
  });
});

describe("the symlink sub-resource", () => {
  it("is signed by V1 (canonical resource) and V4 (canonical query)", () => {
    expect(ossV1Resource("b", "l ink", [["symlink", ""]])).toBe("/b/l ink?symlink");
    const canonical = ossV4CanonicalRequest({ method: "PUT", bucket: "b", key: "l ink", query: [["symlink", ""]], headers: { "x-oss-symlink-target": "t%20x" }, additionalHeaders: [], hashedPayload: "UNSIGNED-PAYLOAD" });
    expect(canonical.split("\n").slice(0, 4)).toEqual(["PUT", "/b/l%20ink", "symlink", "x-oss-symlink-target:t%20x"]);
  });

  it("is refused on other methods and on buckets, and stays unimplemented on COS", async () => {
    const del = await ossRequest(emu, { method: "DELETE", bucket: BUCKET, key: "k", query: [["symlink", undefined]] });
    expect(del.status).toBe(405);
    const bucket = await ossRequest(emu, { method: "GET", bucket: BUCKET, query: [["symlink", undefined]] });
    expect(bucket.status).toBe(501);
    // Authenticated first: unsigned, either is refused as any request is.
    expect((await fetch(`http://127.0.0.1:${emu.port}/${BUCKET}/k?symlink`, { method: "DELETE" })).status).toBe(403);
    expect((await fetch(`http://127.0.0.1:${emu.port}/${BUCKET}/?symlink`)).status).toBe(403);
    const cos = await startEmulator({ provider: "cos", buckets: ["cos-1250000000"] });
    try {
      const res = await cosRequest(cos, { method: "GET", bucket: "cos-1250000000", key: "k", query: [["symlink", undefined]] });
      expect(res.status).toBe(501);
      expect(res.body).toContain("NotImplemented");
    } finally {
      await cos.stop();
    }
  });

  it("names the operations for fault rules", async () => {
    emu.setFaults([{ kind: "status", status: 503, operation: "GetSymlink", count: 1 }]);
    try {
      const oss = client();
      await oss.putSymlink("fault/link", "fault/target");
      expect(await failure(oss.getSymlink("fault/link", { retryMax: 0 }))).toMatchObject({ status: 503 });
      expect((await oss.getSymlink("fault/link")).targetName).toBe("fault/target");
    } finally {
      emu.setFaults([]);
    }
  });
});
