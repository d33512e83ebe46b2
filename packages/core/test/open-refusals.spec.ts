/**
 * What opening refuses before a driver is built: raw control characters, a name in the path of a
 * service without names (`fs://tmp/data`), pairs a service declares unused, and an unknown key that
 * may be the tail of a secret cut at an unencoded `&`.
 */
import { describe, expect, it } from "@jest/globals";
import { resolveOpenConfig } from "../src/pairs/open-config.js";
import { parseConnectionString } from "../src/registry/connection-string.js";
import { registerService, unregisterService } from "../src/registry/registry.js";
import type { ServiceDefinition } from "../src/registry/service-definition.js";
import { fails } from "./refusal.js";

const local: ServiceDefinition = {
  type: "localdemo",
  packageName: "@stowage/localdemo",
  description: "a service with neither names nor accounts",
  pairs: {},
  storagerRequires: ["work_dir"],
  unusedPairs: ["name", "credential", "endpoint", "location"],
  newStorageDriver: () => {
    throw new Error("not used");
  },
};

const named: ServiceDefinition = { ...local, type: "nameddemo", storagerRequires: [], unusedPairs: ["credential", "endpoint", "location"] };

describe("control characters in a connection string", () => {
  it.each([
    ["a trailing newline", "localdemo:///srv/data\n"],
    ["a CR LF in a value", "nameddemo://s/x?concurrency=2\r\n"],
    ["a tab in the work_dir", "nameddemo://s/x\t/y"],
    ["a DEL", "nameddemo://s\u007f/x"],
    ["a NUL", "nameddemo://s/x\u0000"],
  ])("refuses %s with ConnectionStringInvalid", (_label, conn) => {
    const e = fails("ConnectionStringInvalid", () => parseConnectionString(conn));
    expect(e.message).toContain("control character");
  });

  it("keeps a percent-encoded one, which is meant", () => {
    expect(parseConnectionString("nameddemo://s/a%0Ab").workDir).toBe("/a\nb");
  });
});

describe("a name in the path of a service without names", () => {
  it("fs://tmp/data is refused with a three-slash hint, not opened as /data", () => {
    const e = fails("ConnectionStringInvalid", () => resolveOpenConfig(local, "localdemo://tmp/data", "storager"));
    expect(e.message).toContain("localdemo:///tmp/data");
    expect(e.op).toBe("new_storager");
  });

  it("fs://tmp (no work_dir at all) needs a work_dir, with the same hint", () => {
    const e = fails("PairRequired", () => resolveOpenConfig(local, "localdemo://tmp", "storager"));
    expect(e.message).toContain("work_dir");
    expect(e.message).toContain("localdemo:///tmp");
  });

  it("is refused even with enable_loose_pair", () => {
    fails("ConnectionStringInvalid", () => resolveOpenConfig(local, "localdemo://tmp/data?enable_loose_pair", "storager"));
  });

  it("a name pair or option is unsupported; three slashes open", () => {
    fails("PairUnsupported", () => resolveOpenConfig(local, "localdemo:///data?name=x", "storager"));
    fails("PairUnsupported", () => resolveOpenConfig(local, { type: "localdemo", workDir: "/data", name: "x" }, "storager"));
    expect(resolveOpenConfig(local, "localdemo:///tmp/data", "storager").config.workDir).toBe("/tmp/data/");
  });
});

describe("pairs a service does not use", () => {
  it.each([
    ["credential", "credential=hmac:AK:SK"],
    ["endpoint", "endpoint=https:evil.example"],
    ["location", "location=../../etc"],
  ])("refuses %s with PairUnsupported", (name, pair) => {
    const e = fails("PairUnsupported", () => resolveOpenConfig(named, `nameddemo://s/x?${pair}`, "storager"));
    expect(e.message).toContain(`"${name}"`);
    expect(e.message).not.toContain("SK");
    fails("PairUnsupported", () => resolveOpenConfig(named, `nameddemo://s/x?${pair}`, "servicer"));
  });

  it("refuses them in object form too", () => {
    fails("PairUnsupported", () => resolveOpenConfig(named, { type: "nameddemo", location: "ap-x" }, "storager"));
  });

  it("drops them with enable_loose_pair, so the driver never sees them", () => {
    const r = resolveOpenConfig(named, "nameddemo://s/x?location=ap-x&credential=hmac:AK:SK&enable_loose_pair", "storager");
    expect(r.config.location).toBeUndefined();
    expect(r.config.credential).toBeUndefined();
    expect(r.config.name).toBe("s");
  });

  it("the registry refuses a definition that lists a pair it may not refuse", () => {
    for (const unusedPairs of [["work_dir"], ["not_a_pair"], ["enable_loose_pair"]]) {
      fails("InvalidArgument", () => registerService({ ...named, type: "baddemo", unusedPairs }));
    }
    fails("InvalidArgument", () => registerService({ ...local, type: "baddemo", storagerRequires: ["credential"], unusedPairs: ["credential"] }));
    unregisterService("baddemo");
  });
});

describe("an unknown key right after a secret", () => {
  it.each([
    ["credential", "credential=hmac:AKID:Abc&Tail9SECRET"],
    ["credential with a value", "credential=hmac:AKID:Abc&Tail9SECRET=x"],
  ])("is not echoed after %s", (_label, pairs) => {
    const e = fails("ConnectionStringInvalid", () => resolveOpenConfig(named, `nameddemo://s/?${pairs}`, "storager"));
    expect(e.message).not.toContain("Tail9SECRET");
    expect(e.message).toContain("%26");
  });

  it("is still named elsewhere", () => {
    const e = fails("ConnectionStringInvalid", () => resolveOpenConfig(named, "nameddemo://s/?concurrency=2&bogus_pair", "storager"));
    expect(e.message).toContain('"bogus_pair"');
  });
});
