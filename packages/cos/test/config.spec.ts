import { describe, expect, it } from "@jest/globals";
import { isStorageError, newServicer, newStorager, parseEndpoint } from "@stowage/core";
import { bucketAddress, copySource, objectPath, serviceAddress, usesPathStyle } from "../src/addressing.js";
import { providedCredentials, REFRESH_MARGIN_MS, staticCredentials, UNDATED_TTL_MS } from "../src/credentials.js";
import { checkVirtualDirPair } from "@stowage/behavior-tests";
import "../src/index.js";

function code(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return isStorageError(e) ? e.code : "not a StorageError";
  }
  return undefined;
}

describe("addressing", () => {
  it("uses the virtual-hosted COS domain by default, legacy regions without cos.", () => {
    expect(bucketAddress("b-1250000000", "ap-guangzhou", {})).toEqual({ protocol: "https", host: "b-1250000000.cos.ap-guangzhou.myqcloud.com", pathPrefix: "" });
    expect(bucketAddress("b-1250000000", "cn-south", {}).host).toBe("b-1250000000.cn-south.myqcloud.com");
    expect(code(() => bucketAddress("b-1", undefined, {}))).toBe("PairRequired");
  });

  it("puts the bucket in front of a named endpoint, and in the path for IPs, localhost or when forced", () => {
    const named = parseEndpoint("https:cos.ap-beijing.tencentcos.cn");
    expect(bucketAddress("b-1", undefined, { endpoint: named })).toEqual({ protocol: "https", host: "b-1.cos.ap-beijing.tencentcos.cn", pathPrefix: "" });
    const ip = parseEndpoint("http:127.0.0.1:9000");
    expect(bucketAddress("b-1", undefined, { endpoint: ip })).toEqual({ protocol: "http", host: "127.0.0.1", port: 9000, pathPrefix: "/b-1" });
    expect(usesPathStyle({ endpoint: parseEndpoint("http:localhost:1") })).toBe(true);
    expect(usesPathStyle({ endpoint: named, forcePathStyle: true })).toBe(true);
    expect(usesPathStyle({ endpoint: parseEndpoint("https:[::1]:8443") })).toBe(true);
  });

  it("signs the decoded key path and copies from host[/bucket]/<encoded key>", () => {
    const path = bucketAddress("b-1", undefined, { endpoint: parseEndpoint("http:127.0.0.1:9000") });
    expect(objectPath(path, "a b/c+d")).toEqual({ path: "/b-1/a%20b/c%2Bd", resource: "/a b/c+d" });
    expect(objectPath(path, undefined)).toEqual({ path: "/b-1/", resource: "/" });
    expect(copySource(path, "a b")).toBe("127.0.0.1:9000/b-1/a%20b");
    expect(copySource(bucketAddress("b-1", "ap-guangzhou", {}), "x/y z")).toBe("b-1.cos.ap-guangzhou.myqcloud.com/x/y%20z");
    expect(serviceAddress({}).host).toBe("service.cos.myqcloud.com");
  });

  it("names a copy source by the bucket's region host through a global acceleration endpoint whose region is known (the endpoint host otherwise)", () => {
    for (const accelerate of ["https:cos.accelerate.myqcloud.com", "https:cos.accelerate.tencentcos.cn", "https:COS.Accelerate.myqcloud.com"]) {
      const endpoint = parseEndpoint(accelerate);
      const address = bucketAddress("b-125", "ap-guangzhou", { endpoint });
      // Requests still go to the acceleration host; only the copy source names the region.
      expect(address.host).toBe(`b-125.${endpoint.host}`);
      expect(copySource(address, "d/k 1")).toBe("b-125.cos.ap-guangzhou.myqcloud.com/d/k%201");
      expect(copySource(bucketAddress("b-125", "ap-guangzhou", { endpoint, forcePathStyle: true }), "k")).toBe("b-125.cos.ap-guangzhou.myqcloud.com/k");
      expect(copySource(bucketAddress("b-125", "cn-south", { endpoint }), "k")).toBe("b-125.cn-south.myqcloud.com/k");
      // No region to name: the acceleration host is all there is.
      expect(copySource(bucketAddress("b-125", undefined, { endpoint }), "k")).toBe(`b-125.${endpoint.host}/k`);
    }
    // A region endpoint, a custom domain (or a private deployment) and the emulator keep the host requests go to.
    expect(copySource(bucketAddress("b-125", "ap-guangzhou", { endpoint: parseEndpoint("https:cos.ap-guangzhou.tencentcos.cn") }), "k")).toBe("b-125.cos.ap-guangzhou.tencentcos.cn/k");
    expect(copySource(bucketAddress("b-125", "ap-guangzhou", { endpoint: parseEndpoint("https:files.example.com") }), "k")).toBe("b-125.files.example.com/k");
    expect(copySource(bucketAddress("b-125", "ap-guangzhou", { endpoint: parseEndpoint("http:127.0.0.1:9000") }), "k")).toBe("127.0.0.1:9000/b-125/k");
    expect(code(() => bucketAddress("b-125", "bad region", { endpoint: parseEndpoint("https:cos.accelerate.myqcloud.com") }))).toBe("InvalidArgument");
  });
});

describe("credentials (COS names; the shared logic is tested in core)", () => {
  it("maps hmac credentials and the security_token pair to secretId/secretKey", async () => {
    expect(await staticCredentials({ protocol: "hmac", accessKey: "id", secretKey: "key" }, undefined).get()).toEqual({ secretId: "id", secretKey: "key" });
    expect(await staticCredentials({ protocol: "hmac", accessKey: "id", secretKey: "key", securityToken: "t1" }, "t2").get()).toEqual({
      secretId: "id",
      secretKey: "key",
      securityToken: "t2",
    });
  });

  it("reads the Tencent Cloud and COS env variables, and needs both parts", async () => {
    const env = { TENCENTCLOUD_SECRET_ID: "eid", TENCENTCLOUD_SECRET_KEY: "ekey", TENCENTCLOUD_SESSION_TOKEN: "tok" };
    expect(await staticCredentials({ protocol: "env" }, undefined, env).get()).toEqual({ secretId: "eid", secretKey: "ekey", securityToken: "tok" });
    expect(await staticCredentials({ protocol: "env" }, undefined, { COS_SECRET_ID: "i", COS_SECRET_KEY: "k", COS_SECURITY_TOKEN: "t", TENCENTCLOUD_SECRET_ID: "half" }).get()).toEqual({ secretId: "i", secretKey: "k", securityToken: "t" });
    expect(code(() => staticCredentials({ protocol: "env" }, undefined, { TENCENTCLOUD_SECRET_ID: "i", COS_SECRET_KEY: "k" }))).toBe("PairRequired");
    expect(code(() => staticCredentials({ protocol: "env" }, undefined, {}))).toBe("PairRequired");
  });

  it("checks a provider's secretId/secretKey and caches until 5 minutes before expiry", async () => {
    expect(REFRESH_MARGIN_MS).toBe(5 * 60 * 1000);
    expect(UNDATED_TTL_MS).toBe(5 * 60 * 1000);
    let now = 0;
    let calls = 0;
    const source = providedCredentials(() => ({ secretId: `id${++calls}`, secretKey: "k", expiration: now + REFRESH_MARGIN_MS + 1 }), () => now);
    expect((await source.get()).secretId).toBe("id1");
    now += 1;
    // Due for renewal but still valid: served at once while the renewal runs; the next call has the new ones.
    expect((await source.get()).secretId).toBe("id1");
    await new Promise((resolve) => setImmediate(resolve));
    expect((await source.get()).secretId).toBe("id2");
    await expect(providedCredentials(() => ({ secretId: "", secretKey: "k" })).get()).rejects.toMatchObject({ code: "PermissionDenied", message: expect.stringContaining("secretId/secretKey") });
  });
});

describe("opening COS storagers", () => {
  it("opens from a connection string without network", () => {
    const s = newStorager("cos://examplebucket-1250000000/backups/?credential=hmac:AK:SK&location=ap-guangzhou");
    expect(s.info).toEqual({ service: "cos", name: "examplebucket-1250000000", workDir: "/backups/", location: "ap-guangzhou" });
    expect(s.features.crc64).toBe(true);
    expect(s.features.limits.multipartNumberMaximum).toBe(10000);
    expect(newStorager("cos://b-1/?credential=hmac:AK:SK&location=x&integrity=false").features.crc64).toBe(false);
  });

  it("requires a bucket with its appid, a credential and a location (or an endpoint)", () => {
    expect(code(() => newStorager("cos://examplebucket/?credential=hmac:AK:SK&location=ap-guangzhou"))).toBe("ConnectionStringInvalid");
    expect(code(() => newStorager("cos://b-1250000000/?location=ap-guangzhou"))).toBe("PairRequired");
    expect(code(() => newStorager("cos://b-1250000000/?credential=hmac:AK:SK"))).toBe("PairRequired");
    expect(code(() => newStorager("cos://anything/?credential=hmac:AK:SK&endpoint=http:127.0.0.1:9000"))).toBeUndefined();
  });

  it("takes SSE and http pairs, rejecting bad values", () => {
    const key = Buffer.alloc(32, 1).toString("base64");
    expect(code(() => newStorager(`cos://b-1/?credential=hmac:AK:SK&location=x&server_side_encryption_customer_key=${key}&max_retries=5&request_timeout=30s`))).toBeUndefined();
    expect(code(() => newStorager("cos://b-1/?credential=hmac:AK:SK&location=x&server_side_encryption_customer_key=AAAA"))).toBe("ConnectionStringInvalid");
    expect(code(() => newStorager("cos://b-1/?credential=hmac:AK:SK&location=x&default_server_side_encryption=DES"))).toBe("ConnectionStringInvalid");
  });

  it("takes a KMS encryption context only as base64 of a UTF-8 JSON object, checked before anything is sent", async () => {
    const ok = Buffer.from('{"project":"档案"}').toString("base64");
    const base = "cos://b-1/?credential=hmac:AK:SK&location=x&default_server_side_encryption=cos/kms";
    expect(code(() => newStorager(`${base}&default_server_side_encryption_context=${encodeURIComponent(ok)}`))).toBeUndefined();
    for (const bad of ['{"a":"b"}', "plain text", Buffer.from("[1,2]").toString("base64"), Buffer.from("not json").toString("base64"), "é中"]) {
      expect([bad, code(() => newStorager(`${base}&default_server_side_encryption_context=${encodeURIComponent(bad)}`))]).toEqual([bad, "ConnectionStringInvalid"]);
    }
    const s = newStorager(base);
    await expect(s.write("k", "v", { serverSideEncryptionContext: "é中" } as never)).rejects.toMatchObject({ code: "InvalidArgument" });
  });

  it("opens a servicer with a credential provider instead of a credential", () => {
    const s = newServicer({ type: "cos", credentialProvider: () => ({ secretId: "a", secretKey: "b" }) });
    expect(s.service).toBe("cos");
    expect(code(() => newServicer("cos://"))).toBe("PairRequired");
  });
});

describe("go-storage's enable_virtual_dir", () => {
  it("is taken as true (virtual directories are always on), and refused as false (t and f are go-storage booleans too)", () => {
    checkVirtualDirPair("cos://b-1250000000/d/?credential=hmac:AK:SK&location=ap-guangzhou");
  });
});
