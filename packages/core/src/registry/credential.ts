import { ErrorCode } from "../errors/error-code.js";
import { storageError } from "../errors/storage-error.js";
import { hasHeaderUnsafeCharacters } from "./credential-characters.js";

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
 * Refuses hmac parts holding characters no request header can carry (control characters such as
 * a line break pasted with a token, or characters beyond Latin-1): the access key and the token go
 * into headers or URLs, and requests would otherwise fail only when sent. The access key is named
 * only when it is itself clean; the secret key and token never are.
 * @throws InvalidArgument naming the part.
 */
export function checkHmacCharacters(accessKey: string, secretKey: string, securityToken: string | undefined): void {
  const unsafe = "control characters or characters beyond Latin-1 (a line break copied with it?)";
  if (hasHeaderUnsafeCharacters(accessKey)) invalid(`hmac has an access key with ${unsafe}`);
  if (hasHeaderUnsafeCharacters(secretKey)) invalid(`hmac access key "${accessKey}" has a secret key with ${unsafe}`);
  if (securityToken !== undefined && hasHeaderUnsafeCharacters(securityToken)) invalid(`hmac access key "${accessKey}" has a security token with ${unsafe}`);
}

/**
 * Parses a credential string (see {@link Credential}). The protocol is
 * case-insensitive. With four or more `:`-separated parts the last one is the
 * security token and the secret key is everything between the access key and it.
 * Messages may name the protocol and the access key, never the secret key or token.
 * @throws InvalidArgument for a non-string, an unknown protocol, missing/empty parts, or parts
 *   with characters no header can carry (see {@link checkHmacCharacters}).
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
    checkHmacCharacters(accessKey, secretKey, undefined);
    return { protocol: "hmac", accessKey, secretKey };
  }
  const securityToken = parts[parts.length - 1] ?? "";
  const secretKey = parts.slice(1, -1).join(":");
  if (secretKey === "") invalid(`hmac access key "${accessKey}" has an empty secret key`);
  if (securityToken === "") invalid(`hmac access key "${accessKey}" has an empty security token`);
  checkHmacCharacters(accessKey, secretKey, securityToken);
  return { protocol: "hmac", accessKey, secretKey, securityToken };
}
