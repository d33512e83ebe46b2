/**
 * A tab and the C1 controls (U+0080–U+009F) in a credential are refused at open like every other
 * control character, never echoing the secret (review-security L2); Latin-1 letters, a no-break
 * space and a space (`%20`) are still taken.
 */
import { describe, expect, it } from "@jest/globals";
import { resolveOpenConfig } from "../src/pairs/open-config.js";
import { credentialTextProblem } from "../src/registry/credential-characters.js";
import { parseCredential } from "../src/registry/credential.js";
import type { ServiceDefinition } from "../src/registry/service-definition.js";
import { fails } from "./refusal.js";

const SECRET = "S3cretTAIL";

const account: ServiceDefinition = {
  type: "ctrldemo",
  packageName: "@stowage/ctrldemo",
  description: "a service that takes a credential",
  pairs: {},
  storagerRequires: ["credential"],
  newStorageDriver: () => {
    throw new Error("not used");
  },
};

describe("control characters in a credential", () => {
  it.each([
    ["a tab", "%09"],
    ["a NEL (U+0085)", "%C2%85"],
    ["U+0080", "%C2%80"],
    ["U+009F", "%C2%9F"],
  ])("refuses %s in the secret of a connection string with ConnectionStringInvalid, not showing it", (_label, encoded) => {
    const e = fails("ConnectionStringInvalid", () => resolveOpenConfig(account, `ctrldemo://b/?credential=hmac:AK:abc${encoded}${SECRET}`, "storager"));
    expect(e.message).toContain("control characters");
    expect(JSON.stringify(e)).not.toContain(SECRET);
  });

  it.each([
    ["a tab", "\t"],
    ["a NEL", "\u0085"],
  ])("refuses %s in any part of an hmac credential and in a security_token value", (_label, c) => {
    for (const text of [`hmac:A${c}K:${SECRET}`, `hmac:AK:${SECRET}${c}`, `hmac:AK:SK:${SECRET}${c}`]) {
      const e = fails("InvalidArgument", () => parseCredential(text));
      expect(e.message).not.toContain(SECRET);
    }
    expect(credentialTextProblem(`${SECRET}${c}`)).toMatch(/must not hold control characters/);
  });

  it("takes Latin-1 letters, a no-break space and a space", () => {
    expect(parseCredential("hmac:AK:ab\u00e9 c\u00a0d\u00ff")).toEqual({ protocol: "hmac", accessKey: "AK", secretKey: "ab\u00e9 c\u00a0d\u00ff" });
    expect(credentialTextProblem("tok\u00e9n")).toBeUndefined();
  });
});
