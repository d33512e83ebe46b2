import { createHash } from "node:crypto";
import type { Exchange } from "../server/exchange.js";
import { header } from "../server/exchange.js";
import type { StoredSse } from "../store/types.js";
import { ProtocolError } from "./protocol-error.js";

/** A validated SSE-C key as presented by a request (only its MD5 is kept). */
export interface PresentedSseC {
  algorithm: string;
  keyMd5: string;
}

/**
 * Reads `<prefix>algorithm`, `<prefix>key`, `<prefix>key-md5` (e.g. prefix
 * `x-cos-server-side-encryption-customer-`). Returns `undefined` when none is
 * sent. All three are required, as COS (`protocols.md` §1.6) and QingStor (§3.6)
 * list them.
 * @throws ProtocolError `InsecureTransport` when sent over plain http (see {@link Exchange.sseCAllowed}); `InvalidArgument` when one of the three is missing, not AES256, not a 256-bit key, or the MD5 does not match
 */
export function readSseC(ex: Exchange, prefix: string): PresentedSseC | undefined {
  const algorithm = header(ex, `${prefix}algorithm`);
  const key = header(ex, `${prefix}key`);
  const keyMd5 = header(ex, `${prefix}key-md5`);
  if (algorithm === undefined && key === undefined && keyMd5 === undefined) return undefined;
  if (!ex.sseCAllowed) throw new ProtocolError("InsecureTransport", "Server Side Encryption with Customer provided keys requires HTTPS.");
  if (algorithm === undefined || key === undefined || keyMd5 === undefined) {
    throw new ProtocolError("InvalidArgument", "Requests specifying Server Side Encryption with Customer provided keys must provide the algorithm, the key and the key MD5.");
  }
  if (algorithm !== "AES256") throw new ProtocolError("InvalidArgument", "The encryption algorithm must be AES256.");
  const raw = Buffer.from(key, "base64");
  if (raw.length !== 32) throw new ProtocolError("InvalidArgument", "The secret key was invalid for the specified algorithm.");
  const md5 = createHash("md5").update(raw).digest("base64");
  if (keyMd5 !== md5) {
    throw new ProtocolError("InvalidArgument", "The calculated MD5 hash of the key did not match the hash that was provided.");
  }
  return { algorithm, keyMd5: md5 };
}

/**
 * Checks the key presented for reading an object against what was stored.
 * @throws ProtocolError `SseKeyMissing` (encrypted object, no key), `SseKeyMismatch` (wrong key), `InvalidArgument` (key for a plain object)
 */
export function checkSseCRead(stored: StoredSse | undefined, given: PresentedSseC | undefined): void {
  const want = stored?.customerKeyMd5;
  if (want === undefined) {
    if (given !== undefined) throw new ProtocolError("InvalidArgument", "The encryption parameters are not applicable to this object.");
    return;
  }
  if (given === undefined) {
    throw new ProtocolError("SseKeyMissing", "The object was stored using a form of Server Side Encryption. The correct parameters must be provided to retrieve the object.");
  }
  if (given.keyMd5 !== want) throw new ProtocolError("SseKeyMismatch", "The provided encryption key does not match the key used to encrypt the object.");
}
