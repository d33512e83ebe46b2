import { describe, expect, it } from "@jest/globals";
import { expectError, expectThrown } from "@stowage/behavior-tests";
import { newStorager, type ErrorCode, type PresignOptions, type StorageError } from "@stowage/core";
import { bucketAddress } from "../src/addressing.js";
import "../src/index.js";

const SECRET = "FAKEsecretKEY0123456789";
const TOKEN = "FAKEtoken";
const OPEN = `cos://b-1250000000/?credential=hmac:AKID:${SECRET}&location=ap-guangzhou`;

/** The StorageError of `code` that `fn` throws, which must show no secret. */
const fails = (code: ErrorCode, fn: () => unknown): StorageError => expectThrown(fn, code, [SECRET, TOKEN]);

describe("COS: location and bucket names go into host names (M2)", () => {
  it("refuses a location that is not a DNS name at open, with a typed error (no TypeError at presign)", () => {
    for (const location of ["evil.example%23", "x%2F..%2Fy", "evil.example%3A8080%2Fpath%3F", "ap%20guangzhou", "", "%0D%0A"]) {
      expect(fails("ConnectionStringInvalid", () => newStorager(`cos://b-1250000000/?credential=hmac:AKID:${SECRET}&location=${location}`)).message).toContain('"location"');
    }
    fails("InvalidArgument", () => newStorager({ type: "cos", name: "b-1250000000", credential: `hmac:AKID:${SECRET}`, location: "evil.example#" }));
    expect(fails("InvalidArgument", () => bucketAddress("b-1250000000", "evil.example#", {})).message).toContain("region");
  });

  it("refuses a bad bucket name whatever the endpoint (the appid stays optional with one)", () => {
    const endpoint = "&endpoint=https:cos.ap-guangzhou.myqcloud.com";
    // A name holding "@" (URL user information) is refused at open, before the driver's check.
    fails("ConnectionStringInvalid", () => newStorager(`cos://a%40evil.example%23-1250000000/?credential=hmac:AKID:${SECRET}${endpoint}`));
    for (const name of ["evil.example%2F-1250000000", "UPPER-1250000000", "a_b-1250000000", "sp%20ace-1", "-lead-1", "trail-", "a".repeat(64)]) {
      fails("ConnectionStringInvalid", () => newStorager(`cos://${name}/?credential=hmac:AKID:${SECRET}${endpoint}`));
    }
    // The environment's fault, not the string's: a variable credential=env reads stays InvalidArgument.
    const saved = [process.env["TENCENTCLOUD_SECRET_ID"], process.env["TENCENTCLOUD_SECRET_KEY"]];
    process.env["TENCENTCLOUD_SECRET_ID"] = "AKID\n";
    process.env["TENCENTCLOUD_SECRET_KEY"] = SECRET;
    try {
      const e = fails("InvalidArgument", () => newStorager(`cos://b-1250000000/?credential=env${endpoint}`));
      expect(e.message).toContain("environment variable TENCENTCLOUD_SECRET_ID");
      expect(e.message).not.toContain(SECRET);
    } finally {
      for (const [i, name] of ["TENCENTCLOUD_SECRET_ID", "TENCENTCLOUD_SECRET_KEY"].entries()) {
        if (saved[i] === undefined) delete process.env[name];
        else process.env[name] = saved[i];
      }
    }
    // The same name in an options object is an argument, not a connection string.
    fails("InvalidArgument", () => newStorager({ type: "cos", name: "UPPER-1250000000", credential: `hmac:AKID:${SECRET}`, endpoint: "https:cos.ap-guangzhou.myqcloud.com" }));
    expect(newStorager(`cos://b/?credential=hmac:AKID:${SECRET}${endpoint}`).info.name).toBe("b");
    expect(newStorager(`cos://${"a".repeat(63)}/?credential=hmac:AKID:${SECRET}${endpoint}`).info.name).toHaveLength(63);
  });

  it("presigns only for the intended host", async () => {
    const r = await newStorager(OPEN).presign("read", "k.txt", { expires: 60 });
    expect(new URL(r.url).host).toBe("b-1250000000.cos.ap-guangzhou.myqcloud.com");
    const named = await newStorager(`cos://b-1250000000/?credential=hmac:AKID:${SECRET}&endpoint=https:cos.ap-guangzhou.myqcloud.com`).presign("read", "k.txt", { expires: 60 });
    expect(new URL(named.url).host).toBe("b-1250000000.cos.ap-guangzhou.myqcloud.com");
  });
});

describe("COS: header pairs are checked before anything is sent (M1)", () => {
  it("refuses a storage class no header can carry, presign included", async () => {
    const s = newStorager(OPEN);
    for (const storageClass of ["STANDARD\r\nX-Evil: 1", "Stándard", ""]) {
      await expectError(() => s.presign("write", "k", { expires: 60, storageClass }), "InvalidArgument");
      await expectError(() => s.write("k", "v", { storageClass }), "InvalidArgument");
    }
    fails("ConnectionStringInvalid", () => newStorager(`${OPEN}&default_storage_class=A%0AB`));
  });

  it("refuses a KMS key id no header can carry, at open and at a call", async () => {
    const e = fails("ConnectionStringInvalid", () => newStorager(`${OPEN}&default_server_side_encryption=cos/kms&default_server_side_encryption_cos_kms_key_id=k%0D%0AX:1`));
    expect(e.message).toContain("server_side_encryption_cos_kms_key_id");
    const s = newStorager(OPEN);
    for (const id of ["k\r\nX-Evil: 1", "ké", ""]) {
      await expectError(() => s.presign("write", "k", { expires: 60, serverSideEncryption: "cos/kms", serverSideEncryptionCosKmsKeyId: id } as PresignOptions), "InvalidArgument");
    }
    const ok = await s.presign("write", "k", { expires: 60, serverSideEncryption: "cos/kms", serverSideEncryptionCosKmsKeyId: "cmk-1" } as PresignOptions);
    expect(ok.headers["x-cos-server-side-encryption-cos-kms-key-id"]).toBe("cmk-1");
  });
});

describe("COS: security tokens are checked at open (M3)", () => {
  it("refuses a token with a line break or beyond Latin-1, naming the pair and not the value", () => {
    for (const token of [`${TOKEN}%0A`, `${TOKEN}%0D%0Aen`, `${TOKEN}%E2%82%AC`]) {
      expect(fails("ConnectionStringInvalid", () => newStorager(`${OPEN}&security_token=${token}`)).message).toContain('"security_token"');
      expect(fails("ConnectionStringInvalid", () => newStorager(OPEN.replace(SECRET, `${SECRET}:${token}`))).message).toContain("security token");
    }
    fails("ConnectionStringInvalid", () => newStorager(`${OPEN}&security_token=`));
    fails("InvalidArgument", () => newStorager({ type: "cos", name: "b-1250000000", credential: `hmac:AKID:${SECRET}`, location: "ap-guangzhou", securityToken: `${TOKEN}\n` }));
  });

  it("keeps a clean token, which a presigned URL carries", async () => {
    const r = await newStorager(`${OPEN}&security_token=${TOKEN}`).presign("read", "k", { expires: 60 });
    expect(new URL(r.url).searchParams.get("x-cos-security-token")).toBe(TOKEN);
  });
});
