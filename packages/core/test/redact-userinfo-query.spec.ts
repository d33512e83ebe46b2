/**
 * Three more ways a secret was shown (review-tail9):
 * - H1: URL user information whose password holds `?` (`cos://AKID:wJal/K7?MDQX/bPx@bucket/d/`) was
 *   split at the `?` before the `@` was looked for: `redactConnectionString` and `redactSecrets`
 *   showed it whole, and opening quoted its tail as an unknown pair;
 * - H2: the parser quoted the key of a segment after a secret pair in its bad-percent-escape
 *   error (`credential=hmac:AK:ab&TAILQX=%zz` -> `the value of pair "TAILQX"`);
 * - M1: an `endpoint` URL whose password holds an unencoded `&` (`https://u:SEC&RETQX@host:1`) was
 *   shown, and parsing it quoted `port "SEC"`.
 * Property tests put `?`, `#`, `&`, `=`, `%` and `/` in the secrets.
 */
import { describe, expect, it } from "@jest/globals";
import fc from "fast-check";
import { redactConnectionString } from "../src/errors/redact-connection.js";
import { redactSecrets } from "../src/errors/redact.js";
import { isStorageError, type StorageError } from "../src/errors/storage-error.js";
import { resolveOpenConfig } from "../src/pairs/open-config.js";
import { parseConnectionString } from "../src/registry/connection-string.js";
import { parseEndpoint } from "../src/registry/endpoint.js";
import type { ServiceDefinition } from "../src/registry/service-definition.js";
import { demoService } from "./demo-service.js";

const definition = demoService;

/** The error `fn` throws (a StorageError), as every text a log could show. */
function thrown(fn: () => unknown): { e: StorageError; texts: string } {
  try {
    fn();
  } catch (e) {
    if (!isStorageError(e)) throw e;
    // The stack's text before its frames: the frames are file paths and line numbers (a "1003" there is no leak).
    const stackText = (e.stack ?? "").split("\n    at ")[0]!;
    return { e, texts: [e.message, String(e), JSON.stringify(e), stackText].join("\n") };
  }
  throw new Error("expected a StorageError");
}

/** The 4-character pieces of `secret` that `out` shows and `rest` (the input around the secret) does not hold. */
function leaks(out: string, secret: string, rest: string): string[] {
  const shown = out.replace(/\*\*\*/g, "\u0000");
  const found: string[] = [];
  for (let i = 0; i + 4 <= secret.length; i++) {
    const piece = secret.slice(i, i + 4);
    if (!rest.includes(piece) && shown.includes(piece)) found.push(piece);
  }
  return found;
}

describe("user information whose password holds ? (review-tail9 H1)", () => {
  it.each([
    ["cos://AKID:wJal/K7?MDQX/bPx@b-1250000000/d/", "cos://AKID:***@b-1250000000/d/"],
    ["cos://AKID:ab?TAILQX=1@b-1250000000/d/", "cos://AKID:***@b-1250000000/d/"],
    ["cos://AK:wJal/K7?MDQX@b-1250000000/", "cos://AK:***@b-1250000000/"],
    ["cos://AKIDQ:K7VK%40J8V7:%3A?%2F@b-1250000000/dir/", "cos://AKIDQ:***@b-1250000000/dir/"],
    ["cos://AKID:ab?TAILQX#1@b-1250000000/d/?location=x", "cos://AKID:***@b-1250000000/d/?location=x"],
    // The pairs after the host keep their own `@`: user information ends before them.
    ["cos://AK:pw@b-1250000000/?endpoint=https://u:p@h:1&location=x", "cos://AK:***@b-1250000000/?endpoint=https://u:***@h:1&location=x"],
  ])("redactConnectionString and redactSecrets hide %s", (conn, shown) => {
    expect(redactConnectionString(conn)).toBe(shown);
    expect(redactSecrets(conn)).toBe(shown);
  });

  it.each(["demo://AKID:wJal/K7?MDQX/bPx@b-1250000000/d/", "demo://AKID:ab?TAILQX=1@b-1250000000/d/", "demo://AKIDQ:?KK0J?%407J=V87%@b-1250000000/dir/?location=x"])(
    "opening refuses %s before any pair is read, quoting nothing of it",
    (conn) => {
      const { e, texts } = thrown(() => resolveOpenConfig(definition, conn, "storager"));
      expect(e.code).toBe("ConnectionStringInvalid");
      expect(e.message).toContain("URL user information");
      for (const piece of ["TAIL", "MDQX", "bPx", "KK0J", "wJal", "V87"]) expect(texts).not.toContain(piece);
    },
  );

  it("the parser quotes no key of a string holding user information", () => {
    const { texts } = thrown(() => parseConnectionString("demo://AKIDQ:?KK0J?%407J=V87%@b-1250000000/dir/"));
    expect(texts).not.toContain("KK0J");
  });

  it("is no user information: a work_dir holding @, a Windows drive, a pair holding @", () => {
    expect(resolveOpenConfig(definition, "demo://b-1250000000/users/a@b.com/?endpoint=https://h:1", "storager").config.workDir).toBe("/users/a@b.com/");
    expect(parseConnectionString("demo://C:/Users/me@corp/").name).toBe("C:");
    // As the CLI writes it (the name percent-encoded): still a drive, given its own hint.
    const nameless: ServiceDefinition = { ...definition, type: "nameless", storagerRequires: ["work_dir"], unusedPairs: ["name"] };
    for (const conn of ["nameless://C:/Users/me@corp/", "nameless://C%3A/Users/me@corp/"]) {
      expect(thrown(() => resolveOpenConfig(nameless, conn, "storager")).e.message).toContain("takes no name before the work_dir");
    }
    expect(redactConnectionString("cos://b-1250000000/users/a@b.com/?location=x")).toBe("cos://b-1250000000/users/a@b.com/?location=x");
    expect(redactSecrets("fs://C:/Users/me@corp/")).toBe("fs://C:/Users/me@corp/");
  });

  it("for random passwords holding ?, #, /, &, =, % and @, never shows a piece of one, and opening quotes none", () => {
    const unit = fc.oneof(
      fc.constantFrom("?", "#", "/", "&", "=", "%", "@", "+", ":", "%2F", "%40"),
      fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)).filter((c) => !"\"'`,<>".includes(c)),
    );
    const password = fc.string({ unit, minLength: 4, maxLength: 40 }).filter((p) => /[?#]/.test(p));
    fc.assert(
      fc.property(password, fc.constantFrom("demo://AKIDx:", "demo://LTAI5t%3A"), fc.constantFrom("@b-1250000000/dir/", "@bkt", "@bkt/?location=x", "%40bkt/d/"), (p, head, tail) => {
        const conn = head + p + tail;
        const rest = head + "\u0000" + tail;
        expect(leaks(redactConnectionString(conn), p, rest)).toEqual([]);
        expect(leaks(redactSecrets(conn), p, rest)).toEqual([]);
        // The error's own words count as the input around the secret: "op=new_storager" shows "=new" whatever the password.
        const words = thrown(() => resolveOpenConfig(definition, head + "pw?d" + tail, "storager")).texts;
        expect(leaks(thrown(() => resolveOpenConfig(definition, conn, "storager")).texts, p, rest + "\u0000" + words)).toEqual([]);
      }),
      // The first: a CI run's counterexample (seed -135659304) when the oracle counted the error's own words as a leak.
      { numRuns: 2000, examples: [["=new????", "demo://AKIDx:", "@b-1250000000/dir/"]] },
    );
  });
});

describe("the parser quotes no key after a secret pair (review-tail9 H2)", () => {
  it.each([
    "demo://b/d/?credential=hmac:AK:ab&TAILQX=%zz&location=x",
    "demo://b/?security_token=ab&TAILQX=%zz",
    "demo://b/?CREDENTIAL=hmac:AK:ab&cd&TAILQX=%zz",
    "demo://b/?x_password=ab&TAILQX=%zz",
  ])("a bad percent-escape in %s names no key", (conn) => {
    const { e, texts } = thrown(() => parseConnectionString(conn));
    expect(e.message).toContain("has a bad percent-escape");
    expect(texts).not.toContain("TAILQX");
  });

  it("a repeat after a secret pair names no key; one before it still does", () => {
    expect(thrown(() => parseConnectionString("demo://b/?security_token=ab&tailqx=1&security_token=ab&tailqx=2")).texts).not.toContain("tailqx");
    expect(thrown(() => parseConnectionString("demo://b/?max_retries=1&max_retries=2")).e.message).toContain('pair "max_retries" is given twice');
    expect(thrown(() => parseConnectionString("demo://b/?location=%zz")).e.message).toContain('the value of pair "location"');
  });

  it("for random secrets holding ?, # and & followed by a bad escape, opening shows no piece of them", () => {
    const unit = fc.oneof(fc.constantFrom("?", "#", "&", "=", ":", "/"), fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)).filter((c) => c !== "%"));
    const secret = fc.string({ unit, minLength: 4, maxLength: 30 });
    fc.assert(
      fc.property(secret, fc.constantFrom("credential=hmac:AK:", "security_token=", "Credential="), fc.constantFrom("&TAILQX=%zz", "&TAILQX=%zz&location=x"), (s, key, bad) => {
        const conn = `demo://b-1250000000/?${key}${s}${bad}`;
        const { texts } = thrown(() => resolveOpenConfig(definition, conn, "storager"));
        // The error's own words count as the input around the secret: its JSON's "message" shows "essa" whatever the secret.
        const words = thrown(() => resolveOpenConfig(definition, `demo://b-1250000000/?${key}pw${bad}`, "storager")).texts;
        expect(leaks(texts, s, `demo://b-1250000000/?${key}\u0000${bad}\u0000${words}`)).toEqual([]);
        expect(texts).not.toContain("TAILQX");
      }),
      // The first: a test:explore counterexample (seed -689444197) when the oracle counted the error's own words as a leak.
      { numRuns: 2000, examples: [["essa??!?", "credential=hmac:AK:", "&TAILQX=%zz"]] },
    );
  });
});

describe("an endpoint URL whose password holds an unencoded & (review-tail9 M1)", () => {
  it.each([
    ["demo://b/d/?endpoint=https://u:SEC&RETQX@127.0.0.1:1&location=x", "demo://b/d/?endpoint=https://u:***&***&location=x"],
    ["demo://b/d/?endpoint=https://u:1&RETQX@127.0.0.1:1&location=x", "demo://b/d/?endpoint=https://u:***&***&location=x"],
    ["demo://b/d/?endpoint=https://u:SECRETQX", "demo://b/d/?endpoint=https://u:***"],
    ["demo://b/d/?endpoint=https://u:SEC%40RETQX@127.0.0.1:1", "demo://b/d/?endpoint=https://u:***@127.0.0.1:1"],
  ])("redactConnectionString hides %s", (conn, shown) => {
    expect(redactConnectionString(conn)).toBe(shown);
  });

  it("keeps a host and port", () => {
    const conn = "demo://b/d/?endpoint=https://127.0.0.1:9000&location=x&endpoint=http:h:80/";
    expect(redactConnectionString(conn)).toBe(conn);
  });

  it("parseEndpoint and opening do not quote a port that is no number", () => {
    const { texts } = thrown(() => parseEndpoint("https://u:SECRETQX"));
    expect(texts).toContain("port (not shown)");
    expect(texts).not.toContain("SECRETQX");
    const open = thrown(() => resolveOpenConfig(definition, "demo://b/d/?endpoint=https://u:SEC&RETQX@127.0.0.1:1&location=x", "storager"));
    expect(open.texts).not.toContain("SEC");
    expect(thrown(() => parseEndpoint("https://h:123456")).e.message).toContain('port "123456"');
  });

  it("for random passwords holding ?, #, & and =, redactConnectionString never shows a piece of one", () => {
    const unit = fc.oneof(fc.constantFrom("?", "#", "&", "=", ":", "/", " ", "%40"), fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)).filter((c) => c !== "@"));
    const password = fc.string({ unit, minLength: 4, maxLength: 30 });
    fc.assert(
      fc.property(password, fc.constantFrom("", "&location=x", "&credential=env"), (p, suffix) => {
        const conn = `demo://b-1250000000/?endpoint=https://u:${p}@127.0.0.1:1${suffix}`;
        expect(leaks(redactConnectionString(conn), p, `demo://b-1250000000/?endpoint=https://u:\u0000@127.0.0.1:1${suffix}`)).toEqual([]);
      }),
      { numRuns: 2000 },
    );
  });
});
