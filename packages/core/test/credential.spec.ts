import { describe, expect, it } from "@jest/globals";
import { isStorageError } from "../src/errors/storage-error.js";
import { parseCredential } from "../src/registry/credential.js";

const SK = "FAKEsecretKEY0123456789";
const TOKEN = "FAKEsessionTOKEN987";

function rejects(text: string): string {
  try {
    parseCredential(text);
  } catch (e) {
    expect(isStorageError(e, "InvalidArgument")).toBe(true);
    const err = e as Error;
    expect(err.message).not.toContain(SK);
    expect(err.message).not.toContain(TOKEN);
    expect(JSON.stringify(err)).not.toContain(SK);
    return err.message;
  }
  throw new Error(`expected parseCredential to reject ${text.length} characters`);
}

describe("parseCredential", () => {
  it("parses hmac:<ak>:<sk>", () => {
    expect(parseCredential(`hmac:AKID1:${SK}`)).toEqual({ protocol: "hmac", accessKey: "AKID1", secretKey: SK });
  });

  it("parses hmac with a security token", () => {
    expect(parseCredential(`hmac:AKID1:${SK}:${TOKEN}`)).toEqual({
      protocol: "hmac",
      accessKey: "AKID1",
      secretKey: SK,
      securityToken: TOKEN,
    });
  });

  it("lets the secret hold ':' when a token follows", () => {
    expect(parseCredential(`hmac:AK:a:b:c:${TOKEN}`)).toEqual({ protocol: "hmac", accessKey: "AK", secretKey: "a:b:c", securityToken: TOKEN });
  });

  it("keeps '+', '/' and '=' in keys", () => {
    expect(parseCredential("hmac:A+K/=:s+k/==")).toEqual({ protocol: "hmac", accessKey: "A+K/=", secretKey: "s+k/==" });
  });

  it("parses env, and protocols case-insensitively", () => {
    expect(parseCredential("env")).toEqual({ protocol: "env" });
    expect(parseCredential("ENV")).toEqual({ protocol: "env" });
    expect(parseCredential(`HMAC:ak:${SK}`)).toEqual({ protocol: "hmac", accessKey: "ak", secretKey: SK });
  });

  it("rejects an empty string", () => {
    expect(rejects("")).toContain("empty");
  });

  it("rejects env with values", () => {
    expect(rejects(`env:${SK}`)).toContain("env");
  });

  it("names an unknown protocol but never the rest", () => {
    const message = rejects(`apikey:${SK}`);
    expect(message).toContain('"apikey"');
    expect(message).toContain('"hmac" followed by :<access_key>:<secret_key>');
  });

  it.each(["AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE", "LTAI5tFakeAccessKeyId123", "QYACCESSKEYIDEXAMPLE"])("does not show an access key id given without hmac: (%s:<secret>)", (accessKey) => {
    const message = rejects(`${accessKey}:${SK}`);
    expect(message).toContain("unsupported protocol in the value");
    expect(message.toLowerCase()).not.toContain(accessKey.toLowerCase());
  });

  it("does not show a bare value without a protocol (it may be a secret)", () => {
    const message = rejects(SK);
    expect(message).toContain("unsupported protocol");
  });

  it.each([
    ["hmac", "access key and a secret key"],
    ["hmac:", "empty access key"],
    ["hmac:AK", "only one value"],
    [`hmac:${SK}`, "only one value"],
    ["hmac:AK:", "empty secret key"],
    [`hmac::${SK}`, "empty access key"],
    [`hmac:AK::${TOKEN}`, "empty secret key"],
    [`hmac:AK:${SK}:`, "empty security token"],
  ])("rejects %j (%s)", (text, expected) => {
    expect(rejects(text)).toContain(expected);
  });

  it("may show the access key", () => {
    expect(rejects("hmac:AKIDshown:")).toContain("AKIDshown");
  });

  it("rejects a non-string", () => {
    rejects(undefined as unknown as string);
  });
});
