import type { AttributeNames } from "../common/object-attributes.js";
import { LETTERS_DIGITS_HYPHEN, standardObjectHeaders } from "../common/object-attributes.js";
import { ProtocolError } from "../common/protocol-error.js";
import { restoreHeaderValue, restorePhase } from "../common/restore-state.js";
import { quoteEtag } from "../common/responses.js";
import { readSseC } from "../common/sse-c.js";
import type { Exchange } from "../server/exchange.js";
import { header } from "../server/exchange.js";
import type { StoredObject, StoredSse } from "../store/types.js";

/**
 * COS attribute header names and limits. The storage classes are those COS's pages list for
 * `x-cos-storage-class` (the CAM condition key `cos:x-cos-storage-class`, the storage class overview),
 * spelled as listed; ARCHIVE and DEEP_ARCHIVE objects must be restored before a GET or a copy. A
 * user metadata name takes letters, digits and `-` only (PUT Object and Initiate Multipart Upload
 * pages: no underscore or other character); the pages name no error code for it: 400
 * `InvalidArgument` is an assumption.
 */
export const COS_ATTRIBUTES: AttributeNames = {
  metaPrefix: "x-cos-meta-",
  storageClassHeader: "x-cos-storage-class",
  defaultStorageClass: "STANDARD",
  maxMetadataBytes: 2048,
  checkMetadataName: (name) => {
    if (!LETTERS_DIGITS_HYPHEN.test(name)) {
      throw new ProtocolError("InvalidArgument", `The user metadata name x-cos-meta-${name} is not valid: its suffix takes letters, digits and hyphens only.`, {
        ArgumentName: `x-cos-meta-${name}`,
      });
    }
  },
  storageClasses: ["STANDARD", "STANDARD_IA", "ARCHIVE", "DEEP_ARCHIVE", "INTELLIGENT_TIERING", "MAZ_STANDARD", "MAZ_STANDARD_IA", "MAZ_INTELLIGENT_TIERING"],
  archive: { classes: ["ARCHIVE", "DEEP_ARCHIVE"], message: "The operation is not valid for the object's storage class" },
};

/** COS SSE-C request header prefix. */
export const COS_SSEC = "x-cos-server-side-encryption-customer-";
/** COS SSE-C copy-source header prefix. */
export const COS_COPY_SSEC = "x-cos-copy-source-server-side-encryption-customer-";
/** COS CRC-64 header. */
export const COS_CRC = "x-cos-hash-crc64ecma";

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}(?:==)?|[A-Za-z0-9+/]{3}=?)?$/;

/**
 * Checks `x-cos-server-side-encryption-context`: base64 of a JSON object.
 * @throws ProtocolError `InvalidArgument`
 */
export function checkCosKmsContext(value: string | undefined): void {
  if (value === undefined) return;
  let parsed: unknown;
  try {
    if (value === "" || !BASE64.test(value)) throw new Error("not base64");
    parsed = JSON.parse(Buffer.from(value, "base64").toString("utf8"));
  } catch {
    parsed = undefined;
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new ProtocolError("InvalidArgument", "x-cos-server-side-encryption-context must be the base64 encoding of a JSON object.");
  }
}

/** The SSE-COS / SSE-KMS request headers (not SSE-C). */
const COS_SSE = "x-cos-server-side-encryption";
const COS_KMS_KEY_ID = "x-cos-server-side-encryption-cos-kms-key-id";
const COS_KMS_CONTEXT = "x-cos-server-side-encryption-context";

/**
 * Reads the SSE a write asks for: SSE-C (only the key MD5 is kept) or
 * `x-cos-server-side-encryption` (AES256, SM4, cos/kms). A KMS key id or context is valid only
 * with `cos/kms` (`protocols.md` §1.6). SSE-C and SSE-KMS objects get an ETag that is not the
 * content MD5, as COS documents.
 * @throws ProtocolError `InvalidArgument` (also for a KMS context that is not base64 JSON, or a KMS key id or context without cos/kms), `InsecureTransport` (SSE-C over http)
 */
export function readCosSse(ex: Exchange): StoredSse | undefined {
  const alg = header(ex, COS_SSE);
  const keyId = header(ex, COS_KMS_KEY_ID);
  const context = header(ex, COS_KMS_CONTEXT);
  if ((keyId !== undefined || context !== undefined) && alg !== "cos/kms") {
    throw new ProtocolError("InvalidArgument", `${COS_KMS_KEY_ID} and ${COS_KMS_CONTEXT} are valid only with ${COS_SSE}: cos/kms.`);
  }
  checkCosKmsContext(context);
  const c = readSseC(ex, COS_SSEC);
  if (c !== undefined) return { algorithm: c.algorithm, customerKeyMd5: c.keyMd5, sealedEtag: true };
  if (alg === undefined) return undefined;
  if (!["AES256", "SM4", "cos/kms"].includes(alg)) throw new ProtocolError("InvalidArgument", "The server side encryption algorithm is not supported.");
  const sse: StoredSse = { algorithm: alg, kmsKeyId: keyId };
  if (alg === "cos/kms") sse.sealedEtag = true;
  return sse;
}

/**
 * Refuses the SSE-COS / SSE-KMS headers (`x-cos-server-side-encryption`, its KMS key id and context)
 * on a request that creates nothing to encrypt: GET and HEAD Object (COS documents that the header
 * must not be sent on a download: the object is decrypted whatever it says), and APPEND Object
 * (`what`: appendable objects are not encrypted; SSE-C on APPEND is refused alike). SSE-C headers
 * are not concerned: reads of an SSE-C object need them. 400 `InvalidArgument`: COS documents
 * the rule, the code is an assumption.
 * @throws ProtocolError `InvalidArgument`
 */
export function refuseCosServerSse(ex: Exchange, what: string): void {
  for (const name of [COS_SSE, COS_KMS_KEY_ID, COS_KMS_CONTEXT]) {
    if (header(ex, name) !== undefined) throw new ProtocolError("InvalidArgument", `${name} is not valid on ${what}.`);
  }
}

/** SSE response headers for a stored object. */
export function cosSseHeaders(sse: StoredSse | undefined): Record<string, string> {
  if (sse === undefined) return {};
  if (sse.customerKeyMd5 !== undefined) {
    return { "x-cos-server-side-encryption-customer-algorithm": sse.algorithm, "x-cos-server-side-encryption-customer-key-md5": sse.customerKeyMd5 };
  }
  const h: Record<string, string> = { "x-cos-server-side-encryption": sse.algorithm };
  if (sse.kmsKeyId) h["x-cos-server-side-encryption-cos-kms-key-id"] = sse.kmsKeyId;
  return h;
}

/**
 * Headers of an object on GET/HEAD. `appendableCrc64` false leaves the CRC-64 out for appendable
 * objects (whether COS gives one for them is not documented; see `cosAppendableCrc64`). An archived
 * object's restore at `now` (COS's HEAD Object page): `x-cos-restore` (`ongoing-request="true"`, or
 * `"false"` with the copy's `expiry-date`), and while it is under way `x-cos-restore-status`
 * (`tier="bulk"; request-date="<HTTP date>"`, the tier in lower case as in COS's example).
 */
export function cosObjectHeaders(o: StoredObject, appendableCrc64 = true, now?: number): Record<string, string> {
  const h = standardObjectHeaders(o, COS_ATTRIBUTES.metaPrefix, quoteEtag(o.etag));
  h["x-cos-object-type"] = o.kind === "appendable" ? "appendable" : "normal";
  h["x-cos-storage-class"] = o.storageClass;
  const restore = now === undefined ? undefined : restoreHeaderValue(o, now);
  if (restore !== undefined) h["x-cos-restore"] = restore;
  if (now !== undefined && restorePhase(o, now) === "ongoing") {
    h["x-cos-restore-status"] = `tier="${o.restore!.tier.toLowerCase()}"; request-date="${new Date(o.restore!.requestedAt).toUTCString()}"`;
  }
  if (o.crc64 !== undefined && (o.kind !== "appendable" || appendableCrc64)) h[COS_CRC] = o.crc64;
  if (o.kind === "appendable") h["x-cos-next-append-position"] = String(o.size);
  return { ...h, ...cosSseHeaders(o.sse) };
}
