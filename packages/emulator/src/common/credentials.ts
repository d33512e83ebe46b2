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
 * Checks the security token a request carries against the credential's: a key with a token needs
 * that token; a key without one takes none (a token sent with a long-term key is not the key's: OSS
 * documents this refusal as EC 0002-00000002, an STS request whose AccessKey ID is not the token's;
 * COS and QingStor are assumed to refuse it alike).
 * @throws ProtocolError `AccessDenied` (token missing), `InvalidAccessKeyId` (another token, or one the key has none of)
 */
export function checkSecurityToken(c: CredentialEntry, token: string | undefined): void {
  if (c.securityToken === undefined) {
    if (token !== undefined) throw new ProtocolError("InvalidAccessKeyId", "The security token you provided does not belong to this access key.");
    return;
  }
  if (token === undefined) throw new ProtocolError("AccessDenied", "The security token is missing.");
  if (!safeEqual(token, c.securityToken)) throw new ProtocolError("InvalidAccessKeyId", "The security token you provided is invalid.");
}

/** Constant-time string comparison. */
export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
