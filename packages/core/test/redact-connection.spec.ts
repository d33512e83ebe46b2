/**
 * Redacting a connection string by its structure (`redactConnectionString`): a secret pair's value
 * is hidden whole up to the next `&`, blanks, tabs, `:` and `=` included, and an unknown segment
 * right after a secret pair (the tail of a secret cut at an unencoded `&`) is hidden too. Also
 * what `redactSecrets` does with blanks in a value of free text, and with a value hidden already
 * (the CLI redacts its whole error line again: review-security H1, L1).
 */
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import fc from "fast-check";
import { redactConnectionString } from "../src/errors/redact-connection.js";
import { redactSecrets } from "../src/errors/redact.js";
import { definePair } from "../src/pairs/pair-definition.js";
import { registerService, unregisterService } from "../src/registry/registry.js";
import type { ServiceDefinition } from "../src/registry/service-definition.js";

/** A registered service with a secret pair and a plain one of its own. */
const demo: ServiceDefinition = {
  type: "redactdemo",
  packageName: "@stowage/redactdemo",
  description: "a service with pairs of its own",
  pairs: {
    vaultKey: definePair({ name: "vault_key", type: "string", description: "a secret of this service", operations: ["new"], secret: true }),
    maxRetries: definePair({ name: "max_retries", type: "integer", description: "a plain pair", operations: ["new"] }),
  },
  storagerRequires: [],
  newStorageDriver: () => {
    throw new Error("not used");
  },
};

beforeAll(() => registerService(demo));
afterAll(() => unregisterService(demo.type));

describe("redactConnectionString", () => {
  it.each([
    ["a space in the secret", "cos://b-1250000000/?credential=hmac:AKIDcli:abc DEFSECRET&endpoint=https:127.0.0.1:39401&location=ap-guangzhou", "cos://b-1250000000/?credential=hmac:***&endpoint=https:127.0.0.1:39401&location=ap-guangzhou"],
    ["a tab in the secret", "cos://b-1250000000/?credential=hmac:AK:abc\tTABSECRET&location=ap-guangzhou", "cos://b-1250000000/?credential=hmac:***&location=ap-guangzhou"],
    ["an unencoded & in the secret", "cos://b-1250000000/?credential=hmac:AKIDcli:abc&DEFSECRET&location=ap-guangzhou", "cos://b-1250000000/?credential=hmac:***&***&location=ap-guangzhou"],
    ["an unencoded & then = in the secret", "cos://b-1250000000/?credential=hmac:AKIDcli:abc&DEF=SECRET2&location=ap-guangzhou", "cos://b-1250000000/?credential=hmac:***&***&location=ap-guangzhou"],
    ["two & in the secret", "cos://b/?credential=hmac:AK:a&DEFSECRET&&GHISECRET=1&location=x", "cos://b/?credential=hmac:***&***&location=x"],
    ["a token with a space", "cos://b/?credential=hmac:AK:SK&security_token=tok ENDTOKEN&location=x", "cos://b/?credential=hmac:***&security_token=***&location=x"],
    ["an SSE-C key at the end, with a space", "qingstor://b/?encryption_customer_key=AAAA BBBBKEY", "qingstor://b/?encryption_customer_key=***"],
    ["a registered driver's secret pair", "redactdemo://b/?vault_key=ab cd:ef=gh&max_retries=2", "redactdemo://b/?vault_key=***&max_retries=2"],
    ["URL user information", "cos://AKID:S3CRET@b/?location=x", "cos://AKID:***@b/?location=x"],
  ])("hides %s whole", (_label, conn, shown) => {
    expect(redactConnectionString(conn)).toBe(shown);
  });

  it("shows a known pair right after a secret, and hides an unknown one: the driver's pairs are known when it is registered", () => {
    expect(redactConnectionString("redactdemo://b/?credential=hmac:AK:SK&max_retries=2&location=x")).toBe("redactdemo://b/?credential=hmac:***&max_retries=2&location=x");
    expect(redactConnectionString("redactdemo://b/?credential=hmac:AK:SK&default_content_type=text/plain")).toBe("redactdemo://b/?credential=hmac:***&default_content_type=text/plain");
    // Not registered: only the global pairs are known, anything else after a secret may be its tail.
    expect(redactConnectionString("unregdemo://b/?credential=hmac:AK:SK&max_retries=2&location=x")).toBe("unregdemo://b/?credential=hmac:***&***&location=x");
    // An unknown pair that does not follow a secret is shown (the library names it in its error).
    expect(redactConnectionString("unregdemo://b/?location=x&max_retries=2")).toBe("unregdemo://b/?location=x&max_retries=2");
  });

  it("keeps what is not secret: env, flags, the path, empty values", () => {
    const plain = "cos://b-1250000000/dir/a b.txt?credential=env&location=ap-guangzhou&enable_loose_pair&security_token=";
    expect(redactConnectionString(plain)).toBe(plain);
    expect(redactConnectionString("memory://")).toBe("memory://");
  });

  it("gives what is no connection string to redactSecrets", () => {
    expect(redactConnectionString("backup:2026/x.txt")).toBe("backup:2026/x.txt");
    expect(redactConnectionString("see credential=hmac:AK:SK")).toBe("see credential=hmac:***");
    expect(redactConnectionString(42 as unknown as string)).toBe("42");
  });

  it("for random secrets of printable characters (blanks, tabs, &, :, = included), never shows the secret nor a 4-character piece of it that is not elsewhere in the input", () => {
    const special = fc.constantFrom(" ", "\t", "&", ":", "=", "%", "*", "?");
    const printable = fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c));
    const secret = fc.string({ unit: fc.oneof(special, printable), minLength: 1, maxLength: 40 });
    const contexts: Array<[string, string]> = [
      ["cos://b-1250000000/dir/?credential=hmac:AKIDexample:", "&location=ap-guangzhou"],
      ["cos://b-1250000000/?location=ap-guangzhou&credential=hmac:AKIDexample:", ""],
      ["cos://b/?credential=env&security_token=", "&endpoint=https:127.0.0.1:9&max_retries=0"],
      ["qingstor://b/?location=pek3b&encryption_customer_key=", ""],
      ["redactdemo://b/?vault_key=", "&max_retries=1"],
      ["cos://b/?credential=", "&location=x"],
    ];
    fc.assert(
      fc.property(secret, fc.constantFrom(...contexts), (s, [prefix, suffix]) => {
        const out = redactConnectionString(prefix + s + suffix);
        expect(leaks(out, s, prefix + "\u0000" + suffix)).toEqual([]);
      }),
      { numRuns: 3000 },
    );
  });
});

/**
 * The pieces (4 characters or more) of `secret` that `out` shows and `rest` (the input without the
 * secret) does not hold; a `***` where a value or segment was hidden is not taken for the secret's.
 */
function leaks(out: string, secret: string, rest: string): string[] {
  const shown = out.replace(/(?<=^|[=:&?])\*\*\*(?=&|$)/g, "\u0000");
  const found: string[] = [];
  for (let i = 0; i + 4 <= secret.length; i++) {
    const piece = secret.slice(i, i + 4);
    if (!rest.includes(piece) && shown.includes(piece)) found.push(piece);
  }
  return found;
}

describe("redactSecrets: blanks in a value of free text", () => {
  it.each([
    ["cos://b/?credential=hmac:AK:SK&security_token=tok ENDTOKEN&x=1", "cos://b/?credential=hmac:***&security_token=***&x=1"],
    ["qingstor://b/?encryption_customer_key=AAAA BBBBKEY", "qingstor://b/?encryption_customer_key=***"],
    ["stat cos://b/f.txt?credential=hmac:AKIDcli:abc DEFSECRET&endpoint=x: Unexpected: TLS failure", "stat cos://b/f.txt?credential=hmac:***&endpoint=x: Unexpected: TLS failure"],
    ["SECRET_ACCESS_KEY=abc DEFSECRET", "SECRET_ACCESS_KEY=***"],
    ["cos://b/?credential=hmac:AK:abc\tTABSECRET", "cos://b/?credential=hmac:***"],
  ])("after `=`, a value runs to `&` or the end of the line: %s", (text, shown) => {
    expect(redactSecrets(text)).toBe(shown);
  });

  it("keeps a value hidden already, and the `: ` after it (the CLI's error line, redacted again)", () => {
    const line = "cat cos://b/nope.txt?credential=hmac:***&location=x&server_side_encryption_customer_key=***: ObjectNotExist: get_object: NoSuchKey";
    expect(redactSecrets(line)).toBe(line);
    expect(redactSecrets("cat cos://b/k?location=x&credential=hmac:***: PermissionDenied: denied")).toBe("cat cos://b/k?location=x&credential=hmac:***: PermissionDenied: denied");
    expect(redactSecrets("x?credential=hmac:***&***&location=x: Conflict")).toBe("x?credential=hmac:***&***&location=x: Conflict");
  });

  it("keeps core's prose after `credential=env` and after a format hint", () => {
    for (const text of ["PairRequired: credential=env needs A_ID and A_SECRET, or B_ID and B_SECRET in the environment", "give credential=hmac:<access_key>:<secret_key> in the connection string"]) {
      expect(redactSecrets(text)).toBe(text);
    }
    expect(redactSecrets("credential=env then security_token=TOK EN")).toBe("credential=env then security_token=***");
  });

  it("after `:` (a header, prose), a value still ends at a blank", () => {
    expect(redactSecrets("x-cos-security-token: TOKEN1 then")).toBe("x-cos-security-token: *** then");
  });

  it("for random secrets after `=` (no `&`, line break or opening quote: free text cannot tell those from the end of the value; not blanks only), never shows a 4-character piece of one", () => {
    const printable = fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)).filter((c) => c !== "&");
    const secret = fc.string({ unit: fc.oneof(fc.constantFrom(" ", "\t", ":", "="), printable), minLength: 1, maxLength: 40 });
    const contexts: Array<[string, string]> = [
      ["stowage: stat cos://b/f.txt?credential=hmac:AKIDexample:", "&location=x: Unexpected: failed"],
      ["open cos://b/?location=x&security_token=", ""],
      ["AWS_SECRET_ACCESS_KEY=", ""],
      ["https://b.oss.example.com/k?OSSAccessKeyId=AK&Signature=", "&Expires=1"],
    ];
    fc.assert(
      fc.property(secret, fc.constantFrom(...contexts), (s, [prefix, suffix]) => {
        fc.pre(s.trim() !== "" && !/^\s*["']/.test(s) && !s.trimStart().startsWith("***"));
        const out = redactSecrets(prefix + s + suffix);
        expect(leaks(out, s, prefix + "\u0000" + suffix)).toEqual([]);
      }),
      { numRuns: 3000 },
    );
  });
});
