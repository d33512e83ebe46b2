import { describe, expect, it } from "@jest/globals";
import { spawnSync } from "node:child_process";
import { fileURLToPath, pathToFileURL } from "node:url";
import { ErrorCode } from "../src/errors/error-code.js";
import { redactSecrets } from "../src/errors/redact.js";
import { StorageError } from "../src/errors/storage-error.js";

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
    ["COS's sign query parameter", `https://b.cos.example.com/k?sign=${SECRET}`],
    ["a prefixed short name", `x_sign: ${SECRET}`],
    ["an Azure SAS sig", `https://a.blob.core.windows.net/c/k?sv=2024&sig=${SECRET}`],
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

describe("redactSecrets given a value that is no string", () => {
  it("is total: the value as String makes it, redacted, or its kind when even String throws", () => {
    expect(redactSecrets(42 as never)).toBe("42");
    expect(redactSecrets(null as never)).toBe("null");
    expect(redactSecrets(undefined as never)).toBe("undefined");
    expect(redactSecrets(Symbol("s") as never)).toBe("Symbol(s)");
    expect(redactSecrets(new Error(`password=${SECRET}`) as never)).toBe("Error: password=***");
    expect(redactSecrets({ toString: () => `credential=hmac:AK:${SECRET}` } as never)).toBe("credential=hmac:***");
    expect(redactSecrets(Object.create(null) as never)).toBe("(object)");
    expect(
      redactSecrets({
        toString() {
          throw new Error(SECRET);
        },
      } as never),
    ).toBe("(object)");
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

describe("redactSecrets: XML elements, snake_case names, encoded pairs, cookies and bearer tokens", () => {
  const S = "SECRETzz9";
  it.each([
    `<Authorization>OSS AKID:${S}</Authorization>`,
    `<SecurityToken>${S}</SecurityToken>`,
    `<SignatureProvided>${S}</SignatureProvided>`,
    `<Signature>${S}</Signature>`,
    `<AccessKeySecret>${S}</AccessKeySecret>`,
    `<SessionToken>${S}</SessionToken>`,
    `<Token>${S}</Token>`,
    `<TmpSecretKey>${S}</TmpSecretKey>`,
    `<SecretAccessKey>${S}</SecretAccessKey>`,
    `<Token xmlns="x">${S}</Token>`,
    `a message cut short: <SecurityToken>${S}`,
    `Authorization=OSS AKID:${S}`,
    `authorization: QS AKID:${S}`,
    `"authorization":"q-sign-algorithm=sha1&q-ak=AK&q-signature=${S}"`,
    `x-cos-security-token: ${S}`,
    `X-Oss-Security-Token=${S}`,
    `token=${S}`,
    `Token: ${S}`,
    `"Token":"${S}"`,
    `{ token: '${S}' }`,
    `{"Credentials":{"TmpSecretKey":"${S}","Token":"${S}"}}`,
    `{"AccessKeySecret":"${S}","SecurityToken":"${S}"}`,
    `secret_access_key: ${S}`,
    `{"secret_access_key":"${S}"}`,
    `aws_secret_access_key = ${S}`,
    `secret-access-key=${S}`,
    `X-Amz-Security-Token=${S}`,
    `x-amz-signature=${S}`,
    `X-Amz-Credential=AK%2F20260101%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Signature=${S}`,
    `x-oss-credential=AK&x-oss-signature=${S}`,
    `https://host/obj?Expires=1&OSSAccessKeyId=AK&Signature=${S}`,
    `https://host/obj?access_key_id=AK&expires=1&signature=${S}`,
    `x-cos-server-side-encryption-customer-key: ${S}`,
    `x-cos-server-side-encryption-customer-key-MD5: ${S}`,
    `x-qs-encryption-customer-key=${S}`,
    `sseCustomerKey=${S}`,
    `SSECustomerKey: ${S}`,
    `serverSideEncryptionCustomerKey: "${S}"`,
    `password%3D${S}`,
    `password%253D${S}`,
    `credential%3Dhmac%3AAK%3A${S}`,
    `cos%3A%2F%2Fb%2F%3Flocation%3Dx%26credential%3Dhmac%3AAK%3A${S}%26endpoint%3Dy`,
    `endpoint%3Dy%26c%3Dhmac%3AAK%3A${S}`,
    `credential = 'hmac:AK:${S}'`,
    `Bearer ${S}`,
    `Cookie: session=${S}`,
    `Set-Cookie: session=${S}; Path=/; HttpOnly`,
  ])("hides %s", (text) => {
    const out = redactSecrets(text);
    expect(out).not.toContain(S);
    expect(out).toContain("***");
    // Redacting twice (core, then the CLI) changes nothing more.
    expect(redactSecrets(out)).toBe(out);
  });

  it("keeps the text around a hidden value", () => {
    expect(redactSecrets(`<Code>AccessDenied</Code><SignatureProvided>${S}</SignatureProvided><Key>a.txt</Key>`)).toBe(
      "<Code>AccessDenied</Code><SignatureProvided>***</SignatureProvided><Key>a.txt</Key>",
    );
    expect(redactSecrets(`cos%3A%2F%2Fb%2F%3Fpassword%3D${S}%26location%3Dx`)).toBe("cos%3A%2F%2Fb%2F%3Fpassword%3D***%26location%3Dx");
    expect(redactSecrets(`Cookie: a=${S}\nnext line`)).toBe("Cookie: ***\nnext line");
    expect(redactSecrets(`sent Bearer ${S} to the service`)).toBe("sent Bearer *** to the service");
  });

  it("keeps ordinary messages readable", () => {
    const texts = [
      'stat: ObjectNotExist: no such object (op=stat, service=oss, path="token.txt")',
      'read: PermissionDenied: denied (path="secret/file")',
      'path="token:abc", dir/token=1, key=photos/a.jpg',
      "invalid list token: not a nextToken that listPage returned; list again without a token",
      "<Key>token.txt</Key><NextContinuationToken>page2</NextContinuationToken><StringToSign>PUT</StringToSign>",
      "<Credentials>\n  <Expiration>soon</Expiration>\n</Credentials><Token></Token>",
      "the Bearer token was refused; bearer tokens expire",
      "the token expired; continuation-token=page2 nextToken",
      'QingStor credentials take no security token: expected "env" or "hmac" followed by :<access_key_id>:<secret_access_key> (op=new_storager)',
      // Keys that hold a header's name: the rest of the line stays (review-fixes19 M1, L1).
      'cp: PermissionDenied: denied (op=stat, service=fs, path="recipes/cookie:chocolate.txt") -> dst/cookie=1.txt',
      'ObjectNotExist: no such object (path="reports/bearer bonds/q1.csv")',
      // Words that end in a short secret name are prose: presign: (an op's message), design: (a key).
      "presign: expires must be at most 604800 seconds, design: a, assign=b",
    ];
    for (const text of texts) expect(redactSecrets(text)).toBe(text);
  });

  it("takes time in proportion to the text: a service's error body of blanks and names is redacted at once", () => {
    // A guard against a pattern that rescans what it passed (a 100,000-space message once took 7 s
    // and froze the process, timers included). Run in a child process that is killed after 30 s, as
    // a synchronous regular expression cannot be interrupted: each text takes milliseconds here, a
    // quadratic pattern minutes. Not a speed measurement. Uses the built module (pnpm test builds first).
    const redact = fileURLToPath(new URL("../dist/errors/redact.js", import.meta.url));
    const code = `
      import { redactSecrets } from ${JSON.stringify(pathToFileURL(redact).href)};
      const K = 256 * 1024;
      const texts = [" ".repeat(K), " ".repeat(K) + "token: ${S}", "\\t".repeat(K), "<Token>".repeat(K / 7), "token=".repeat(K / 6), "hmac%3a".repeat(K / 7), "https://a@".repeat(K / 10), "cookie: ".repeat(K / 8)];
      for (const t of texts) redactSecrets(t);
      process.stdout.write(redactSecrets(texts[1]).includes("${S}") ? "shown" : "hidden");
    `;
    const run = spawnSync(process.execPath, ["--input-type=module", "-e", code], { timeout: 30_000, encoding: "utf8" });
    expect({ signal: run.signal, status: run.status, stderr: run.stderr, stdout: run.stdout }).toEqual({ signal: null, status: 0, stderr: "", stdout: "hidden" });
  });

  it("cannot know a secret that no name announces, nor an object key named like one", () => {
    // Nothing marks these as secret: a quoted word in prose, and `key=` (an object key).
    expect(redactSecrets(`expected "${S}" (the secret)`)).toBe(`expected "${S}" (the secret)`);
    expect(redactSecrets(`key=${S}`)).toBe(`key=${S}`);
  });
});

describe("redactSecrets: a credential provider's error quoting the STS answer", () => {
  const SK = "STSSECRETzz9";
  const TK = "STSTOKENqq7";
  const bodies: [string, string][] = [
    [
      "Alibaba AssumeRole, Format=XML",
      `<?xml version="1.0"?><AssumeRoleResponse><Credentials><AccessKeyId>STS.AK</AccessKeyId><AccessKeySecret>${SK}</AccessKeySecret><SecurityToken>${TK}</SecurityToken><Expiration>soon</Expiration></Credentials></AssumeRoleResponse>`,
    ],
    ["Alibaba STS JSON", `{"Credentials":{"AccessKeyId":"STS.AK","AccessKeySecret":"${SK}","SecurityToken":"${TK}","Expiration":"soon"}}`],
    ["an INI credentials file", `[default]\naws_access_key_id = AK\naws_secret_access_key = ${SK}\naws_session_token=${TK}`],
    ["QingStor-style YAML", `access_key_id: AK\nsecret_access_key: ${SK}`],
    ["an env dump", `OSS_ACCESS_KEY_SECRET=${SK} OSS_SESSION_TOKEN=${TK}`],
    ["a COS env dump", `TENCENTCLOUD_SECRETKEY=${SK} TENCENTCLOUD_SESSIONTOKEN=${TK}`],
  ];

  it.each(bodies)("hides the secret and token of %s in the message, its JSON and its cause", (_label, body) => {
    const text = `the credential provider failed: STS answer not understood: ${body}`;
    const error = new StorageError({ code: ErrorCode.PermissionDenied, message: text, cause: new Error(text), op: "stat", service: "oss", path: "x" });
    const cause = error.cause as Error;
    for (const shown of [error.message, error.detail, JSON.stringify(error), cause.message, String(cause.stack)]) {
      expect(shown).not.toContain(SK);
      expect(shown).not.toContain(TK);
    }
    expect(error.message).toContain("STS answer not understood");
  });
});
