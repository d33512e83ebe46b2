import { afterEach, describe, expect, it } from "@jest/globals";
import { runInNewContext } from "node:vm";
import {
  checkPairValue,
  combinePartCrcs,
  crc64,
  crc64Combine,
  crc64Decimal,
  crc64Equal,
  Crc64,
  definePair,
  globalPairs,
  isStorageError,
  md5Base64,
  md5Hex,
  Md5,
  parseBase64,
  parseCrc64,
  parsePairValue,
  parseRetryAfter,
  parseXml,
  planPartSize,
  registerService,
  unregisterService,
  type PairDefinition,
  type ServiceDefinition,
  type StorageDriver,
  type StorageError,
} from "../src/index.js";

// Core's exported helpers, given an argument of the wrong type or range, fail with a StorageError
// `InvalidArgument` that names the argument (never a TypeError, RangeError or SyntaxError), and
// never show the value itself (it may be a secret).

const SECRET = "S3cretValue0123456789abcdef";
/** A value whose string form is the secret: a message that stringifies it would show it. */
const secretish = { toString: () => SECRET };

/** The InvalidArgument `fn` throws synchronously. */
function invalid(fn: () => unknown, names?: string): StorageError {
  let thrown: unknown;
  try {
    fn();
  } catch (e) {
    thrown = e;
  }
  if (!isStorageError(thrown)) throw new Error(`expected a StorageError InvalidArgument, got ${String(thrown)}`);
  expect(thrown.code).toBe("InvalidArgument");
  expect(thrown.message).not.toContain(SECRET);
  if (names !== undefined) expect(thrown.message).toContain(names);
  return thrown;
}

describe("registerService checks the definition's shape", () => {
  const base: ServiceDefinition = {
    type: "shapedemo",
    packageName: "@stowage/shapedemo",
    description: "a definition for shape checks",
    pairs: {},
    newStorageDriver: () => ({}) as unknown as StorageDriver,
  };
  afterEach(() => unregisterService("shapedemo"));
  const bad = (extra: Record<string, unknown>): ServiceDefinition => ({ ...base, ...extra }) as unknown as ServiceDefinition;

  it("refuses pair-name lists that are not arrays of strings", () => {
    invalid(() => registerService(bad({ storagerRequires: 5 })), "storagerRequires");
    invalid(() => registerService(bad({ servicerRequires: "credential" })), "servicerRequires");
    invalid(() => registerService(bad({ unusedPairs: [5] })), "unusedPairs");
  });

  it("refuses pairs that are not an object, and a packageName or description that is not a string", () => {
    invalid(() => registerService(bad({ pairs: 5 })), "pairs");
    invalid(() => registerService(bad({ pairs: [] })), "pairs");
    invalid(() => registerService(bad({ packageName: 5 })), "packageName");
    invalid(() => registerService(bad({ description: secretish })), "description");
  });

  it("still registers a well-formed definition", () => {
    expect(() => registerService(base)).not.toThrow();
  });
});

describe("parsers given a value of the wrong type", () => {
  it("parseCrc64", () => {
    for (const v of [undefined, null, 42, {}, secretish]) invalid(() => parseCrc64(v as never), "parseCrc64: v");
    expect(parseCrc64(" 42 ")).toBe(42n);
    expect(parseCrc64("x")).toBeUndefined();
  });

  it("crc64Equal never matches such a value (and does not throw)", () => {
    expect(crc64Equal(undefined as never, "1")).toBe(false);
    expect(crc64Equal("1", 1 as never)).toBe(false);
    expect(crc64Equal("01", 1n)).toBe(true);
  });

  it("parseBase64", () => {
    for (const v of [undefined, null, 42, {}, secretish]) invalid(() => parseBase64(v as never), "parseBase64: raw");
    expect(parseBase64("aGk=")).toEqual(Buffer.from("hi"));
  });

  it("parseRetryAfter", () => {
    for (const v of [null, 42, {}]) invalid(() => parseRetryAfter(v as never), "parseRetryAfter: value");
    invalid(() => parseRetryAfter("5", "now" as never), "parseRetryAfter: now");
    expect(parseRetryAfter(undefined)).toBeUndefined();
    expect(parseRetryAfter("5", 0)).toBe(5000);
  });

  it("parsePairValue: a raw value that is not a string, a def that is not a pair", () => {
    for (const v of [undefined, null, 42, {}]) invalid(() => parsePairValue(globalPairs.multipartThreshold, v as never), 'pair "multipart_threshold"');
    const secretPair: PairDefinition = definePair({ name: "sse_key", type: "bytes", description: "x", operations: ["write"], secret: true });
    invalid(() => parsePairValue(secretPair, secretish as never), 'pair "sse_key"');
    for (const def of [undefined, null, 5, {}]) invalid(() => parsePairValue(def as never, "1"), "parsePairValue: def");
    expect(parsePairValue(globalPairs.multipartThreshold, "1K")).toBe(1024);
  });

  it("parseXml: InvalidArgument for a non-string, Unexpected for text that is not XML", async () => {
    for (const v of [undefined, null, 42, {}]) {
      const e = await parseXml(v as never).then(
        () => undefined,
        (err: unknown) => err,
      );
      expect(isStorageError(e) && e.code).toBe("InvalidArgument");
      expect((e as Error).message).toContain("parseXml: text");
    }
    await expect(parseXml("<a>")).rejects.toMatchObject({ code: "Unexpected" });
    await expect(parseXml(Buffer.from("<a>x</a>"))).resolves.toEqual({ root: "a", value: "x" });
  });
});

describe("hash helpers given a value that is not what they hash", () => {
  const notBytes = [undefined, null, 42, 5n, {}, [1, 2], secretish];

  it("crc64 and crc64Decimal: InvalidArgument for data that is neither a string nor bytes, and a prev that is no bigint", () => {
    for (const v of notBytes) {
      invalid(() => crc64(v as never), "crc64: data");
      invalid(() => crc64Decimal(v as never), "crc64Decimal: data");
    }
    for (const prev of [5, "5", null, secretish]) invalid(() => crc64("a", prev as never), "crc64: prev");
    // An empty input would return prev unhashed: it is checked all the same.
    invalid(() => crc64("", 5 as never), "crc64: prev");
  });

  it("md5Base64 and md5Hex: InvalidArgument for data that is not bytes, a string too", () => {
    for (const v of [...notBytes, "abc"]) {
      invalid(() => md5Base64(v as never), "md5Base64: data");
      invalid(() => md5Hex(v as never), "md5Hex: data");
    }
  });

  it("the Crc64 and Md5 hashers: InvalidArgument for such data, and a Crc64 initial value that is no bigint", () => {
    for (const v of notBytes) {
      invalid(() => new Crc64().update(v as never), "crc64: data");
      invalid(() => new Md5().update(v as never), "Md5.update: data");
    }
    for (const initial of [5, "5", null, secretish]) invalid(() => new Crc64(initial as never), "Crc64: initial");
    expect(new Md5().update("123").digestHex()).toBe("202cb962ac59075b964b07152d234b70");
    expect(new Crc64().update("123").value).toBe(crc64("123"));
  });

  it("all four hash bytes of any realm and any ArrayBuffer view, as before", () => {
    const foreign = runInNewContext("new Uint8Array([49, 50, 51])") as Uint8Array;
    expect(foreign instanceof Uint8Array).toBe(false);
    expect(crc64(foreign)).toBe(crc64("123"));
    expect(crc64Decimal(foreign)).toBe(crc64Decimal("123"));
    expect(crc64(new DataView(new Uint8Array([120, 49, 50, 51]).buffer, 1) as unknown as Uint8Array)).toBe(crc64("123"));
    expect(md5Hex(foreign)).toBe("202cb962ac59075b964b07152d234b70");
    expect(md5Base64(new Uint8Array([49, 50, 51]))).toBe(Buffer.from("202cb962ac59075b964b07152d234b70", "hex").toString("base64"));
    expect(crc64Decimal("")).toBe("0");
  });
});

describe("checkPairValue given a def that is not a pair", () => {
  it("InvalidArgument naming checkPairValue, as parsePairValue", () => {
    for (const def of [undefined, null, 5, {}, secretish]) invalid(() => checkPairValue(def as never, "1"), "checkPairValue: def");
    invalid(() => checkPairValue(null as never, "1", 'option "x"'), "checkPairValue: def");
    expect(checkPairValue(globalPairs.multipartThreshold, "1K")).toBe(1024);
  });
});

describe("planPartSize given input of the wrong type or range", () => {
  it("refuses an input that is not an object", () => {
    for (const v of [undefined, null, 42]) invalid(() => planPartSize(v as never), "planPartSize: input");
  });

  it("refuses a size or limit that is not a number of 0 or more", () => {
    invalid(() => planPartSize({ size: "x" as never }), "size");
    invalid(() => planPartSize({ size: -1 }), "size");
    invalid(() => planPartSize({ size: 1.5 }), "size");
    invalid(() => planPartSize({ multipartSizeMinimum: "1M" as never }), "multipartSizeMinimum");
    invalid(() => planPartSize({ multipartSizeMaximum: Number.NaN }), "multipartSizeMaximum");
    invalid(() => planPartSize({ multipartNumberMaximum: -1 }), "multipartNumberMaximum");
    expect(planPartSize({ size: 0 })).toBe(8 * 1024 * 1024);
  });
});

describe("crc64Combine and combinePartCrcs", () => {
  it("crc64Combine: InvalidArgument for crcs that are not bigints and a length that is not a number or bigint", () => {
    for (const len of ["x", {}, undefined, null, "4"]) invalid(() => crc64Combine(1n, 2n, len as never), "crc64Combine: len2");
    invalid(() => crc64Combine(1 as never, 2n, 4), "crc64Combine: crc1");
    invalid(() => crc64Combine(1n, "2" as never, 4), "crc64Combine: crc2");
    expect(crc64Combine(crc64("12345"), crc64("6789"), 4)).toBe(crc64("123456789"));
  });

  it("combinePartCrcs: InvalidArgument for parts that are not an array", () => {
    for (const v of [undefined, null, 42, {}, "parts"]) invalid(() => combinePartCrcs(v as never), "combinePartCrcs: parts");
  });

  it("combinePartCrcs: undefined (no throw, as documented) for a part it cannot use", () => {
    const good = { crc64: crc64("ab").toString(), size: 2 };
    for (const part of [
      { crc64: "1", size: -1 },
      { crc64: "1", size: 1.5 },
      { crc64: "1", size: "2" },
      { crc64: "1" },
      { crc64: 1, size: 1 },
      { crc64: (1n << 64n).toString(), size: 1 },
      null,
      5,
    ]) {
      expect(combinePartCrcs([good, part] as never)).toBeUndefined();
    }
    expect(combinePartCrcs([{ crc64: "0", size: Number.MAX_SAFE_INTEGER }, { crc64: "0", size: 1 }])).toBeUndefined();
    expect(combinePartCrcs([good, { crc64: crc64("c").toString(), size: 1 }])).toEqual({ crc64: crc64("abc").toString(), size: 3 });
  });
});
