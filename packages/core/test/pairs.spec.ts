import { describe, expect, it } from "@jest/globals";
import { isStorageError } from "../src/errors/storage-error.js";
import { camelCase, STORAGE_OPERATIONS } from "../src/operations.js";
import { globalPairs } from "../src/pairs/global-pairs.js";
import type { PairDefinition, PairOptions } from "../src/pairs/pair-definition.js";
import { checkPairValue, parseBase64, parsePairValue } from "../src/pairs/parse-value.js";

const SECRET = "FAKEsecretKEY0123456789";
const MD5 = Buffer.alloc(16, 7).toString("base64");

function pair<T extends PairDefinition["type"]>(type: T, extra: Partial<PairDefinition> = {}): PairDefinition {
  return { name: "test_pair", type, description: "test", operations: ["new"], ...extra } as PairDefinition;
}

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

describe("globalPairs", () => {
  it("keys are the camelCase of their snake_case names", () => {
    for (const [key, def] of Object.entries(globalPairs)) expect(camelCase(def.name)).toBe(key);
  });

  it("has the open-time pairs", () => {
    for (const key of ["credential", "endpoint", "name", "workDir", "location", "enableLoosePair"] as const) {
      expect(globalPairs[key].operations).toEqual(["new"]);
    }
    expect(globalPairs.credential.secret).toBe(true);
    expect(globalPairs.workDir.name).toBe("work_dir");
    expect(globalPairs.enableLoosePair.name).toBe("enable_loose_pair");
  });

  it("tuning pairs are accepted at open time and by write", () => {
    expect(globalPairs.multipartThreshold.operations).toEqual(["new", "write"]);
    expect(globalPairs.partSize.type).toBe("size");
    expect(globalPairs.concurrency.type).toBe("integer");
  });

  it("signal is accepted by every operation, expires and index are required", () => {
    expect([...globalPairs.signal.operations].sort()).toEqual([...STORAGE_OPERATIONS].sort());
    expect(globalPairs.expires.required).toEqual(["presign"]);
    expect(globalPairs.index.required).toEqual(["writeMultipart"]);
  });

  it("contentType and storageClass are defaultable and feature-gated", () => {
    expect(globalPairs.contentType).toMatchObject({ defaultable: true, feature: "contentType" });
    expect(globalPairs.storageClass).toMatchObject({ defaultable: true, feature: "storageClass" });
    expect(globalPairs.metadata).toMatchObject({ feature: "userMetadata", type: "string-map" });
  });

  it("derives typed options per operation", () => {
    const write: PairOptions<typeof globalPairs, "write"> = { size: 1, contentType: "text/plain", concurrency: 2, metadata: { a: "b" } };
    const presign: PairOptions<typeof globalPairs, "presign"> = { expires: 60 };
    // @ts-expect-error credential is not a write option
    const bad: PairOptions<typeof globalPairs, "write"> = { credential: { protocol: "env" } };
    expect([write, presign, bad]).toHaveLength(3);
  });
});

describe("parsePairValue", () => {
  it.each([
    ["", true],
    ["true", true],
    ["TRUE", true],
    ["1", true],
    ["false", false],
    ["False", false],
    ["0", false],
    // go-storage's strconv.ParseBool forms
    ["t", true],
    ["T", true],
    ["f", false],
    ["F", false],
  ])("boolean %j", (raw, expected) => {
    expect(parsePairValue(pair("boolean"), raw)).toBe(expected);
  });

  it.each([
    ["0", 0],
    ["42", 42],
    ["-7", -7],
    ["+7", 7],
    ["0x10", 16],
    ["0XfF", 255],
    ["9007199254740991", Number.MAX_SAFE_INTEGER],
  ])("integer %j", (raw, expected) => {
    expect(parsePairValue(pair("integer"), raw)).toBe(expected);
  });

  it.each([
    ["1048576", 1048576],
    ["0", 0],
    ["10B", 10],
    ["512k", 512 * 1024],
    ["512K", 512 * 1024],
    ["1KB", 1000],
    ["1KiB", 1024],
    ["64M", 64 * 1024 ** 2],
    ["64MiB", 64 * 1024 ** 2],
    ["64MB", 64e6],
    ["1G", 1024 ** 3],
    ["1GB", 1e9],
    ["1GiB", 1024 ** 3],
    ["2T", 2 * 1024 ** 4],
    ["2TiB", 2 * 1024 ** 4],
    ["2TB", 2e12],
    ["1.5K", 1536],
    ["8 MiB", 8 * 1024 ** 2],
    ["8mib", 8 * 1024 ** 2],
  ])("size %j", (raw, expected) => {
    expect(parsePairValue(pair("size"), raw)).toBe(expected);
  });

  it.each([
    ["500", 500],
    ["500ms", 500],
    ["30s", 30000],
    ["1.5s", 1500],
    ["5m", 300000],
    ["1h", 3600000],
  ])("duration %j", (raw, expected) => {
    expect(parsePairValue(pair("duration"), raw)).toBe(expected);
  });

  it("bytes: base64 padded or not", () => {
    const key = Buffer.from("0123456789abcdef0123456789abcdef");
    expect(parsePairValue(pair("bytes"), key.toString("base64"))).toEqual(key);
    expect(parsePairValue(pair("bytes"), key.toString("base64").replace(/=+$/, ""))).toEqual(key);
    expect(parsePairValue(pair("bytes"), "AQ")).toEqual(Buffer.from([1]));
    expect(parsePairValue(pair("bytes"), "")).toEqual(Buffer.alloc(0));
  });

  it("parseBase64 is strict", () => {
    for (const bad of ["A", "AQ=", "AQ===", "A-_B", "AQ==AQ==", "AR==", "a b", "AQ=A"]) expect(parseBase64(bad)).toBeUndefined();
  });

  it("string, credential and endpoint", () => {
    expect(parsePairValue(pair("string"), "a=b:/c?d")).toBe("a=b:/c?d");
    expect(parsePairValue(pair("credential"), `hmac:AK:${SECRET}`)).toEqual({ protocol: "hmac", accessKey: "AK", secretKey: SECRET });
    expect(parsePairValue(pair("endpoint"), "https://h:1")).toEqual({ protocol: "https", host: "h", port: 1, url: "https://h:1" });
  });

  it.each([
    ["boolean", "yes", "true, false, t, f, 1 or 0"],
    ["integer", "1.5", "an integer"],
    ["integer", "abc", "an integer"],
    ["integer", "", "an integer"],
    ["integer", "9007199254740993", "a safe integer (at most 2^53 - 1"],
    ["integer", "0x", "an integer"],
    ["size", "-1", "a size"],
    ["size", "1XB", "a size"],
    ["size", "0.1K", "a size"],
    ["size", "", "a size"],
    ["size", "99999999999T", "a size"],
    ["duration", "5d", "a duration"],
    ["duration", "-5s", "a duration"],
    ["bytes", "not base64!", "base64"],
  ] as const)("%s rejects %j, naming the pair and the expected form", (type, raw, expected) => {
    const message = fails("InvalidArgument", () => parsePairValue(pair(type), raw));
    expect(message).toContain('pair "test_pair"');
    expect(message).toContain(expected);
    expect(message).toContain(JSON.stringify(raw));
  });

  it.each(["string-map", "function", "signal"] as const)("%s cannot be parsed", (type) => {
    expect(fails("InvalidArgument", () => parsePairValue(pair(type), "x"))).toContain("cannot be given as a string");
  });

  it("never shows a secret pair's value", () => {
    const secretInt = pair("integer", { secret: true });
    expect(fails("InvalidArgument", () => parsePairValue(secretInt, SECRET))).not.toContain(SECRET);
    const secretEnum = pair("string", { secret: true, enum: ["a"] });
    expect(fails("InvalidArgument", () => parsePairValue(secretEnum, SECRET))).toContain("expected one of a");
    const cred = globalPairs.credential;
    for (const raw of [`hmac::${SECRET}`, `hmac:AK:${SECRET}:`, `basic:${SECRET}`, SECRET, `hmac:${SECRET}`]) {
      const message = fails("InvalidArgument", () => parsePairValue(cred, raw));
      expect(message).toContain('pair "credential"');
    }
  });

  it("wraps endpoint errors under the pair name", () => {
    expect(fails("InvalidArgument", () => parsePairValue(globalPairs.endpoint, "ftp:x"))).toMatch(/pair "endpoint".*unsupported protocol/);
  });

  it("runs enum and validate", () => {
    expect(parsePairValue(globalPairs.mode, "prefix")).toBe("prefix");
    expect(fails("InvalidArgument", () => parsePairValue(globalPairs.mode, "tree"))).toContain("expected one of dir, prefix, part");
    expect(fails("InvalidArgument", () => parsePairValue(globalPairs.concurrency, "0"))).toContain("must be at least 1");
    expect(fails("InvalidArgument", () => parsePairValue(globalPairs.partSize, "0"))).toContain("must be at least 1");
  });

  it("uses a given label", () => {
    expect(fails("InvalidArgument", () => parsePairValue(pair("integer"), "x", 'pair "default_x"'))).toContain('pair "default_x"');
  });
});

describe("checkPairValue", () => {
  it("passes well-typed values through", () => {
    const fn = (): void => undefined;
    const signal = new AbortController().signal;
    expect(checkPairValue(pair("string"), "s")).toBe("s");
    expect(checkPairValue(pair("boolean"), false)).toBe(false);
    expect(checkPairValue(pair("integer"), -3)).toBe(-3);
    expect(checkPairValue(pair("function"), fn)).toBe(fn);
    expect(checkPairValue(pair("signal"), signal)).toBe(signal);
  });

  it("accepts string forms of size, duration, bytes, credential and endpoint", () => {
    expect(checkPairValue(pair("size"), "8MiB")).toBe(8 * 1024 ** 2);
    expect(checkPairValue(pair("size"), 10)).toBe(10);
    expect(checkPairValue(pair("duration"), "2s")).toBe(2000);
    expect(checkPairValue(pair("bytes"), "AQI")).toEqual(Buffer.from([1, 2]));
    expect(checkPairValue(pair("bytes"), new Uint8Array([3]))).toEqual(Buffer.from([3]));
    expect(checkPairValue(pair("credential"), "env")).toEqual({ protocol: "env" });
    expect(checkPairValue(pair("endpoint"), "http:h:81")).toEqual({ protocol: "http", host: "h", port: 81, url: "http://h:81" });
  });

  it("checks and normalises credential and endpoint objects", () => {
    expect(checkPairValue(pair("credential"), { protocol: "hmac", accessKey: "a", secretKey: SECRET, extra: 1 })).toEqual({
      protocol: "hmac",
      accessKey: "a",
      secretKey: SECRET,
    });
    expect(checkPairValue(pair("credential"), { protocol: "hmac", accessKey: "a", secretKey: "s", securityToken: "t" })).toEqual({
      protocol: "hmac",
      accessKey: "a",
      secretKey: "s",
      securityToken: "t",
    });
    expect(checkPairValue(pair("endpoint"), { protocol: "https", host: "H.com" })).toEqual({
      protocol: "https",
      host: "h.com",
      port: 443,
      url: "https://h.com",
    });
    for (const bad of [{ protocol: "hmac", accessKey: "", secretKey: SECRET }, { protocol: "hmac", accessKey: "a" }, { protocol: "hmac", accessKey: "a", secretKey: SECRET, securityToken: 1 }, { protocol: "x" }, 42, null]) {
      fails("InvalidArgument", () => checkPairValue(globalPairs.credential, bad));
    }
    for (const bad of [{ protocol: "ftp", host: "h" }, { protocol: "http", host: "h", port: "80" }, { protocol: "http", host: "h", port: 0 }, { host: "h" }, "h", 1]) {
      fails("InvalidArgument", () => checkPairValue(globalPairs.endpoint, bad));
    }
  });

  it("lower-cases string-map keys and requires string values", () => {
    expect(checkPairValue(globalPairs.metadata, { Owner: "Me", "X-Y": "z" })).toEqual({ owner: "Me", "x-y": "z" });
    expect(fails("InvalidArgument", () => checkPairValue(globalPairs.metadata, { a: 1 }))).toContain('key "a" must be a string');
    expect(fails("InvalidArgument", () => checkPairValue(globalPairs.metadata, { A: "1", a: "2" }))).toContain("given twice");
    expect(fails("InvalidArgument", () => checkPairValue(globalPairs.metadata, { "": "x" }))).toContain("empty");
    fails("InvalidArgument", () => checkPairValue(globalPairs.metadata, ["a"]));
    fails("InvalidArgument", () => checkPairValue(globalPairs.metadata, "a=b"));
  });

  it("keeps a __proto__ metadata key as data", () => {
    const input = JSON.parse('{"__proto__": "x"}') as Record<string, string>;
    const out = checkPairValue(globalPairs.metadata, input) as Record<string, string>;
    expect(Object.keys(out)).toEqual(["__proto__"]);
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
  });

  it.each([
    ["string", 1],
    ["boolean", "true"],
    ["integer", "1"],
    ["integer", 1.5],
    ["integer", Number.NaN],
    ["size", -1],
    ["size", 1.5],
    ["size", true],
    ["duration", -1],
    ["bytes", [1, 2]],
    ["function", "f"],
    ["signal", {}],
    ["signal", { aborted: false }],
  ] as const)("%s rejects %j", (type, value) => {
    expect(fails("InvalidArgument", () => checkPairValue(pair(type), value))).toContain('option "testPair"');
  });

  it("never shows a secret value", () => {
    fails("InvalidArgument", () => checkPairValue(pair("string", { secret: true, enum: ["x"] }), SECRET));
    fails("InvalidArgument", () => checkPairValue(pair("integer", { secret: true }), 1.5));
    fails("InvalidArgument", () => checkPairValue(globalPairs.credential, `hmac:AK:${SECRET}:`));
  });

  it("runs validate: contentMd5 must be the base64 of 16 bytes", () => {
    expect(checkPairValue(globalPairs.contentMd5, MD5)).toBe(MD5);
    const unpadded = MD5.replace(/=+$/, "");
    for (const bad of ["", "abc", Buffer.alloc(15).toString("base64"), Buffer.alloc(17).toString("base64"), unpadded, "AAAAAAAAAAAAAAAAAAAAAB=="]) {
      expect(fails("InvalidArgument", () => checkPairValue(globalPairs.contentMd5, bad))).toContain("16-byte MD5");
    }
  });

  it("runs validate: bounds", () => {
    fails("InvalidArgument", () => checkPairValue(globalPairs.expires, 0));
    fails("InvalidArgument", () => checkPairValue(globalPairs.limit, 0));
    fails("InvalidArgument", () => checkPairValue(globalPairs.offset, -1));
    fails("InvalidArgument", () => checkPairValue(globalPairs.size, -1));
    fails("InvalidArgument", () => checkPairValue(globalPairs.index, -1));
    fails("InvalidArgument", () => checkPairValue(globalPairs.multipartId, ""));
    expect(checkPairValue(globalPairs.index, 0)).toBe(0);
  });
});
