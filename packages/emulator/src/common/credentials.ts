import { timingSafeEqual } from "node:crypto";
import type { CredentialEntry } from "../server/front-end.js";
import { ProtocolError } from "./protocol-error.js";

/**
 * Looks up an access key.
 * @throws ProtocolError `InvalidAccessKeyId`
 */
export function lookupCredential(all: ReadonlyMap<string, CredentialEntry>, accessKey: string): CredentialEntry {
  const c = all.get(accessKey);
  if (c === undefined) throw new ProtocolError("InvalidAccessKeyId", "The access key Id you provided does not exist in our records.");
  return c;
}

/**
 * Checks the security token a request carries against the credential's.
 * @throws ProtocolError `AccessDenied` / `InvalidAccessKeyId`
 */
export function checkSecurityToken(c: CredentialEntry, token: string | undefined): void {
  if (c.securityToken === undefined) return;
  if (token === undefined) throw new ProtocolError("AccessDenied", "The security token is missing.");
  if (!safeEqual(token, c.securityToken)) throw new ProtocolError("InvalidAccessKeyId", "The security token you provided is invalid.");
}

/** Constant-time string comparison. */
export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
