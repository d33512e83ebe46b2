/**
 * Stowage's own format hints for a credential (`hmac:<access_key>:<secret_key>[:<security_token>]`,
 * `(hmac:<secret_id>:<secret_key> or env)`) hold placeholders, not values: they survive redaction
 * whole, while a real key pair written anywhere near them, or a value in a placeholder's place,
 * is still hidden.
 */
import { describe, expect, it } from "@jest/globals";
import { redactSecrets } from "../src/errors/redact.js";
import { parsePairValue } from "../src/pairs/parse-value.js";
import { globalPairs } from "../src/pairs/global-pairs.js";
import { isStorageError } from "../src/errors/storage-error.js";

const SECRET = "S3cr3tValue99";

describe("redactSecrets keeps Stowage's own credential format hints", () => {
  it.each([
    'COS needs pair "credential" (hmac:<secret_id>:<secret_key> or env) or "credential_provider"',
    'OSS needs pair "credential" (hmac:<access_key_id>:<access_key_secret> or env) or "credential_provider"',
    'QingStor needs pair "credential" (hmac:<access_key_id>:<secret_access_key> or env)',
    'expected "env" or "hmac" followed by :<access_key>:<secret_key>[:<security_token>]',
    'invalid credential (hmac has only one value, the secret key is missing, expected "env" or "hmac" followed by :<access_key>:<secret_key>[:<security_token>])',
    "Access credential: hmac:<access_key>:<secret_key>[:<security_token>] or env.",
    "give credential=hmac:<access_key>:<secret_key> in the connection string",
  ])("%s", (text) => {
    expect(redactSecrets(text)).toBe(text);
  });

  it("the message of a credential with one value keeps its hint whole", () => {
    let thrown: unknown;
    try {
      parsePairValue(globalPairs.credential, "hmac:AK");
    } catch (e) {
      thrown = e;
    }
    expect(isStorageError(thrown) && thrown.detail).toMatch(/followed by :<access_key>:<secret_key>\[:<security_token>\]\)$/);
  });
});

describe("redactSecrets still hides values beside or in place of placeholders", () => {
  it.each([
    [`hmac:<access_key>:${SECRET}`, "hmac:***"],
    [`hmac:AKID:<secret_key>`, "hmac:***"],
    [`hmac:<access_key>:<secret_key>${SECRET}`, "hmac:***"],
    [`hmac:<access_key>:<secret_key>:${SECRET}`, "hmac:***"],
    [`credential=hmac:<access_key>:${SECRET}`, "credential=hmac:***"],
    [`a:<security_token>${SECRET}`, "a:<security_token>***"],
    [`x <security_token>${SECRET}`, "x <security_token>***"],
    [`:<security_token>${SECRET}</security_token>`, ":<security_token>***</security_token>"],
    [`:<token>])</token>`, ":<token>***</token>"],
  ])("%s", (text, redacted) => {
    expect(redactSecrets(text)).toBe(redacted);
  });

  it("a real key pair after a hint is hidden, the hint kept", () => {
    const text = `expected hmac:<access_key>:<secret_key>, got hmac:AKID:${SECRET}`;
    expect(redactSecrets(text)).toBe("expected hmac:<access_key>:<secret_key>, got hmac:***");
  });
});
