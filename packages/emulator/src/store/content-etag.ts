import { createHash } from "node:crypto";
import type { StoredSse } from "./types.js";

/**
 * The ETag of stored bytes whose MD5 is `md5`: the lowercase hex MD5, except
 * for SSE whose provider documents that the ETag is then not the MD5 of the
 * content (`sse.sealedEtag`: COS SSE-C and SSE-KMS, QingStor SSE-C). Those get
 * the MD5 of the key's identity (SSE-C key MD5, or the KMS key id) followed by
 * the content MD5: stable for the same bytes and key, and never the plain MD5.
 */
export function contentEtag(md5: Buffer, sse: StoredSse | undefined): string {
  if (sse?.sealedEtag !== true) return md5.toString("hex");
  const keyIdentity = sse.customerKeyMd5 !== undefined ? `sse-c:${sse.customerKeyMd5}` : `kms:${sse.kmsKeyId ?? ""}`;
  return createHash("md5").update(keyIdentity).update(md5).digest("hex");
}
