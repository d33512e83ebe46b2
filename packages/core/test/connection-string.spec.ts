import { describe, expect, it } from "@jest/globals";
import fc from "fast-check";
import { isStorageError } from "../src/errors/storage-error.js";
import { definePair } from "../src/pairs/pair-definition.js";
import { resolveOpenConfig } from "../src/pairs/open-config.js";
import { parseConnectionString, type ParsedConnectionString } from "../src/registry/connection-string.js";
import type { ServiceDefinition } from "../src/registry/service-definition.js";

const SECRET = "FAKEsecretKEY0123456789";

function invalid(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(isStorageError(e, "ConnectionStringInvalid")).toBe(true);
    const message = (e as Error).message;
    expect(message).not.toContain(SECRET);
    return message;
  }
  throw new Error("expected ConnectionStringInvalid, nothing was thrown");
}

/** A service like go-storage's "tests" service, used for the pair-registration cases. */
const testsService: ServiceDefinition = {
  type: "tests",
  packageName: "@stowage/tests",
  description: "test service",
  pairs: {
    stringPair: definePair({ name: "string_pair", type: "string", description: "a string", operations: ["new"] }),
    intPair: definePair({ name: "int_pair", type: "integer", description: "an integer", operations: ["new"] }),
    ioCallBack: definePair({ name: "io_call_back", type: "function", description: "not parseable", operations: ["new"] }),
  },
  newStorageDriver: () => {
    throw new Error("not used");
  },
};

function pairs(...list: Array<[string, string]>): ParsedConnectionString["pairs"] {
  return list.map(([key, value]) => ({ key, value }));
}

// go-storage v4.8.0 tests/connstr_test.go, the parsing half of every case.
describe("go-storage connection string table", () => {
  it("empty → invalid", () => {
    invalid(() => parseConnectionString(""));
  });
  it("simplest", () => {
    expect(parseConnectionString("tests://")).toEqual({ type: "tests", pairs: [] });
  });
  it("only options", () => {
    expect(parseConnectionString("tests://?size=200")).toEqual({ type: "tests", pairs: pairs(["size", "200"]) });
  });
  it("only root dir", () => {
    expect(parseConnectionString("tests:///")).toEqual({ type: "tests", workDir: "/", pairs: [] });
  });
  it("end with ?", () => {
    expect(parseConnectionString("tests:///?")).toEqual({ type: "tests", workDir: "/", pairs: [] });
  });
  it("stupid but valid", () => {
    expect(parseConnectionString("tests:///?&&&")).toEqual({ type: "tests", workDir: "/", pairs: [] });
  });
  it("value with any char but &", () => {
    expect(parseConnectionString("tests:///?string_pair=a=b:/c?d&size=200")).toEqual({
      type: "tests",
      workDir: "/",
      pairs: pairs(["string_pair", "a=b:/c?d"], ["size", "200"]),
    });
  });
  it("full format", () => {
    expect(parseConnectionString("tests://abc/tmp/tmp1?size=200&storage_class=sc")).toEqual({
      type: "tests",
      name: "abc",
      workDir: "/tmp/tmp1",
      pairs: pairs(["size", "200"], ["storage_class", "sc"]),
    });
  });
  it("duplicate keys with different values are refused (go-storage takes the first), naming the key", () => {
    expect(invalid(() => parseConnectionString("tests://abc/tmp/tmp1?size=200&name=abc&size=300"))).toContain('"size"');
    expect(invalid(() => parseConnectionString("tests://abc/tmp/tmp1?name=def"))).toContain('"name"');
    // The same value again is kept, in order.
    expect(parseConnectionString("tests://abc/tmp/tmp1?size=200&name=abc&size=200")).toEqual({
      type: "tests",
      name: "abc",
      workDir: "/tmp/tmp1",
      pairs: pairs(["size", "200"], ["name", "abc"], ["size", "200"]),
    });
  });
  it("not registered pair (parses; rejected when resolved)", () => {
    expect(parseConnectionString("tests://abc/tmp?not_a_pair=a").pairs).toEqual(pairs(["not_a_pair", "a"]));
    const message = invalid(() => resolveOpenConfig(testsService, "tests://abc/tmp?not_a_pair=a", "storager"));
    expect(message).toContain('unknown pair "not_a_pair"');
    expect(message).toContain("string_pair");
  });
  it("key without value, not registered", () => {
    expect(parseConnectionString("tests://abc/tmp?not_a_pair&&").pairs).toEqual(pairs(["not_a_pair", ""]));
    expect(invalid(() => resolveOpenConfig(testsService, "tests://abc/tmp?not_a_pair&&", "storager"))).toContain('"not_a_pair"');
  });
  it("not parseable", () => {
    expect(parseConnectionString("tests://abc/tmp?io_call_back=a").pairs).toEqual(pairs(["io_call_back", "a"]));
    const message = invalid(() => resolveOpenConfig(testsService, "tests://abc/tmp?io_call_back=a", "storager"));
    expect(message).toContain('"io_call_back"');
    expect(message).toContain("cannot be given as a string");
  });
  it("feature", () => {
    expect(parseConnectionString("tests://abc/tmp?enable_loose_pair")).toEqual({
      type: "tests",
      name: "abc",
      workDir: "/tmp",
      pairs: pairs(["enable_loose_pair", ""]),
    });
    const resolved = resolveOpenConfig(testsService, "tests://abc/tmp?enable_loose_pair", "storager");
    expect(resolved.config).toEqual({ name: "abc", workDir: "/tmp/", enableLoosePair: true });
    expect(resolved.loose).toBe(true);
  });
  it("default pair", () => {
    expect(parseConnectionString("tests://abc/tmp?default_storage_class=STANDARD").pairs).toEqual(
      pairs(["default_storage_class", "STANDARD"]),
    );
    const resolved = resolveOpenConfig(testsService, "tests://abc/tmp?default_storage_class=STANDARD", "storager");
    expect(resolved.defaults).toEqual({ storageClass: "STANDARD" });
    expect(resolved.config.name).toBe("abc");
    expect(resolved.config.workDir).toBe("/tmp/");
  });
  it("duplicate keys: refused when the values differ, resolved once when they are the same", () => {
    invalid(() => resolveOpenConfig(testsService, "tests://abc/tmp/tmp1?int_pair=200&name=def&int_pair=300", "storager"));
    const resolved = resolveOpenConfig(testsService, "tests://abc/tmp/tmp1?int_pair=200&name=abc&int_pair=200&work_dir=/tmp/tmp1/", "storager");
    expect(resolved.config).toEqual({ name: "abc", workDir: "/tmp/tmp1/", intPair: 200 });
  });
});

describe("parseConnectionString", () => {
  it("splits the path part", () => {
    expect(parseConnectionString("cos://bucket")).toEqual({ type: "cos", name: "bucket", pairs: [] });
    expect(parseConnectionString("cos://bucket/")).toEqual({ type: "cos", name: "bucket", workDir: "/", pairs: [] });
    expect(parseConnectionString("fs:///tmp/x")).toEqual({ type: "fs", workDir: "/tmp/x", pairs: [] });
    expect(parseConnectionString("cos://b/a/b/c/?x=1")).toEqual({ type: "cos", name: "b", workDir: "/a/b/c/", pairs: pairs(["x", "1"]) });
  });

  it("keeps a bare key's value empty and key= empty", () => {
    expect(parseConnectionString("t://?a&b=&c=1").pairs).toEqual(pairs(["a", ""], ["b", ""], ["c", "1"]));
  });

  it("percent-decodes name, work_dir, keys and values, keeping '+'", () => {
    expect(parseConnectionString("t://my%20bucket/dir%20one/a+b%2Bc?string_pair=a%26b%3Dc&x=%25&y=1+1")).toEqual({
      type: "t",
      name: "my bucket",
      workDir: "/dir one/a+b+c",
      pairs: pairs(["string_pair", "a&b=c"], ["x", "%"], ["y", "1+1"]),
    });
    expect(parseConnectionString("t://%E4%B8%AD").name).toBe("中");
  });

  it("accepts type characters + . -", () => {
    expect(parseConnectionString("s3+v2.x-y://b").type).toBe("s3+v2.x-y");
  });

  it.each([
    ["cos", "no \"<type>:\" scheme"],
    ["://bucket", "type must be"],
    ["Cos://bucket", "type must be"],
    ["1cos://bucket", "type must be"],
    ["co_s://bucket", "type must be"],
    ["cos:bucket", 'must be followed by "//"'],
    ["cos:/bucket", 'must be followed by "//"'],
    ["t://?=v", "no key"],
    ["fs:///tmp/ ", "starts or ends with white space"],
    [" fs:///tmp/", "starts or ends with white space"],
    ["cos://b/?credential=hmac:AK:SK ", "starts or ends with white space"],
    ["fs:///tmp/\u00a0", "starts or ends with white space"],
  ])("rejects %j", (conn, expected) => {
    expect(invalid(() => parseConnectionString(conn))).toContain(expected);
  });

  it("keeps a space that is percent-encoded at the end, or inside", () => {
    expect(parseConnectionString("fs:///tmp/a%20").workDir).toBe("/tmp/a ");
    expect(parseConnectionString("fs:///tmp/a b/").workDir).toBe("/tmp/a b/");
  });

  it("rejects bad percent-escapes without showing the value", () => {
    const message = invalid(() => parseConnectionString(`cos://b/?credential=hmac:AK:${SECRET}%ZZ`));
    expect(message).toContain('"credential"');
    expect(message).toContain("percent-escape");
    invalid(() => parseConnectionString("cos://b%2/"));
    invalid(() => parseConnectionString("cos://b/x%E4"));
    invalid(() => parseConnectionString("cos://b/?k%zz=1"));
  });

  it("never shows what follows a bad type (it may be a credential)", () => {
    expect(invalid(() => parseConnectionString(`AKID:${SECRET}`))).not.toContain("AKID");
    invalid(() => parseConnectionString(`hmac:AK:${SECRET}`));
  });

  it("rejects non-strings", () => {
    invalid(() => parseConnectionString(undefined as unknown as string));
    invalid(() => parseConnectionString({} as unknown as string));
  });

  it("never throws anything but a StorageError", () => {
    const chars = fc.constantFrom("a", "z", "0", ":", "/", "?", "&", "=", "%", "2", "F", "E", "+", ".", "-", " ", "中", "\uD800");
    const arb = fc.oneof(
      fc.string(),
      fc.string({ unit: chars, maxLength: 30 }),
      fc.string({ unit: chars, maxLength: 30 }).map((s) => `tests://${s}`),
    );
    fc.assert(
      fc.property(arb, (conn) => {
        try {
          const parsed = parseConnectionString(conn);
          expect(parsed.type).toMatch(/^[a-z][a-z0-9+.-]*$/);
        } catch (e) {
          expect(isStorageError(e, "ConnectionStringInvalid")).toBe(true);
        }
      }),
      { numRuns: 3000 },
    );
  });
});
