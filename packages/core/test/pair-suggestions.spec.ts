/**
 * An unknown pair gets a "did you mean" for a close name, and the "accepted:" list names only what
 * can be given: not the pairs the service refuses (`credential` on fs), nor, in a string, a function.
 */
import { describe, expect, it } from "@jest/globals";
import { resolveOpenConfig } from "../src/pairs/open-config.js";
import { definePair } from "../src/pairs/pair-definition.js";
import { closestName } from "../src/pairs/suggest.js";
import type { ServiceDefinition } from "../src/registry/service-definition.js";

const local: ServiceDefinition = {
  type: "demo",
  packageName: "demo",
  description: "test",
  pairs: { hook: definePair({ name: "hook", type: "function", description: "a callback", operations: ["new"] }) },
  unusedPairs: ["credential", "endpoint", "location", "name"],
  newStorageDriver: () => {
    throw new Error("not opened");
  },
};

function message(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error("nothing thrown");
}

describe("closestName", () => {
  it.each([
    ["multipart_treshold", "multipart_threshold"],
    ["credentials", "credential"],
    ["workdir", "work_dir"],
    ["partsize", "part_size"],
    ["Max_Retries", "max_retries"],
  ])("%s → %s", (typo, meant) => {
    expect(closestName(typo, ["multipart_threshold", "credential", "work_dir", "part_size", "max_retries", "concurrency"])).toBe(meant);
  });

  it("suggests nothing far off", () => {
    expect(closestName("colour", ["multipart_threshold", "credential", "work_dir"])).toBeUndefined();
    expect(closestName("ab", ["name"])).toBeUndefined();
  });
});

describe("unknown pairs", () => {
  it("in a connection string: did you mean, and an accepted list without refused or function pairs", () => {
    const m = message(() => resolveOpenConfig(local, "demo:///x/?multipart_treshold=1M", "storager"));
    expect(m).toContain('unknown pair "multipart_treshold"');
    expect(m).toContain('did you mean "multipart_threshold"?');
    const accepted = m.slice(m.indexOf("accepted:"));
    for (const refused of ["credential", "endpoint", "location", "hook"]) expect(accepted).not.toMatch(new RegExp(`\\b${refused}\\b`));
    expect(accepted).toContain("work_dir");
  });

  it("in an options object: did you mean the camelCase name; a function pair is listed there", () => {
    const m = message(() => resolveOpenConfig(local, { type: "demo", workDir: "/x", partsize: 5 }, "storager"));
    expect(m).toContain('did you mean "partSize"?');
    expect(m.slice(m.indexOf("accepted:"))).toContain("hook");
  });

  it("never suggests from a name that is not shown (it may be a pasted secret)", () => {
    const m = message(() => resolveOpenConfig(local, "demo:///x/?AKID:SECRET=1", "storager"));
    expect(m).not.toContain("did you mean");
    expect(m).not.toContain("SECRET");
  });
});
