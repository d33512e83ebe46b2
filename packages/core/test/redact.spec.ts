import { describe, expect, it } from "@jest/globals";
import { redactSecrets } from "../src/errors/redact.js";

const SECRET = "S3cr3tValue99";

describe("redactSecrets", () => {
  it.each([
    ["a connection string's credential", `cos://b-1250000000/?credential=hmac:AKID:${SECRET}&location=ap-guangzhou`],
    ["a percent-encoded credential", `cos://b-1250000000/?credential=hmac%3AAKID%3A${SECRET}&location=ap-guangzhou`],
    ["a bare percent-encoded hmac", `value hmac%3AAKID%3A${SECRET} here`],
    ["a credential with a token", `credential: "hmac:AKID:${SECRET}:${SECRET}"`],
    ["a security_token pair", `cos://b/?credential=env&security_token=${SECRET}&location=x`],
    ["a security-token header", `x-cos-security-token: ${SECRET}`],
    ["an SSE-C key pair", `oss://b/?server_side_encryption_customer_key=${SECRET}`],
    ["a copy-source SSE-C key pair", `cos://b/?copy_source_server_side_encryption_customer_key=${SECRET}`],
    ["an Authorization header", `Authorization: q-sign-algorithm=sha1&q-ak=AKID&q-signature=${SECRET}`],
    ["a query signature", `https://b.oss.example.com/k?OSSAccessKeyId=AKID&Expires=1&Signature=${SECRET}`],
    ["a session token", `sessionToken=${SECRET}`],
    ["a credential whose hmac: was forgotten", `cos://b/?credential=AKID:${SECRET}&location=x`],
    ["a bare secret as the credential", `cos://b/?credential=${SECRET}&location=x`],
    ["a password in URL user information", `cos://AKID:${SECRET}@b-1250000000/`],
    ["a percent-encoded password in URL user information", `cos://AKID%3A${SECRET}%40b-1250000000/`],
    ["a token as URL user information", `oss://${SECRET}@b/`],
    ["a percent-encoded token as URL user information", `oss://${SECRET}%40b/dir/`],
    ["user information encoded in part (: literal, @ encoded)", `cos://AKID:${SECRET}%40b-1250000000/`],
    ["user information encoded in part (: encoded, @ literal)", `cos://AKID%3A${SECRET}@b-1250000000/`],
    ["a password holding @", `cos://AKID:${SECRET}@x@b-1250000000/`],
    ["user information in a wholly encoded endpoint URL", `cos://b/?endpoint=https%3A%2F%2Fuser%3A${SECRET}%40host&location=x`],
  ])("hides %s", (_label, text) => {
    const out = redactSecrets(text);
    expect(out).not.toContain(SECRET);
    expect(out).toContain("***");
  });

  it("keeps what is not secret", () => {
    const text = "cos://b-1250000000/dir/?credential=env&location=ap-guangzhou&endpoint=http:127.0.0.1:9000";
    expect(redactSecrets(text)).toBe(text);
    expect(redactSecrets("cos://b/?credential=hmac:AKID:SK&location=x")).toBe("cos://b/?credential=hmac:***&location=x");
    expect(redactSecrets("cos://b/?credential=ENV&location=x")).toBe("cos://b/?credential=ENV&location=x");
    // An @ in a path, or an e-mail address, is no user information.
    expect(redactSecrets("cos://b/dir%40x/a@b.txt, ops@example.com")).toBe("cos://b/dir%40x/a@b.txt, ops@example.com");
    // Neighbouring quoted values never merge into one "user information".
    expect(redactSecrets('"memory://x","admin@example.com"')).toBe('"memory://x","admin@example.com"');
    // Core's own message about a credential is prose, not a value.
    expect(redactSecrets("invalid credential (empty, expected ...)")).toBe("invalid credential (empty, expected ...)");
  });
});

describe("redactSecrets: what credential providers and STS answers carry", () => {
  it.each([
    ['Alibaba STS JSON', '{"Credentials":{"AccessKeyId":"STS.ID","AccessKeySecret":"ALISECRET789","SecurityToken":"CAIS.TOK"}}', ["ALISECRET789", "CAIS.TOK", "STS.ID"]],
    ["an inspected OSS credential object", "{ accessKeyId: 'LTAIid', accessKeySecret: 'OSSSECRET1', securityToken: 'TOK1' }", ["OSSSECRET1", "TOK1", "LTAIid"]],
    ["snake_case", "access_key_secret=SNAKESECRET", ["SNAKESECRET"]],
    ['Tencent STS JSON', '{"Credentials":{"Token":"TOKENSECRET123","TmpSecretId":"AKIDtmp","TmpSecretKey":"TMPKEY456"},"ExpiredTime":1}', ["TOKENSECRET123", "TMPKEY456"]],
  ])("hides the secrets of %s", (_label, text, secrets) => {
    const out = redactSecrets(text);
    for (const secret of secrets) expect(out).not.toContain(secret);
  });

  it("keeps a token that is no quoted key: prose, paging tokens", () => {
    const text = "the token expired; continuation-token=page2 nextToken";
    expect(redactSecrets(text)).toBe(text);
  });
});
