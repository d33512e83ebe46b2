import { describe, expect, it } from "@jest/globals";
import { isStorageError, newServicer, newStorager, parseEndpoint } from "@stowage/core";
import { bucketAddress, copySource, normalizeRegion, objectPath, serviceAddress, signingRegion, usesPathStyle } from "../src/addressing.js";
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
  it("uses <bucket>.oss-<region>.aliyuncs.com by default, with or without the oss- prefix", () => {
    expect(bucketAddress("b", "cn-hangzhou", {})).toEqual({ protocol: "https", host: "b.oss-cn-hangzhou.aliyuncs.com", pathPrefix: "" });
    expect(bucketAddress("b", "oss-cn-beijing", {}).host).toBe("b.oss-cn-beijing.aliyuncs.com");
    expect(code(() => bucketAddress("b", undefined, {}))).toBe("PairRequired");
  });

  it("puts the bucket in front of a named endpoint, and in the path for IPs, localhost or when forced", () => {
    const named = parseEndpoint("https:oss-cn-hangzhou.aliyuncs.com");
    expect(bucketAddress("b", undefined, { endpoint: named })).toEqual({ protocol: "https", host: "b.oss-cn-hangzhou.aliyuncs.com", pathPrefix: "" });
    const ip = parseEndpoint("http:127.0.0.1:9000");
    expect(bucketAddress("b", undefined, { endpoint: ip })).toEqual({ protocol: "http", host: "127.0.0.1", port: 9000, pathPrefix: "/b" });
    expect(usesPathStyle({ endpoint: parseEndpoint("http:localhost:1") })).toBe(true);
    expect(usesPathStyle({ endpoint: named, forcePathStyle: true })).toBe(true);
    expect(usesPathStyle({ endpoint: named })).toBe(false);
  });

  it("finds the V4 region in the location or an oss-<region> endpoint", () => {
    expect(signingRegion("oss-cn-shanghai", undefined)).toBe("cn-shanghai");
    expect(signingRegion(undefined, parseEndpoint("https:oss-cn-shenzhen.aliyuncs.com"))).toBe("cn-shenzhen");
    expect(signingRegion(undefined, parseEndpoint("https:oss-cn-shenzhen-internal.aliyuncs.com"))).toBe("cn-shenzhen");
    expect(signingRegion(undefined, parseEndpoint("http:127.0.0.1:9000"))).toBeUndefined();
    // Acceleration and resource-group hosts serve every region: they name none.
    for (const host of ["oss-accelerate.aliyuncs.com", "oss-accelerate-overseas.aliyuncs.com", "oss-rg-china-mainland.aliyuncs.com"]) {
      expect(signingRegion(undefined, parseEndpoint(`https:${host}`))).toBeUndefined();
    }
    expect(signingRegion("cn-beijing", parseEndpoint("https:oss-accelerate.aliyuncs.com"))).toBe("cn-beijing");
    expect(normalizeRegion("")).toBeUndefined();
  });

  it("normalizeRegion: InvalidArgument naming it for a location that is neither a string nor undefined", () => {
    for (const v of [null, 5, {}, ["cn-hangzhou"]]) {
      expect(code(() => normalizeRegion(v as never))).toBe("InvalidArgument");
      expect(() => normalizeRegion(v as never)).toThrow("normalizeRegion: location must be a string or undefined");
    }
    expect(code(() => signingRegion(5 as never, undefined))).toBe("InvalidArgument");
    expect(normalizeRegion(undefined)).toBeUndefined();
  });

  it("signs the raw key under /bucket/, sends it encoded, and copies from /bucket/<encoded key>", () => {
    const path = bucketAddress("b", undefined, { endpoint: parseEndpoint("http:127.0.0.1:9000") });
    expect(objectPath(path, "b", "a b/c+d")).toEqual({ path: "/b/a%20b/c%2Bd", resource: "/b/a b/c+d" });
    expect(objectPath(path, "b", undefined)).toEqual({ path: "/b/", resource: "/b/" });
    expect(objectPath(bucketAddress("b", "cn-hangzhou", {}), "b", "k")).toEqual({ path: "/k", resource: "/b/k" });
    expect(objectPath(serviceAddress(undefined, {}), undefined, undefined)).toEqual({ path: "/", resource: "/" });
    expect(copySource("b", "x/y z+1")).toBe("/b/x/y%20z%2B1");
    expect(serviceAddress(undefined, {}).host).toBe("oss-cn-hangzhou.aliyuncs.com");
    expect(serviceAddress("cn-beijing", {}).host).toBe("oss-cn-beijing.aliyuncs.com");
  });
});

describe("credentials (OSS names; the shared logic is tested in core)", () => {
  it("maps hmac credentials and the security_token pair to accessKeyId/accessKeySecret", async () => {
    expect(await staticCredentials({ protocol: "hmac", accessKey: "id", secretKey: "key" }, undefined).get()).toEqual({ accessKeyId: "id", accessKeySecret: "key" });
    expect(await staticCredentials({ protocol: "hmac", accessKey: "id", secretKey: "key", securityToken: "t1" }, "t2").get()).toEqual({
      accessKeyId: "id",
      accessKeySecret: "key",
      securityToken: "t2",
    });
  });

  it("reads the OSS and Alibaba Cloud env variables, and needs both parts", async () => {
    const env = { OSS_ACCESS_KEY_ID: "eid", OSS_ACCESS_KEY_SECRET: "ekey", OSS_SESSION_TOKEN: "tok" };
    expect(await staticCredentials({ protocol: "env" }, undefined, env).get()).toEqual({ accessKeyId: "eid", accessKeySecret: "ekey", securityToken: "tok" });
    expect(await staticCredentials({ protocol: "env" }, undefined, { ALIBABA_CLOUD_ACCESS_KEY_ID: "i", ALIBABA_CLOUD_ACCESS_KEY_SECRET: "k", ALIBABA_CLOUD_SECURITY_TOKEN: "t", OSS_ACCESS_KEY_ID: "half" }).get()).toEqual({ accessKeyId: "i", accessKeySecret: "k", securityToken: "t" });
    expect(code(() => staticCredentials({ protocol: "env" }, undefined, { OSS_ACCESS_KEY_ID: "i", ALIBABA_CLOUD_ACCESS_KEY_SECRET: "k" }))).toBe("PairRequired");
    expect(code(() => staticCredentials({ protocol: "env" }, undefined, {}))).toBe("PairRequired");
  });

  it("checks a provider's accessKeyId/accessKeySecret and caches until 5 minutes before expiry", async () => {
    expect(REFRESH_MARGIN_MS).toBe(5 * 60 * 1000);
    expect(UNDATED_TTL_MS).toBe(5 * 60 * 1000);
    let now = 0;
    let calls = 0;
    const source = providedCredentials(() => ({ accessKeyId: `id${++calls}`, accessKeySecret: "k", expiration: now + REFRESH_MARGIN_MS + 1 }), () => now);
    expect((await source.get()).accessKeyId).toBe("id1");
    now += 1;
    // Due for renewal but still valid: served at once while the renewal runs; the next call has the new ones.
    expect((await source.get()).accessKeyId).toBe("id1");
    await new Promise((resolve) => setImmediate(resolve));
    expect((await source.get()).accessKeyId).toBe("id2");
    await expect(providedCredentials(() => ({ accessKeyId: "", accessKeySecret: "k" })).get()).rejects.toMatchObject({ code: "PermissionDenied", message: expect.stringContaining("accessKeyId/accessKeySecret") });
  });
});

describe("opening OSS storagers", () => {
  it("opens the brief's connection string without network", () => {
    const s = newStorager("oss://examplebucket/backups/?credential=hmac:AK:SK&endpoint=https:oss-cn-hangzhou.aliyuncs.com");
    expect(s.info).toEqual({ service: "oss", name: "examplebucket", workDir: "/backups/", location: "cn-hangzhou" }); // the region the endpoint names
    expect(s.features).toMatchObject({ crc64: true, contentMd5: true, virtualDir: true, append: true, fetch: false });
    expect(s.features.limits).toMatchObject({ multipartSizeMinimum: 100 * 1024, multipartNumberMaximum: 10000, writeSizeMaximum: 5 * 1024 ** 3 });
    expect(s.features.limits.presignExpiresMaximum).toBeUndefined();
    expect(newStorager("oss://b-1/?credential=hmac:AK:SK&location=cn-hangzhou&integrity=false").features.crc64).toBe(false);
    expect(newStorager("oss://b-1/?credential=hmac:AK:SK&location=cn-hangzhou&signature_version=v4").features.limits.presignExpiresMaximum).toBe(604800);
  });

  it("requires a valid bucket, a credential, a location or endpoint, and a region for V4", () => {
    expect(code(() => newStorager("oss://Bad_Bucket/?credential=hmac:AK:SK&location=cn-hangzhou"))).toBe("ConnectionStringInvalid");
    expect(code(() => newStorager("oss://bucket/?location=cn-hangzhou"))).toBe("PairRequired");
    expect(code(() => newStorager("oss://bucket/?credential=hmac:AK:SK"))).toBe("PairRequired");
    expect(code(() => newStorager("oss://bucket/?credential=hmac:AK:SK&endpoint=http:127.0.0.1:9000&signature_version=v4"))).toBe("PairRequired");
    expect(code(() => newStorager("oss://bucket/?credential=hmac:AK:SK&endpoint=https:oss-cn-shenzhen.aliyuncs.com&signature_version=v4"))).toBeUndefined();
    expect(code(() => newStorager("oss://bucket/?credential=hmac:AK:SK&location=cn-hangzhou&signature_version=v3"))).toBe("ConnectionStringInvalid");
  });

  it("takes SSE defaults and http pairs, rejecting bad values", () => {
    expect(code(() => newStorager("oss://b-1/?credential=hmac:AK:SK&location=x&default_server_side_encryption=KMS&default_server_side_encryption_key_id=k&max_retries=5"))).toBeUndefined();
    expect(code(() => newStorager("oss://b-1/?credential=hmac:AK:SK&location=x&default_server_side_encryption=DES"))).toBe("ConnectionStringInvalid");
    expect(code(() => newStorager("oss://b-1/?credential=hmac:AK:SK&location=x&server_side_encryption_customer_key=AAAA"))).toBe("ConnectionStringInvalid");
  });

  it("opens a servicer with a credential provider instead of a credential", () => {
    const s = newServicer({ type: "oss", credentialProvider: () => ({ accessKeyId: "a", accessKeySecret: "b" }) });
    expect(s.service).toBe("oss");
    expect(code(() => newServicer("oss://"))).toBe("PairRequired");
  });
});

describe("go-storage's enable_virtual_dir", () => {
  it("is taken as true (virtual directories are always on), and refused as false (t and f are go-storage booleans too)", () => {
    checkVirtualDirPair("oss://my-bucket/d/?credential=hmac:AK:SK&endpoint=https:oss-cn-hangzhou.aliyuncs.com");
  });
});
