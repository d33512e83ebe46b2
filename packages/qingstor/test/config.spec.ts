import { describe, expect, it } from "@jest/globals";
import { isStorageError, newServicer, newStorager, parseEndpoint } from "@stowage/core";
import { serviceAddress, sourceHeader, zoneAddress } from "../src/addressing.js";
import { resolveCredentials } from "../src/credentials.js";
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
  it("uses <zone>.qingstor.com by default and needs a zone without an endpoint", () => {
    expect(zoneAddress("pek3b", undefined)).toEqual({ protocol: "https", host: "pek3b.qingstor.com" });
    expect(code(() => zoneAddress(undefined, undefined))).toBe("PairRequired");
    expect(serviceAddress(undefined)).toEqual({ protocol: "https", host: "qingstor.com" });
  });

  it("puts the zone in front of a named endpoint, keeps IP endpoints and zone-named hosts as they are", () => {
    expect(zoneAddress("pek3b", parseEndpoint("https:qingstor.com"))).toEqual({ protocol: "https", host: "pek3b.qingstor.com" });
    expect(zoneAddress("sh1a", parseEndpoint("https:sh1a.qingstor.com"))).toEqual({ protocol: "https", host: "sh1a.qingstor.com" });
    expect(zoneAddress(undefined, parseEndpoint("http:storage.example.com:8080"))).toEqual({ protocol: "http", host: "storage.example.com", port: 8080 });
    expect(zoneAddress("pek3a", parseEndpoint("http:127.0.0.1:9000"))).toEqual({ protocol: "http", host: "127.0.0.1", port: 9000 });
    expect(zoneAddress("pek3a", parseEndpoint("https:localhost:8443"))).toEqual({ protocol: "https", host: "localhost", port: 8443 });
    expect(serviceAddress(parseEndpoint("https:qingstor.com"))).toEqual({ protocol: "https", host: "qingstor.com" });
  });

  it("names copy and move sources /<bucket>/<encoded key>", () => {
    expect(sourceHeader("my-bucket", "dir/a b+c")).toBe("/my-bucket/dir/a%20b%2Bc");
  });
});

describe("credentials", () => {
  it("takes hmac key pairs and refuses security tokens", () => {
    expect(resolveCredentials({ protocol: "hmac", accessKey: "ak", secretKey: "sk" })).toEqual({ accessKeyId: "ak", secretAccessKey: "sk" });
    expect(code(() => resolveCredentials({ protocol: "hmac", accessKey: "ak", secretKey: "sk", securityToken: "t" }))).toBe("InvalidArgument");
  });

  it("reads QINGSTOR_ACCESS_KEY_ID / QINGSTOR_SECRET_ACCESS_KEY for credential=env", () => {
    expect(resolveCredentials({ protocol: "env" }, { QINGSTOR_ACCESS_KEY_ID: "eak", QINGSTOR_SECRET_ACCESS_KEY: "esk" })).toEqual({ accessKeyId: "eak", secretAccessKey: "esk" });
    expect(code(() => resolveCredentials({ protocol: "env" }, {}))).toBe("PairRequired");
  });
});

describe("opening QingStor storagers", () => {
  it("opens from the documented connection string without network", () => {
    const s = newStorager("qingstor://my-bucket/backups/?credential=hmac:AK:SK&endpoint=https:qingstor.com&location=pek3b");
    expect(s.info).toEqual({ service: "qingstor", name: "my-bucket", workDir: "/backups/", location: "pek3b" });
    expect(s.features).toMatchObject({ crc64: false, contentMd5: true, fetch: true, move: true, append: true, virtualDir: true });
    expect(s.features.limits).toMatchObject({ multipartSizeMinimum: 4 * 1024 * 1024, multipartNumberMaximum: 10000 });
    expect(newStorager("qingstor://my-bucket/?credential=hmac:AK:SK&location=pek3b&integrity=false").features.contentMd5).toBe(false);
  });

  it("requires a valid bucket name and a credential (a zone is optional)", () => {
    expect(code(() => newStorager("qingstor://Bad_Bucket/?credential=hmac:AK:SK&location=pek3b"))).toBe("ConnectionStringInvalid");
    expect(code(() => newStorager("qingstor://abc/?credential=hmac:AK:SK&location=pek3b"))).toBe("ConnectionStringInvalid");
    expect(code(() => newStorager("qingstor://my-bucket/?location=pek3b"))).toBe("PairRequired");
    // No zone: it is detected on first use (zone-detection.spec.ts), so opening sends nothing and succeeds.
    expect(code(() => newStorager("qingstor://my-bucket/?credential=hmac:AK:SK"))).toBeUndefined();
    expect(code(() => newStorager("qingstor://my-bucket/?credential=hmac:AK:SK&endpoint=https:qingstor.com"))).toBeUndefined();
    expect(code(() => newStorager("qingstor://my-bucket/?credential=hmac:AK:SK&endpoint=http:127.0.0.1:9000"))).toBeUndefined();
  });

  it("takes the go-storage pair names, rejecting bad values", () => {
    const key = Buffer.alloc(32, 1).toString("base64");
    const base = "qingstor://my-bucket/?credential=hmac:AK:SK&location=pek3b";
    expect(code(() => newStorager(`${base}&encryption_customer_key=${key}&copy_source_encryption_customer_key=${key}&disable_uri_cleaning&default_storage_class=STANDARD_IA&max_retries=5`))).toBeUndefined();
    expect(code(() => newStorager(`${base}&encryption_customer_key=AAAA`))).toBe("ConnectionStringInvalid");
    expect(code(() => newStorager(`${base}&encryption_customer_algorithm=DES`))).toBe("ConnectionStringInvalid");
    expect(code(() => newStorager(`${base}&server_side_encryption=AES256`))).toBe("ConnectionStringInvalid");
  });

  it("opens a servicer with a credential only", () => {
    expect(newServicer("qingstor://?credential=hmac:AK:SK").service).toBe("qingstor");
    expect(code(() => newServicer("qingstor://"))).toBe("PairRequired");
  });
});

describe("go-storage's enable_virtual_dir", () => {
  it("is taken as true (virtual directories are always on), and refused as false (t and f are go-storage booleans too)", () => {
    checkVirtualDirPair("qingstor://my-bucket/d/?credential=hmac:AK:SK&location=pek3b");
  });
});
