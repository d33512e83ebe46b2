import { describe, expect, it } from "@jest/globals";
import { expectError, expectThrown } from "@stowage/behavior-tests";
import { newServicer, newStorager, type ErrorCode, type PresignOptions, type StorageError } from "@stowage/core";
import { bucketAddress, serviceAddress } from "../src/addressing.js";
import "../src/index.js";

const SECRET = "FAKEsecretKEY0123456789";
const TOKEN = "FAKEtoken";
const OPEN = `oss://okbucket/?credential=hmac:AKID:${SECRET}&location=cn-hangzhou`;

/** The StorageError of `code` that `fn` throws, which must show no secret. */
const fails = (code: ErrorCode, fn: () => unknown): StorageError => expectThrown(fn, code, [SECRET, TOKEN]);

describe("OSS: the location goes into host names (M2)", () => {
  it("refuses a location that is not a DNS name at open, storager and servicer", () => {
    for (const location of ["evil.example%23", "a%40evil.example%2F", "ap%20guangzhou", "", "Cn-Hangzhou"]) {
      expect(fails("ConnectionStringInvalid", () => newStorager(`oss://okbucket/?credential=hmac:AKID:${SECRET}&location=${location}`)).message).toContain('"location"');
      fails("ConnectionStringInvalid", () => newServicer(`oss://?credential=hmac:AKID:${SECRET}&location=${location}`));
    }
    fails("InvalidArgument", () => bucketAddress("okbucket", "a@evil.example/", {}));
    fails("InvalidArgument", () => serviceAddress("evil.example#", {}));
  });

  it("presigns only for the intended host", async () => {
    const r = await newStorager(OPEN).presign("read", "k.txt", { expires: 60 });
    expect(new URL(r.url).host).toBe("okbucket.oss-cn-hangzhou.aliyuncs.com");
  });
});

describe("OSS: header pairs are checked before anything is sent (M1)", () => {
  it("refuses a storage class no header can carry, presign included", async () => {
    const s = newStorager(OPEN);
    for (const storageClass of ["STANDARD\r\nX-Evil: 1", "Stándard", ""]) {
      await expectError(() => s.presign("write", "k", { expires: 60, storageClass }), "InvalidArgument");
      await expectError(() => s.write("k", "v", { storageClass }), "InvalidArgument");
    }
    expect((await s.presign("write", "k", { expires: 60, storageClass: "IA" })).headers["x-oss-storage-class"]).toBe("IA");
  });

  it("refuses a KMS key id no header can carry, at open and at a call", async () => {
    const e = fails("ConnectionStringInvalid", () => newStorager(`${OPEN}&default_server_side_encryption=KMS&default_server_side_encryption_key_id=k%0D%0AX:1`));
    expect(e.message).toContain("server_side_encryption_key_id");
    const s = newStorager(OPEN);
    for (const id of ["k\r\nX-Evil: 1", "ké", ""]) {
      await expectError(() => s.presign("write", "k", { expires: 60, serverSideEncryption: "KMS", serverSideEncryptionKeyId: id } as PresignOptions), "InvalidArgument");
    }
  });
});

describe("OSS: security tokens are checked at open (M3)", () => {
  it("refuses a token with a line break or beyond Latin-1, naming the pair and not the value", () => {
    for (const token of [`${TOKEN}%0A`, `${TOKEN}%0D%0Aen`, `${TOKEN}%E2%82%AC`]) {
      expect(fails("ConnectionStringInvalid", () => newStorager(`${OPEN}&security_token=${token}`)).message).toContain('"security_token"');
      expect(fails("ConnectionStringInvalid", () => newStorager(OPEN.replace(SECRET, `${SECRET}:${token}`))).message).toContain("security token");
    }
    fails("InvalidArgument", () => newStorager({ type: "oss", name: "okbucket", credential: `hmac:AKID:${SECRET}`, location: "cn-hangzhou", securityToken: `${TOKEN}\r\n` }));
  });
});

describe("OSS: presign expiry (L1)", () => {
  it("refuses more than 7 days with V4 signatures (documented), leaves V1 alone", async () => {
    const v4 = newStorager(`${OPEN}&signature_version=v4`);
    await expectError(() => v4.presign("read", "k", { expires: 604_801 }), "InvalidArgument");
    expect((await v4.presign("read", "k", { expires: 604_800 })).url).toContain("x-oss-expires=604800");
    expect((await newStorager(OPEN).presign("read", "k", { expires: 604_801 })).url).toContain("Expires=");
  });
});
