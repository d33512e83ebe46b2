import { describe, expect, it } from "@jest/globals";
import { redactSecrets } from "../src/errors/redact.js";

describe("redactSecrets: whole values, and only values", () => {
  it.each([
    ["a comma", "memory://s/?credential=hmac:AKID:p4ss,W0RDSECRET is a root directory"],
    ["a single quote", "memory://s/?credential=hmac:AKID:p4ss'W0RDSECRET&x"],
    ["a double quote", 'memory://s/?credential=hmac:AKID:p4ss"W0RDSECRET'],
    ["a brace", "memory://s/?credential=hmac:AKID:p4ss}W0RDSECRET"],
    ["a security_token with a comma", "cos://b/?security_token=tok,W0RDSECRET&location=x"],
    ["an SSE-C key with a quote", "oss://b/?server_side_encryption_customer_key=abc'W0RDSECRET"],
    ["a bare hmac with a comma", "value hmac:AKID:p4ss,W0RDSECRET here"],
  ])("hides a secret's tail after %s", (_label, text) => {
    const out = redactSecrets(text);
    expect(out).not.toContain("W0RDSECRET");
    expect(out).not.toContain("p4ss");
    expect(out).toContain("***");
  });

  it("keeps the text after a quoted value", () => {
    expect(redactSecrets(`{"credential":"hmac:AK:SK","location":"x"}`)).toBe(`{"credential":"hmac:***","location":"x"}`);
    expect(redactSecrets(`credential: 'hmac:AK:SK', next`)).toBe(`credential: 'hmac:***', next`);
  });

  it("does not garble core's own messages about secret options", () => {
    const messages = [
      'invalid value for option "serverSideEncryptionCustomerKey": must be exactly 32 bytes',
      'invalid value for pair "server_side_encryption_customer_key": expected base64 bytes',
      'invalid value for option "securityToken": expected a string, got number',
      'invalid value for option "copySourceServerSideEncryptionCustomerKey": must be exactly 32 bytes',
    ];
    for (const m of messages) expect(redactSecrets(m)).toBe(m);
  });

  it("still hides a quoted value after a quoted name (JSON)", () => {
    expect(redactSecrets(`{"serverSideEncryptionCustomerKey": "S3CRETKEYBASE64=="}`)).toBe(`{"serverSideEncryptionCustomerKey": "***"}`);
  });

  it("hides an unquoted value after a quoted name that is not core's own message", () => {
    expect(redactSecrets('{"securityToken": TOK1234567 }')).toBe('{"securityToken": *** }');
    expect(redactSecrets('"security_token": TOKEN-XYZ, next')).not.toContain("TOKEN-XYZ");
    expect(redactSecrets('"serverSideEncryptionCustomerKey": qmZp9w4kAAAAsecret then')).not.toContain("qmZp9w4kAAAAsecret");
  });

  it("hides the password of a URL", () => {
    const out = redactSecrets("Request cannot be constructed from a URL that includes credentials: http://alice:S3cretPassw0rd@127.0.0.1:9/obj");
    expect(out).not.toContain("S3cretPassw0rd");
    expect(out).toContain("http://alice:***@127.0.0.1:9/obj");
    expect(redactSecrets("see https://example.com:8443/a@b")).toBe("see https://example.com:8443/a@b");
  });
});
