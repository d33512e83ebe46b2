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
    ["a token with a space", "cos://b/?credential=hmac:AK:SK&location=x&security_token=tok ENDTOKEN&location=x", "cos://b/?credential=hmac:***&location=x&security_token=***&location=x"],
    // cos not registered here: its security_token right after a secret is no known pair, hidden as the secret's tail.
    ["a pair of a driver not registered right after a secret", "cos://b/?credential=hmac:AK:SK&security_token=tok ENDTOKEN&location=x", "cos://b/?credential=hmac:***&***&location=x"],
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
    const special = fc.constantFrom(" ", "\t", "&", ":", "=", "%", "*", "?", "#");
    const printable = fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c));
    const secret = fc.string({ unit: fc.oneof(special, printable), minLength: 1, maxLength: 40 });
    const contexts: Array<[string, string]> = [
      ["cos://b-1250000000/dir/?credential=hmac:AKIDexample:", "&location=ap-guangzhou"],
      ["cos://b-1250000000/?location=ap-guangzhou&credential=hmac:AKIDexample:", ""],
      ["cos://b/?credential=env&security_token=", "&endpoint=https:127.0.0.1:9&max_retries=0"],
      ["qingstor://b/?location=pek3b&encryption_customer_key=", ""],
      ["redactdemo://b/?vault_key=", "&max_retries=1"],
      ["cos://b/?credential=", "&location=x"],
      // The key in the wrong case: a typo of a secret (review-session7 H1 b).
      ["cos://b/?CREDENTIAL=hmac:AK:", "&location=x"],
      ["cos://b/?Credential=", ""],
    ];
    fc.assert(
      fc.property(secret, fc.constantFrom(...contexts), (s, [prefix, suffix]) => {
        const out = redactConnectionString(prefix + s + suffix);
        expect(leaks(out, s, prefix + "\u0000" + suffix)).toEqual([]);
      }),
      { numRuns: 3000 },
    );
  });

  it("for random secrets cut at an unencoded & whose tail ends like a secret's name, or whose key is in another case, never shows a piece of the tail (review-session7 H1)", () => {
    const unit = fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)).filter((c) => c !== "&" && c !== "=");
    const part = fc.string({ unit, minLength: 4, maxLength: 20 });
    const name = fc.constantFrom("password", "passwd", "api_key", "secret_key", "x_sig", "signature", "security_token", "PASSWORD", "");
    const keys = ["credential=hmac:AK:", "CREDENTIAL=hmac:AK:", "Credential=", "security_token=", "Security_Token="];
    const heads = ["cos://b-1250000000/dir/?", "redactdemo://b/?location=x&", "unregdemo://b/?"];
    // vault_key is secret in redactdemo only (its definition says so).
    const prefixes = [...heads.flatMap((h) => keys.map((k) => [h, k] as const)), ["redactdemo://b/?", "vault_key="] as const, ["redactdemo://b/?", "VAULT_KEY="] as const];
    fc.assert(
      fc.property(fc.constantFrom(...prefixes), part, part, name, fc.constantFrom("", "&location=x", "&max_retries=1"), ([head, k], a, b, n, suffix) => {
        const secret = `${a}&${b}${n}`;
        const out = redactConnectionString(head + k + secret + suffix);
        expect(leaks(out, secret, head + k + "\u0000" + suffix)).toEqual([]);
      }),
      { numRuns: 3000 },
    );
  });

  it.each([
    ["a tail named as a secret", "cos://b-1250000000/?credential=hmac:AKID:p4ss&W0RDpassword", "cos://b-1250000000/?credential=hmac:***&***"],
    ["a secret-named pair of no service after a secret", "unregdemo://b/?credential=hmac:AK:SK&x_sig=SEKRET&location=x", "unregdemo://b/?credential=hmac:***&***&location=x"],
    ["CREDENTIAL", "cos://b-1250000000/?CREDENTIAL=hmac:AKID:p4ss&W0RDSEKRET", "cos://b-1250000000/?CREDENTIAL=hmac:***&***"],
    ["Credential", "cos://b/?Credential=hmac:AKID:p4ss&W0RD&location=x", "cos://b/?Credential=hmac:***&***&location=x"],
    ["a driver's secret pair in another case", "redactdemo://b/?VAULT_KEY=ab&cd&max_retries=2", "redactdemo://b/?VAULT_KEY=***&***&max_retries=2"],
  ])("hides the tail of a secret after %s (review-session7 H1)", (_label, conn, shown) => {
    expect(redactConnectionString(conn)).toBe(shown);
  });
});

describe("user information whose password holds / (review-session7 H2)", () => {
  it.each([
    ["cos://AKIDx:wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY@b-1250000000/dir/", "cos://AKIDx:***@b-1250000000/dir/"],
    ["cos://AKIDx:wJalr/K7MD@b-1250000000/dir/?location=ap-guangzhou", "cos://AKIDx:***@b-1250000000/dir/?location=ap-guangzhou"],
    ["cos://AKIDx:wJalr/K7MD@b-1250000000", "cos://AKIDx:***@b-1250000000"],
    ["cos://AKIDx%3AwJalr/K7MD%40b-1250000000/", "cos://AKIDx%3A***%40b-1250000000/"],
    ["oss://AK:a/b@c@bkt/d/", "oss://AK:***@bkt/d/"],
    ["cos://AK:S SEKRET/x@bucket/dir?location=x", "cos://AK:***@bucket/dir?location=x"],
    ["cos://TOK@EN:a/b@bkt/", "cos://***@bkt/"],
  ])("redactConnectionString hides the password of %s", (conn, shown) => {
    expect(redactConnectionString(conn)).toBe(shown);
  });

  it("keeps a path that merely holds @ (no : in the name), a Windows drive and a host with a port", () => {
    for (const conn of ["cos://b-1250000000/users/a@b.com/", "fs://C:/Users/me@corp/", "fs:///tmp/a@b/?work_dir=/tmp/a@b/"]) {
      expect(redactConnectionString(conn)).toBe(conn);
    }
    for (const text of ["GET http://127.0.0.1:9000/b/a@x.txt failed", "see https://cos.example.com:443/b/users/a@b.com", "fs://C:/Users/me@corp/"]) {
      expect(redactSecrets(text)).toBe(text);
    }
  });

  it.each([
    ["stowage: ls cos://AKIDx:wJalr/K7MD/bPx@b-1250000000/dir/: failed", "stowage: ls cos://AKIDx:***@b-1250000000/dir/: failed"],
    ["endpoint=https://u:p/w@host/x", "endpoint=https://u:***@host/x"],
    ["endpoint=https%3A%2F%2Fu%3Ap%2Fw%40host&x=1", "endpoint=https%3A%2F%2Fu%3A***%40host&x=1"],
    ["cos://AK:pw/x%40b/", "cos://AK:***%40b/"],
  ])("redactSecrets (free text) hides the password of %s", (text, shown) => {
    expect(redactSecrets(text)).toBe(shown);
  });

  it("for random passwords holding /, never shows a piece of one", () => {
    const unit = fc.oneof(fc.constantFrom("/", "+", "=", ":"), fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)).filter((c) => !"/?#@%\"'`,<>&".includes(c)));
    const password = fc.string({ unit, minLength: 4, maxLength: 40 }).filter((p) => p.includes("/"));
    fc.assert(
      fc.property(password, fc.constantFrom("cos://AKIDx:", "oss://LTAI5t:", "qingstor://QYACCESS:"), fc.constantFrom("@b-1250000000/dir/", "@bkt", "@bkt/?location=x"), (p, head, tail) => {
        expect(leaks(redactConnectionString(head + p + tail), p, head + "\u0000" + tail)).toEqual([]);
        expect(leaks(redactSecrets(`stowage: ls ${head}${p}${tail}: failed`), p, `stowage: ls ${head}\u0000${tail}: failed`)).toEqual([]);
      }),
      { numRuns: 2000 },
    );
  });
});

describe("redactSecrets: a CLI error line about a key holding name=value (review-session7 L1)", () => {
  it.each([
    [
      'stowage: cp logs/sig=2024/a.txt: ObjectNotExist: no such object (op=stat, service=cos, path="logs/sig=2024/a.txt")',
      'stowage: cp logs/sig=***: ObjectNotExist: no such object (op=stat, service=cos, path="logs/sig=***")',
    ],
    [
      'stowage: rm data/api_key=old.json: PermissionDenied: AccessDenied (op=delete, service=cos, path="data/api_key=old.json", status=403)',
      'stowage: rm data/api_key=***: PermissionDenied: AccessDenied (op=delete, service=cos, path="data/api_key=***", status=403)',
    ],
    ["stowage: cat k/password=x y.txt: ObjectNotExist: gone", "stowage: cat k/password=***: ObjectNotExist: gone"],
  ])("keeps the error code and message: %s", (line, shown) => {
    expect(redactSecrets(line)).toBe(shown);
    expect(redactSecrets(shown)).toBe(shown);
  });

  it("still hides a value with blanks, : and ( up to the end of the line when no error seam follows", () => {
    expect(redactSecrets("password=p4ss: W0RD (x) y")).toBe("password=***");
    expect(redactSecrets("security_token=tok: ObjectNotExistX: y")).toBe("security_token=***");
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
