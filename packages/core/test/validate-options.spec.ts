import { describe, expect, it, jest } from "@jest/globals";
import { isStorageError } from "../src/errors/storage-error.js";
import { defineFeatures, type StorageFeatures } from "../src/features.js";
import { STORAGE_OPERATIONS } from "../src/operations.js";
import { globalPairs } from "../src/pairs/global-pairs.js";
import { definePair, type PairSet } from "../src/pairs/pair-definition.js";
import { planOptions, validateOptions, type ValidateOptionsContext } from "../src/pairs/validate-options.js";

const SECRET = "FAKEsecretKEY0123456789";

function fails(code: "InvalidArgument" | "PairUnsupported" | "PairRequired", fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (!isStorageError(e, code)) throw e;
    const message = (e as Error).message;
    expect(message).not.toContain(SECRET);
    return message;
  }
  throw new Error(`expected ${code}, nothing was thrown`);
}

describe("validateOptions", () => {
  const driverPairs = {
    serverSideEncryption: definePair({
      name: "server_side_encryption",
      type: "string",
      description: "SSE",
      operations: ["write", "createMultipart"],
      defaultable: true,
      enum: ["AES256"],
    }),
  } as const;
  const pairs: PairSet = { ...globalPairs, ...driverPairs };
  const features: StorageFeatures = defineFeatures({ write: true, contentType: true, userMetadata: false, storageClass: true });

  function ctx(extra: Partial<ValidateOptionsContext> = {}): ValidateOptionsContext {
    return { service: "cos", pairs, features, defaults: {}, loose: false, ...extra };
  }

  it("returns a new object with checked values", () => {
    const input = { size: 3, contentType: "text/plain", serverSideEncryption: "AES256", undefinedOne: undefined };
    const out = validateOptions("write", input, ctx());
    expect(out).toEqual({ size: 3, contentType: "text/plain", serverSideEncryption: "AES256" });
    expect(out).not.toBe(input);
    expect(input).toEqual({ size: 3, contentType: "text/plain", serverSideEncryption: "AES256", undefinedOne: undefined });
  });

  it("refuses a content type or metadata value padded with spaces or tabs (HTTP drops them, so the signature would not match)", () => {
    const withMetadata = ctx({ features: defineFeatures({ write: true, contentType: true, userMetadata: true }) });
    for (const contentType of [" text/plain", "text/plain ", "", "text/\u00e9"]) {
      fails("InvalidArgument", () => validateOptions("write", { contentType }, withMetadata));
    }
    for (const value of [" v", "v ", "v\t", "ü", "line\nbreak"]) {
      expect(fails("InvalidArgument", () => validateOptions("write", { metadata: { k: value } }, withMetadata))).toContain('"k"');
    }
    for (const name of ["a b", "ü", "a:b"]) {
      expect(fails("InvalidArgument", () => validateOptions("write", { metadata: { [name]: "v" } }, withMetadata))).toContain("HTTP token");
    }
    expect(validateOptions("write", { contentType: "text/plain; charset=utf-8", metadata: { k: "a  b" } }, withMetadata)).toEqual({
      contentType: "text/plain; charset=utf-8",
      metadata: { k: "a  b" },
    });
  });

  it("accepts undefined options", () => {
    expect(validateOptions("write", undefined, ctx())).toEqual({});
  });

  it("rejects an unknown option", () => {
    const message = fails("PairUnsupported", () => validateOptions("write", { foo: 1 }, ctx()));
    expect(message).toContain('option "foo" is not supported by write on cos');
  });

  it("rejects an option the operation does not accept", () => {
    expect(fails("PairUnsupported", () => validateOptions("read", { contentType: "x" }, ctx()))).toContain("not supported by read on cos");
    expect(fails("PairUnsupported", () => validateOptions("write", { credential: "env" }, ctx()))).toContain('"credential"');
  });

  it("rejects an option whose feature is off", () => {
    const message = fails("PairUnsupported", () => validateOptions("write", { metadata: { a: "b" } }, ctx()));
    expect(message).toContain('option "metadata" is not supported by write on cos');
    expect(message).toContain("userMetadata");
  });

  it("does not look up inherited keys", () => {
    fails("PairUnsupported", () => validateOptions("write", { toString: "x", constructor: "y" }, ctx()));
  });

  it("drops unsupported options when loose, still checking supported values", () => {
    const loose = ctx({ loose: true, knownPair: (key) => key === "fsync" });
    expect(validateOptions("write", { fsync: true, metadata: { a: "b" }, size: 2 }, loose)).toEqual({ size: 2 });
    fails("InvalidArgument", () => validateOptions("write", { size: -1 }, loose));
  });

  it("refuses, loose or not, an option no service defines (a typo must not vanish): only another service's pairs are dropped", () => {
    const loose = ctx({ loose: true, knownPair: (key) => key === "fsync" });
    expect(fails("PairUnsupported", () => validateOptions("write", { ifNotExsts: true }, loose))).toContain('"ifNotExsts" is a pair of no registered service');
    fails("PairUnsupported", () => validateOptions("write", { ifNotExsts: true }, ctx()));
    // Without knownPair, loose mode drops this service's own pairs only.
    fails("PairUnsupported", () => validateOptions("write", { fsync: true }, ctx({ loose: true })));
    expect(validateOptions("write", { metadata: { a: "b" } }, ctx({ loose: true }))).toEqual({});
    // A name that is no identifier is not repeated in the message.
    expect(fails("PairUnsupported", () => validateOptions("write", { "a\u001b[2J": 1 }, loose))).toContain("(a name that is not an option name)");
  });

  it("rejects bad values with InvalidArgument naming the option, op and service", () => {
    try {
      validateOptions("createMultipart", { serverSideEncryption: "KMS" }, ctx());
      throw new Error("no error");
    } catch (e) {
      expect(isStorageError(e, "InvalidArgument")).toBe(true);
      const err = e as { message: string; op?: string; service?: string };
      expect(err.message).toContain('option "serverSideEncryption"');
      expect(err.op).toBe("create_multipart");
      expect(err.service).toBe("cos");
    }
  });

  it("drops the defaults a given pair replaces (replacesDefaults), never a value the call gives", () => {
    const sse: PairSet = {
      ...globalPairs,
      mode: definePair({ name: "mode", type: "string", description: "m", operations: ["write"], defaultable: true, replacesDefaults: ["keyId"] }),
      keyId: definePair({ name: "key_id", type: "string", description: "k", operations: ["write"], defaultable: true }),
    };
    const c = ctx({ pairs: sse, defaults: { mode: "KMS", keyId: "k1" } });
    expect(validateOptions("write", {}, c)).toEqual({ mode: "KMS", keyId: "k1" });
    expect(validateOptions("write", { mode: "AES256" }, c)).toEqual({ mode: "AES256" });
    expect(validateOptions("write", { mode: "KMS", keyId: "k2" }, c)).toEqual({ mode: "KMS", keyId: "k2" });
    // The default's own value changes nothing: its details stay.
    expect(validateOptions("write", { mode: "KMS" }, c)).toEqual({ mode: "KMS", keyId: "k1" });
    expect(validateOptions("write", { keyId: "k2" }, c)).toEqual({ mode: "KMS", keyId: "k2" });
  });

  it("normalises values", () => {
    expect(validateOptions("write", { partSize: "8MiB" }, ctx())).toEqual({ partSize: 8 * 1024 ** 2 });
  });

  it("fills defaults the op accepts, the call site wins", () => {
    const defaults = { storageClass: "STANDARD_IA", contentType: "application/x", partSize: 1024, serverSideEncryption: "AES256", metadata: { a: "b" } };
    expect(validateOptions("write", { contentType: "text/plain" }, ctx({ defaults }))).toEqual({
      storageClass: "STANDARD_IA",
      contentType: "text/plain",
      partSize: 1024,
      serverSideEncryption: "AES256",
    });
    expect(validateOptions("createDir", {}, ctx({ defaults }))).toEqual({ storageClass: "STANDARD_IA" });
    expect(validateOptions("read", {}, ctx({ defaults }))).toEqual({});
    expect(validateOptions("write", { contentType: undefined }, ctx({ defaults })).contentType).toBe("application/x");
  });

  it("skips defaults whose feature is off", () => {
    const off = defineFeatures({ write: true, storageClass: false });
    expect(validateOptions("write", {}, ctx({ features: off, defaults: { storageClass: "X" } }))).toEqual({});
  });

  it("requires required options, after defaults", () => {
    const message = fails("PairRequired", () => validateOptions("presign", {}, ctx()));
    expect(message).toContain('option "expires" is required by presign on cos');
    expect(fails("PairRequired", () => validateOptions("writeMultipart", { size: 1 }, ctx()))).toContain('"index"');
    expect(validateOptions("presign", {}, ctx({ defaults: { expires: 60 } }))).toEqual({ expires: 60 });
    fails("PairRequired", () => validateOptions("presign", { fsync: true }, ctx({ loose: true, knownPair: (key) => key === "fsync" })));
  });

  it("accepts signal on every operation and functions where declared", () => {
    const signal = new AbortController().signal;
    const onProgress = jest.fn();
    for (const op of STORAGE_OPERATIONS) {
      const extra = op === "presign" ? { expires: 1 } : op === "writeMultipart" ? { index: 0 } : {};
      expect(validateOptions(op, { signal, ...extra }, ctx({ features: defineFeatures({}) })).signal).toBe(signal);
    }
    expect(validateOptions("read", { onProgress }, ctx()).onProgress).toBe(onProgress);
    fails("PairUnsupported", () => validateOptions("stat", { onProgress }, ctx()));
  });

  it("rejects non-object options", () => {
    fails("InvalidArgument", () => validateOptions("write", 5 as unknown as object, ctx()));
  });

  it("never shows secrets in messages", () => {
    const message = fails("PairUnsupported", () => validateOptions("write", { credential: `hmac:AK:${SECRET}` }, ctx()));
    expect(message).toContain('"credential"');
  });

  it("a plan made once per operation gives the same results as planning on every call", () => {
    const defaults = { storageClass: "STANDARD_IA", serverSideEncryption: "AES256", expires: 60, contentType: undefined };
    const c = ctx({ defaults });
    const calls: Array<object | undefined> = [undefined, {}, { size: 3 }, { storageClass: "STANDARD" }, { contentType: "a/b", serverSideEncryption: "AES256" }];
    for (const op of STORAGE_OPERATIONS) {
      const plan = planOptions(op, c);
      for (const options of calls) {
        const outcome = (withPlan: boolean): unknown => {
          try {
            return withPlan ? validateOptions(op, options, c, plan) : validateOptions(op, options, c);
          } catch (e) {
            return isStorageError(e) ? `${e.code}: ${e.message}` : e;
          }
        };
        expect(outcome(true)).toEqual(outcome(false));
      }
    }
    expect(planOptions("presign", ctx()).required).toEqual(["expires"]);
    expect(planOptions("write", c).defaults).toEqual([
      ["storageClass", "STANDARD_IA"],
      ["serverSideEncryption", "AES256"],
    ]);
  });
});
