import { describe, expect, it } from "@jest/globals";
import { expectError, expectThrown } from "@stowage/behavior-tests";
import { newServicer, newStorager, parseEndpoint, type ErrorCode, type StorageError } from "@stowage/core";
import { startEmulator } from "@stowage/emulator";
import { zoneAddress } from "../src/addressing.js";
import "../src/index.js";

const SECRET = "FAKEsecretKEY0123456789";
const OPEN = `qingstor://okbucket/?credential=hmac:AKID:${SECRET}&location=pek3b`;

/** The StorageError of `code` that `fn` throws, which must show no secret. */
const fails = (code: ErrorCode, fn: () => unknown): StorageError => expectThrown(fn, code, [SECRET]);

describe("QingStor: the zone goes into host names (M2)", () => {
  it("refuses a location that is not a DNS name at open, with or without an endpoint", () => {
    for (const location of ["evil.example%23", "a%40evil.example%2F", "pek%203b", "", "PEK3B"]) {
      expect(fails("ConnectionStringInvalid", () => newStorager(`qingstor://okbucket/?credential=hmac:AKID:${SECRET}&location=${location}`)).message).toContain('"location"');
      fails("ConnectionStringInvalid", () => newStorager(`qingstor://okbucket/?credential=hmac:AKID:${SECRET}&endpoint=https:qingstor.com&location=${location}`));
      fails("ConnectionStringInvalid", () => newServicer(`qingstor://?credential=hmac:AKID:${SECRET}&location=${location}`));
    }
    fails("InvalidArgument", () => zoneAddress("evil.example#", undefined));
    fails("InvalidArgument", () => zoneAddress("a@evil.example/", parseEndpoint("https:qingstor.com")));
  });

  it("presigns only for the intended host", async () => {
    const r = await newStorager(OPEN).presign("read", "k.txt", { expires: 60 });
    expect(new URL(r.url).host).toBe("pek3b.qingstor.com");
    const named = await newStorager(`${OPEN}&endpoint=https:qingstor.com`).presign("read", "k.txt", { expires: 60 });
    expect(new URL(named.url).host).toBe("pek3b.qingstor.com");
  });
});

describe("QingStor: storage classes (M1)", () => {
  it("refuses one no header can carry before anything is sent, presign included", async () => {
    const s = newStorager(OPEN);
    for (const storageClass of ["STANDARD\r\nX-Evil: 1", "", "BOGUS"]) {
      await expectError(() => s.presign("write", "k", { expires: 60, storageClass }), "InvalidArgument");
    }
    expect((await s.presign("write", "k", { expires: 60, storageClass: "STANDARD_IA" })).headers["x-qs-storage-class"]).toBe("STANDARD_IA");
  });
});

describe("QingStor: user metadata names (review-ops L4)", () => {
  it("refuses a name over 512 bytes before anything is sent; 512 go", async () => {
    const emulator = await startEmulator({ provider: "qingstor", buckets: ["meta-names"] });
    try {
      const s = newStorager(emulator.connectionString("meta-names", "/"));
      emulator.resetStats();
      const e = await expectError(() => s.write("k", "x", { metadata: { ["n".repeat(513)]: "v" } }), "InvalidArgument");
      expect(e.message).toContain("513 bytes; QingStor keeps names of at most 512");
      expect(emulator.stats().requests).toBe(0);
      await s.write("k", "x", { metadata: { ["n".repeat(512)]: "v" } });
      expect((await s.stat("k")).metadata).toEqual({ ["n".repeat(512)]: "v" });
    } finally {
      await emulator.stop();
    }
  });
});
