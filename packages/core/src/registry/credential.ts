import { ErrorCode } from "../errors/error-code.js";
import { storageError } from "../errors/storage-error.js";

/**
 * A parsed `credential` pair.
 * - `hmac:<access_key>:<secret_key>[:<security_token>]` — the secret may contain `:` only if a token follows.
 * - `env` — the driver reads its own environment variables.
 */
export type Credential =
  | { protocol: "hmac"; accessKey: string; secretKey: string; securityToken?: string }
  | { protocol: "env" };

// Worded so that redactSecrets (which hides anything shaped like hmac:x:y) leaves it readable.
const FORMS = 'expected "env" or "hmac" followed by :<access_key>:<secret_key>[:<security_token>]';

function invalid(message: string): never {
  throw storageError(ErrorCode.InvalidArgument, `invalid credential (${message})`);
}

/**
 * Parses a credential string (see {@link Credential}). The protocol is
 * case-insensitive. With four or more `:`-separated parts the last one is the
 * security token and the secret key is everything between the access key and it.
 * Messages may name the protocol and the access key, never the secret key or token.
 * @throws InvalidArgument for a non-string, an unknown protocol or missing/empty parts.
 */
export function parseCredential(text: string): Credential {
  if (typeof text !== "string") invalid(`must be a string, ${FORMS}`);
  if (text === "") invalid(`empty, ${FORMS}`);
  const colon = text.indexOf(":");
  const protocol = (colon < 0 ? text : text.slice(0, colon)).toLowerCase();
  if (protocol === "env") {
    if (colon >= 0) invalid("the env protocol takes no values");
    return { protocol: "env" };
  }
  if (protocol !== "hmac") {
    // Without a ':' the whole text may be a bare secret: do not show it. Nor a longer word: it is
    // likely an access key given without "hmac:" (access key ids are 20 characters or more).
    const shown = colon >= 0 && /^[a-z][a-z0-9+._-]{0,11}$/.test(protocol) ? `"${protocol}"` : "in the value";
    invalid(`unsupported protocol ${shown}, ${FORMS}`);
  }
  if (colon < 0) invalid(`hmac needs an access key and a secret key, ${FORMS}`);
  const parts = text.slice(colon + 1).split(":");
  const accessKey = parts[0] ?? "";
  if (accessKey === "") invalid(`hmac has an empty access key, ${FORMS}`);
  // With a single value we cannot tell an access key from a secret: show neither.
  if (parts.length < 2) invalid(`hmac has only one value, the secret key is missing, ${FORMS}`);
  if (parts.length === 2) {
    const secretKey = parts[1] ?? "";
    if (secretKey === "") invalid(`hmac access key "${accessKey}" has an empty secret key`);
    return { protocol: "hmac", accessKey, secretKey };
  }
  const securityToken = parts[parts.length - 1] ?? "";
  const secretKey = parts.slice(1, -1).join(":");
  if (secretKey === "") invalid(`hmac access key "${accessKey}" has an empty secret key`);
  if (securityToken === "") invalid(`hmac access key "${accessKey}" has an empty security token`);
  return { protocol: "hmac", accessKey, secretKey, securityToken };
}
