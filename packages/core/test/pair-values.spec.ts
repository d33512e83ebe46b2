/**
 * Pair values checked for what their documentation says (review-pairs M4, L1, L2; review-fresh-user
 * L4, L5):
 * - every CERTIFICATE block of a tls_ca must parse (a mangled one was dropped silently by TLS);
 * - http_expires and response_expires take only an HTTP date in IMF-fixdate form;
 * - a key repeated in a connection string is compared as a value (1 and 01, true and t);
 * - an unknown pair's "accepted:" list leaves out the default_* pairs the service refuses;
 * - `nextToken` at a listing's call site hints at `token`.
 */
import { afterAll, describe, expect, it } from "@jest/globals";
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import "@stowage/memory";
import { defineFeatures } from "../src/features.js";
import { httpPairs } from "../src/http/http-pairs.js";
import { tlsCaPem } from "../src/http/tls-ca.js";
import { globalPairs } from "../src/pairs/global-pairs.js";
import { resolveOpenConfig } from "../src/pairs/open-config.js";
import { checkPairValue } from "../src/pairs/parse-value.js";
import { getService, newStorager } from "../src/registry/registry.js";
import type { ServiceDefinition } from "../src/registry/service-definition.js";
import { rejection } from "./rejection.js";
import { fails } from "./refusal.js";

/** A self-signed test CA (P-256, CN=stowage-test-ca): a certificate only, no key. */
const CA = `-----BEGIN CERTIFICATE-----
MIIBijCCATGgAwIBAgIUCyT4/JA4YIrTG6Bip9VBVj4JJp0wCgYIKoZIzj0EAwIw
GjEYMBYGA1UEAwwPc3Rvd2FnZS10ZXN0LWNhMCAXDTI2MTEyNTA0MTYzM1oYDzIx
MjYxMTAxMDQxNjMzWjAaMRgwFgYDVQQDDA9zdG93YWdlLXRlc3QtY2EwWTATBgcq
hkjOPQIBBggqhkjOPQMBBwNCAARJbimPUHQ2zGK1X/81FVTI/oaHP7nkUjTGVE3Z
jEo2sfVSYY5QsCreaOWj9Zr6S1AAzPRYp9YG9BzNViJi8awdo1MwUTAdBgNVHQ4E
FgQU2wPodzq2QqrqOqHkLp9oaPJV6S8wHwYDVR0jBBgwFoAU2wPodzq2QqrqOqHk
Lp9oaPJV6S8wDwYDVR0TAQH/BAUwAwEB/zAKBggqhkjOPQQDAgNHADBEAiB/kJI3
OoT54EjPf0o03uWvW3kXXx2yjE2B32Ci3GZ9DgIga8oW/FN91+Fwm1MrjdJna02V
jRwwgM1gYjZd1KhHXmg=
-----END CERTIFICATE-----
`;
/** A PEM block that is no certificate: what a mangled paste leaves. */
const GARBAGE = "-----BEGIN CERTIFICATE-----\nZ2FyYmFnZQ==\n-----END CERTIFICATE-----\n";

/** A service with the http pairs (tls_ca among them), which is never opened for real. */
const https: ServiceDefinition = {
  type: "tlsdemo",
  packageName: "@stowage/tlsdemo",
  description: "a service with the http pairs",
  pairs: httpPairs,
  newStorageDriver: () => {
    throw new Error("not used");
  },
};

describe("tls_ca: every certificate block must parse", () => {
  const dir = mkdtempSync(join(tmpdir(), "stowage-tls-ca-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, text: string): string => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };

  it("takes a certificate, several, and the TRUSTED CERTIFICATE marker, inline or in a file", () => {
    const trusted = CA.replace(/(BEGIN|END) CERTIFICATE/g, "$1 TRUSTED CERTIFICATE");
    for (const pem of [CA, CA + CA, trusted]) {
      expect(resolveOpenConfig(https, { type: "tlsdemo", tlsCa: pem }, "storager").config["tlsCa"]).toBe(pem);
      expect(tlsCaPem(file(`${randomUUID()}.pem`, pem))).toBe(pem);
    }
  });

  it.each([
    ["a block whose body is no certificate", GARBAGE, "does not parse (its certificate)"],
    ["a good certificate, then a mangled one", CA + GARBAGE, "does not parse (certificate 2 of 2)"],
    ["a certificate cut short (no END line)", CA.slice(0, 300), "without its -----END CERTIFICATE----- line"],
  ])("refuses %s at open, naming tls_ca and never quoting it (inline and in a file)", (_label, pem, why) => {
    const inString = fails("ConnectionStringInvalid", () => resolveOpenConfig(https, `tlsdemo://b/?tls_ca=${encodeURIComponent(pem)}`, "storager"));
    const inObject = fails("InvalidArgument", () => resolveOpenConfig(https, { type: "tlsdemo", tlsCa: pem }, "storager"));
    const path = file(`${randomUUID()}.pem`, pem);
    const inFile = fails("InvalidArgument", () => tlsCaPem(path));
    for (const e of [inString, inObject, inFile]) {
      expect(e.message).toMatch(/tls_ca|tlsCa/);
      expect(e.message).toContain(why);
      expect(e.message).not.toMatch(/Z2FyYmFnZQ|MIIB/);
    }
    expect(inFile.message).toContain(path);
  });

  it("still refuses a PEM without a certificate (a key) as before", () => {
    const key = "-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----\n";
    expect(fails("InvalidArgument", () => checkPairValue(httpPairs.tlsCa, key)).message).toContain("holds no certificate");
    expect(fails("InvalidArgument", () => tlsCaPem(file("key.pem", key))).message).toContain("holds no PEM certificate");
  });
});

describe("http_expires and response_expires: an HTTP date in IMF-fixdate form only", () => {
  const good = ["Fri, 01 Jan 2027 00:00:00 GMT", "Thu, 01 Jan 1970 00:00:00 GMT", "Tue, 29 Feb 2028 23:59:59 GMT", "Fri, 31 Dec 9999 23:59:60 GMT", new Date(Date.UTC(2031, 5, 15, 8, 30)).toUTCString()];
  const bad = [
    "not a date",
    "tomorrow",
    "0",
    "2027-01-01",
    "2027-01-01T00:00:00Z",
    "Friday, 01-Jan-27 00:00:00 GMT",
    "Fri Jan  1 00:00:00 2027",
    "Fri, 01 Jan 2027 00:00:00 +0000",
    "Fri, 1 Jan 2027 00:00:00 GMT",
    "fri, 01 jan 2027 00:00:00 GMT",
    "Fri, 01 Jan 2027 24:00:00 GMT",
    "Mon, 29 Feb 2027 00:00:00 GMT",
    "Fri, 01 Foo 2027 00:00:00 GMT",
  ];

  it.each([["http_expires", globalPairs.httpExpires], ["response_expires", globalPairs.responseExpires]] as const)("%s", (_name, def) => {
    for (const value of good) expect(checkPairValue(def, value)).toBe(value);
    for (const value of bad) expect(fails("InvalidArgument", () => checkPairValue(def, value)).message).toContain("must be an HTTP date");
    expect(def.description).toContain("IMF-fixdate");
  });

  it("a day name that is not the date's is refused, saying which it is", () => {
    expect(fails("InvalidArgument", () => checkPairValue(globalPairs.httpExpires, "Thu, 01 Jan 2027 00:00:00 GMT")).message).toContain("1 Jan 2027 is a Fri");
    expect(checkPairValue(globalPairs.httpExpires, "Fri, 01 Jan 2027 00:00:00 GMT")).toBe("Fri, 01 Jan 2027 00:00:00 GMT");
  });

  it("a write given another form fails before anything is stored; a default_* form has none", async () => {
    const store = newStorager(`memory://exp-${randomUUID()}/`);
    const e = await rejection(store.write("a", "x", { httpExpires: "tomorrow" }));
    expect([e.code, e.message]).toEqual(["InvalidArgument", expect.stringContaining('option "httpExpires": must be an HTTP date')]);
    await expect(store.stat("a")).rejects.toMatchObject({ code: "ObjectNotExist" });
    await store.write("a", "x", { httpExpires: "Fri, 01 Jan 2027 00:00:00 GMT" });
    expect((await store.stat("a")).httpExpires).toBe("Fri, 01 Jan 2027 00:00:00 GMT");
  });
});

describe("a key repeated in a connection string is compared as a value", () => {
  it.each([
    ["an integer written two ways", "concurrency=1&concurrency=01&concurrency=0x1", { concurrency: 1 }],
    ["a boolean written two ways", "enable_loose_pair=true&enable_loose_pair=t&enable_loose_pair", { enableLoosePair: true }],
    ["a size written two ways", "part_size=1MiB&part_size=1048576&part_size=1M", { partSize: 1048576 }],
  ])("%s is one value", (_label, query, want) => {
    expect(newStorager(`memory://rep-${randomUUID()}/?${query}`).info.service).toBe("memory");
    expect(resolveOpenConfig(getService("memory")!, `memory://rep/?${query}`, "storager").config).toMatchObject(want);
  });

  it.each([
    ["two integers", "concurrency=1&concurrency=2"],
    ["two booleans", "enable_loose_pair=true&enable_loose_pair=false"],
    ["a value and one that does not parse", "concurrency=1&concurrency=one"],
    ["two strings that differ in case (a string is its text)", "location=ap-a&location=AP-A"],
  ])("%s still differ: ConnectionStringInvalid, no value shown", (_label, query) => {
    const e = fails("ConnectionStringInvalid", () => resolveOpenConfig(getService("memory")!, `memory://rep/?${query}`, "storager"));
    expect(e.message).toContain("is given twice with different values");
  });

  it.each(["max_retries=1&max_retries=01", "max_retries=1&max_retries=2"])("a key that is no pair of the service, repeated (%s), is refused as unknown", (query) => {
    const e = fails("ConnectionStringInvalid", () => newStorager(`memory://rep/?${query}`));
    expect(e.message).toContain('unknown pair "max_retries"');
  });
});

describe("an unknown pair's accepted list leaves out the default_* pairs the service refuses", () => {
  const plain: ServiceDefinition = {
    type: "plaindemo",
    packageName: "@stowage/plaindemo",
    description: "a service that stores no content type, class or cache control",
    pairs: {},
    storagerRequires: ["work_dir"],
    unusedPairs: ["name", "credential", "endpoint", "location"],
    features: defineFeatures({ write: true, read: true, multipart: true }),
    newStorageDriver: () => {
      throw new Error("not used");
    },
  };

  it("in a connection string and in an object, and in the did-you-mean", () => {
    const inString = fails("ConnectionStringInvalid", () => resolveOpenConfig(plain, "plaindemo:///x/?max_retries=3", "storager"));
    const inObject = fails("PairUnsupported", () => resolveOpenConfig(plain, { type: "plaindemo", workDir: "/x/", maxRetries: 3 }, "storager"));
    for (const e of [inString, inObject]) {
      expect(e.message).toMatch(/accepted: .*concurrency/);
      expect(e.message).not.toMatch(/default_?(content_?type|cache_?control|storage_?class)/i);
    }
    const typo = fails("ConnectionStringInvalid", () => resolveOpenConfig(plain, "plaindemo:///x/?default_content_typ=a", "storager"));
    expect(typo.message).not.toContain("did you mean");
    // A call-site pair at open: pointed at the calls, not at a default the service refuses.
    const ofCalls = fails("ConnectionStringInvalid", () => resolveOpenConfig(plain, "plaindemo:///x/?content_type=a", "storager"));
    expect(ofCalls.message).not.toContain("default_content_type");
  });

  it("without features in the definition, every default_* pair is listed (as before)", () => {
    const { features: _features, ...unknown } = plain;
    const e = fails("ConnectionStringInvalid", () => resolveOpenConfig(unknown, "plaindemo:///x/?max_retries=3", "storager"));
    expect(e.message).toContain("default_content_type");
  });
});

describe("a listing's nextToken passed back under its own name", () => {
  it("is PairUnsupported with a hint at token", async () => {
    const store = newStorager(`memory://tok-${randomUUID()}/`);
    for (const key of ["nextToken", "continuationToken"]) {
      const e = await rejection(store.listPage("", { mode: "prefix", [key]: "bogus" } as never));
      expect([e.code, e.message]).toEqual(["PairUnsupported", expect.stringContaining('did you mean "token"? (a page\'s nextToken goes back in as token)')]);
    }
    // Not offered where token is not an option.
    const e = await rejection(store.write("a", "x", { nextToken: "x" } as never));
    expect(e.message).not.toContain('"token"');
  });
});
