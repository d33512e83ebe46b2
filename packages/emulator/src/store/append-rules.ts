import { createHash } from "node:crypto";
import { crc64Combine } from "@stowage/core";
import { ProtocolError } from "../common/protocol-error.js";
import type { ReceivedBody, StoredObject } from "./types.js";

/**
 * Refuses an append at `position` onto `existing` (undefined: no object).
 * @throws ProtocolError `NotAppendable` (a normal object), `PositionMismatch` (`position` is not its length)
 */
export function refuseAppend(existing: StoredObject | undefined, position: number): void {
  if (existing !== undefined && existing.kind !== "appendable") {
    throw new ProtocolError("NotAppendable", "The object is not appendable.");
  }
  const length = existing?.size ?? 0;
  if (position !== length) {
    throw new ProtocolError("PositionMismatch", "Position is not equal to file length.", { NextAppendPosition: String(length) });
  }
}

/**
 * What appendable object `old` becomes with `body` appended: its size grows, its CRC-64 is
 * combined with the body's (when both are known), its ETag is the MD5 of its old ETag and the
 * body's MD5 (else `fakeEtag()`: discard mode), and it no longer has a content MD5. Its
 * `lastModified` is left to the caller (the time the bytes are stored).
 */
export function appendedObject(old: StoredObject, body: ReceivedBody, fakeEtag: () => string): StoredObject {
  const crc = old.crc64 !== undefined && body.crc64 !== undefined ? crc64Combine(BigInt(old.crc64), body.crc64, body.size).toString() : undefined;
  const etag = body.md5 ? createHash("md5").update(old.etag).update(body.md5).digest("hex") : fakeEtag();
  return { ...old, size: old.size + body.size, etag, contentMd5: undefined, crc64: crc };
}
