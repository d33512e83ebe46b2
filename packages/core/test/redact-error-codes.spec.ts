import { describe, expect, it } from "@jest/globals";
import { redactSecrets } from "../src/errors/redact.js";

const SECRET = "S3cr3tValue99";

describe("redactSecrets and service error codes", () => {
  it.each([
    "put_object: InvalidAccessKeyId: The Access Key Id you provided does not exist in our records.",
    "InvalidSecurityToken: The provided token is malformed or otherwise invalid.",
    "stat: InvalidAccessKeyId: The OSS Access Key Id you provided does not exist in our records. (EC 0002-00000902)",
    "get_object: invalid_access_key_id: The access key id you provided does not exist.",
    "MissingSecurityToken: The request needs a security token.",
  ])("keeps the message after an error code: %s", (text) => {
    expect(redactSecrets(text)).toBe(text);
  });

  it.each([
    ["a security_token pair", `security_token: ${SECRET}`],
    ["an accesskeyid parameter", `accesskeyid=${SECRET}`],
    ["an OSSAccessKeyId value", `OSSAccessKeyId: ${SECRET}`],
    ["a quoted securityToken", `{"securityToken": "${SECRET}"}`],
    ["a header after an error code", `InvalidSecurityToken: x-cos-security-token: ${SECRET}`],
    ["a code-like name with =", `InvalidAccessKeyId=${SECRET}`],
    ["an access_key_id query parameter", `https://pek3b.qingstor.com/b/k?access_key_id=${SECRET}&signature=${SECRET}`],
    ["a token pair after a code", `put_object: InvalidSecurityToken: The token is invalid (security_token: ${SECRET})`],
  ])("still hides %s", (_label, text) => {
    const out = redactSecrets(text);
    expect(out).not.toContain(SECRET);
    expect(out).toContain("***");
  });
});
