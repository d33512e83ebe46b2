import { PART_SIZE_MAXIMUM } from "../multipart/part-plan.js";
import { STORAGE_OPERATIONS } from "../operations.js";
import { definePair, type PairSet } from "./pair-definition.js";
import { dispositionValueProblem, headerTokenProblem, headerValueProblem, httpDateProblem, locationProblem, PADDED_HEADER_VALUE } from "./value-checks.js";

/*
 * Validators take `unknown` so a definition stays assignable to `PairSet`
 * whatever its value type (a `(v: number) => ...` validator would not be).
 */

/** A validator: the value must be a number ≥ `min`. */
function atLeast(min: number): (value: unknown) => string | undefined {
  return (value) => (typeof value === "number" && value >= min ? undefined : `must be at least ${min}`);
}

/**
 * A validator: a part size from 1 byte to {@link PART_SIZE_MAXIMUM} (5 GiB, or what one Buffer
 * holds where that is less): a part is held in one buffer. A service's own largest part is checked
 * against it when the storage opens, and before a write that goes in parts.
 */
function partSizeRange(value: unknown): string | undefined {
  if (typeof value !== "number" || value < 1) return "must be at least 1";
  if (value <= PART_SIZE_MAXIMUM) return undefined;
  const what = PART_SIZE_MAXIMUM === 5 * 1024 ** 3 ? "5 GiB, the largest part any service takes" : "what one Buffer holds in this Node.js";
  return `must be at most ${PART_SIZE_MAXIMUM} (${what}: a part is held in one buffer)`;
}

/** A validator: the value must be a non-empty string. */
function nonEmpty(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? undefined : "must not be empty";
}

/** A validator: the value must be the padded base64 of exactly 16 bytes (an MD5 digest, as in Content-MD5). */
function md5Base64(value: unknown): string | undefined {
  const ok = typeof value === "string" && /^[A-Za-z0-9+/]{22}==$/.test(value) && Buffer.from(value, "base64").toString("base64") === value;
  return ok ? undefined : "must be the padded base64 of a 16-byte MD5 digest";
}

/**
 * A validator: user metadata as every HTTP service can carry it (they send it as headers), so code
 * that works on memory works on a cloud service: names are HTTP tokens (letters, digits and the
 * symbols RFC 9110 allows), values printable ASCII (tabs inside allowed: encode anything else
 * first), not starting or ending with a space or tab (HTTP drops them).
 */
function metadataValues(value: unknown): string | undefined {
  for (const [name, v] of Object.entries(value as Record<string, string>)) {
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) return `key ${JSON.stringify(name)} must be an HTTP token (letters, digits, !#$%&'*+.^_\`|~-)`;
    if (typeof v !== "string" || !/^[\t\x20-\x7e]*$/.test(v)) return `the value of ${JSON.stringify(name)} must be printable ASCII (encode it first)`;
    if (PADDED_HEADER_VALUE.test(v)) return `the value of ${JSON.stringify(name)} must not start or end with a space or tab (HTTP drops them)`;
  }
  return undefined;
}

/** A validator: the value must be a CRC-64 in decimal (0 .. 2^64-1). */
function crc64Decimal(value: unknown): string | undefined {
  const ok = typeof value === "string" && /^\d{1,20}$/.test(value) && BigInt(value) < 1n << 64n;
  return ok ? undefined : "must be a CRC-64 in decimal (0 to 18446744073709551615)";
}

/** A validator: a non-empty header value of printable ASCII, not starting or ending with a space (see {@link headerValueProblem}). */
const headerValue = headerValueProblem;

/**
 * The pairs core defines for every service, keyed by camelCase name (the
 * `name` field is the snake_case form used in connection strings).
 *
 * - Open-time (`new`): `credential`, `endpoint`, `name`, `work_dir`, `location`, `enable_loose_pair`.
 * - Open-time and `write` (open-time values become write defaults): `multipart_threshold`, `part_size`, `concurrency`,
 *   `part_content_md5`.
 * - Call-site: `content_type`, `cache_control`, `content_disposition`, `content_encoding`, `http_expires`,
 *   `content_md5`, `metadata`, `storage_class`, `response_content_type`,
 *   `response_content_disposition`, `response_cache_control`, `response_content_encoding`,
 *   `response_content_language`, `response_expires`, `offset`, `size`,
 *   `multipart_id`, `mode`, `limit`, `token`, `expires`, `index`, `signal`, `on_progress`,
 *   `on_multipart_create`, `days`, `tier` (restore). `content_type`, `cache_control` and `storage_class` are defaultable (`default_content_type`, ...).
 */
export const globalPairs = {
  credential: definePair({
    name: "credential",
    type: "credential",
    description: "Access credential: hmac:<access_key>:<secret_key>[:<security_token>] or env.",
    operations: ["new"],
    secret: true,
  }),
  endpoint: definePair({
    name: "endpoint",
    type: "endpoint",
    description: "Service endpoint: https:<host>[:<port>] or http:<host>[:<port>] (https://host also accepted).",
    operations: ["new"],
  }),
  name: definePair({ name: "name", type: "string", description: "Bucket (or root) name.", operations: ["new"] }),
  workDir: definePair({
    name: "work_dir",
    type: "string",
    description: "Directory every path is relative to: absolute (a relative one is refused), Unix style, default /.",
    operations: ["new"],
  }),
  location: definePair({
    name: "location",
    type: "string",
    description: "Region or zone of the bucket (lower-case letters, digits and hyphens in dot-separated labels: it goes into host names).",
    operations: ["new"],
    validate: locationProblem,
  }),
  enableLoosePair: definePair({
    name: "enable_loose_pair",
    type: "boolean",
    description:
      "Drop options an operation does not support instead of failing with PairUnsupported: in a connection string only pairs the service defines (a global pair, or one of its own) but does not take; a pair the service does not define at all (another driver's, e.g. max_retries or fsync) is still ConnectionStringInvalid. At a call site also another registered driver's pairs; a name no registered service defines (a typo) is still PairUnsupported.",
    operations: ["new"],
  }),
  multipartThreshold: definePair({
    name: "multipart_threshold",
    type: "size",
    description:
      "Bodies larger than this are written with a multipart upload; a body of unknown length (a stream) once more than this has been read from it, a shorter one in one request, which holds it in memory whole. Cut to what one request can carry: the service's single-write limit (writeSizeMaximum: 5 GiB on COS, OSS and QingStor) and what one Buffer holds (4 GiB on Node.js 20), so a larger body goes multipart.",
    operations: ["new", "write"],
  }),
  partSize: definePair({
    name: "part_size",
    type: "size",
    description:
      "Part size of multipart writes (a write that goes in one request does not use it): at most 5 GiB (4 GiB on Node.js 20, what one Buffer holds there) and at most the service's largest part (refused at open above it); raised to the service's smallest part (COS 1 MiB, OSS 100 KiB, QingStor 4 MiB), and as needed to fit the part-count limit when the body's length is known (size, bytes, or the file of a file stream, whose length is a hint); a stream of unknown length holds at most part_size × that limit (78.1 GiB at 8 MiB and 10,000 parts), else fails with InvalidArgument at the part past it.",
    operations: ["new", "write"],
    validate: partSizeRange,
  }),
  concurrency: definePair({
    name: "concurrency",
    type: "integer",
    description: "Parts uploaded at once by a multipart write.",
    operations: ["new", "write"],
    validate: atLeast(1),
  }),
  readConcurrency: definePair({
    name: "read_concurrency",
    type: "integer",
    description: "Ranges of one read fetched at once (default 1: one request); above 1, reads larger than read_part_size go in concurrent ranged requests.",
    operations: ["new", "read"],
    validate: atLeast(1),
  }),
  readPartSize: definePair({
    name: "read_part_size",
    type: "size",
    description: "Range size of a concurrent read (default 8 MiB).",
    operations: ["new", "read"],
    validate: atLeast(1),
  }),
  partContentMd5: definePair({
    name: "part_content_md5",
    type: "boolean",
    description:
      "Send Content-MD5 with each part of a multipart write (default true). false skips hashing parts with MD5 (about 40% of the CPU of an upload, with MD5 in SIMD lanes); each part is still verified by CRC-64 before complete. Ignored (MD5 stays on) where the service returns no CRC-64.",
    operations: ["new", "write"],
    feature: "contentMd5",
  }),
  contentType: definePair({
    name: "content_type",
    type: "string",
    description: "Content-Type stored with the object (or that a presigned write or createMultipart must send).",
    operations: ["write", "createMultipart", "createAppend", "copy", "presign"],
    defaultable: true,
    feature: "contentType",
    validate: headerValue,
  }),
  cacheControl: definePair({
    name: "cache_control",
    type: "string",
    description: "Cache-Control stored with the object and answered with its reads, e.g. public, max-age=86400 (a presigned write or createMultipart returns it among the headers to send, signed where the service signs it).",
    operations: ["write", "createMultipart", "createAppend", "copy", "presign"],
    defaultable: true,
    feature: "cacheControl",
    validate: headerValue,
  }),
  contentDisposition: definePair({
    name: "content_disposition",
    type: "string",
    description: 'Content-Disposition stored with the object and answered with its reads, e.g. attachment; filename="report.pdf" (printable ASCII; a presigned write or createMultipart returns it among the headers to send).',
    operations: ["write", "createMultipart", "createAppend", "copy", "presign"],
    feature: "contentDisposition",
    validate: dispositionValueProblem,
  }),
  contentEncoding: definePair({
    name: "content_encoding",
    type: "string",
    description: "Content-Encoding label of the stored bytes, e.g. gzip: stored and answered as given, the bytes never compressed or decoded (a presigned write or createMultipart returns it among the headers to send).",
    operations: ["write", "createMultipart", "createAppend", "copy", "presign"],
    feature: "contentEncoding",
    validate: headerValue,
  }),
  httpExpires: definePair({
    name: "http_expires",
    type: "string",
    description:
      "Expires header stored with the object and answered with its reads: an HTTP date in IMF-fixdate form, such as Fri, 01 Jan 2027 00:00:00 GMT (other forms are InvalidArgument; a presigned write or createMultipart returns it among the headers to send).",
    operations: ["write", "createMultipart", "createAppend", "copy", "presign"],
    feature: "httpExpires",
    validate: httpDateProblem,
  }),
  contentMd5: definePair({
    name: "content_md5",
    type: "string",
    description: "Base64 MD5 of the body. Checked before sending (and by the service) on a single write; on a write that goes multipart, over the whole body before complete (not with resume_offset).",
    operations: ["write", "writeAppend", "writeMultipart", "presign"],
    validate: md5Base64,
  }),
  metadata: definePair({
    name: "metadata",
    type: "string-map",
    description: "User metadata stored with the object (keys: HTTP tokens, lower-cased; COS and OSS take only letters, digits and - in a key; values: printable ASCII, not starting or ending with a space or tab).",
    operations: ["write", "createMultipart", "createAppend", "copy"],
    feature: "userMetadata",
    validate: metadataValues,
  }),
  storageClass: definePair({
    name: "storage_class",
    type: "string",
    description:
      "Storage class of the object: a service-specific word such as STANDARD_IA (no spaces, control characters or non-ASCII; a presigned write or createMultipart signs it, and the request must send it).",
    operations: ["write", "createDir", "createMultipart", "createAppend", "copy", "presign"],
    defaultable: true,
    feature: "storageClass",
    validate: headerTokenProblem,
  }),
  responseContentType: definePair({
    name: "response_content_type",
    type: "string",
    description: "Content-Type the service answers a presigned read with, instead of the stored one.",
    operations: ["presign"],
    feature: "responseOverrides",
    validate: headerValue,
  }),
  responseContentDisposition: definePair({
    name: "response_content_disposition",
    type: "string",
    description: 'Content-Disposition the service answers a presigned read with (e.g. attachment; filename="report.pdf": browsers save the download under that name).',
    operations: ["presign"],
    feature: "responseOverrides",
    validate: dispositionValueProblem,
  }),
  responseCacheControl: definePair({
    name: "response_cache_control",
    type: "string",
    description: "Cache-Control the service answers a presigned read with, instead of the stored one.",
    operations: ["presign"],
    feature: "responseOverrides",
    validate: headerValue,
  }),
  responseContentEncoding: definePair({
    name: "response_content_encoding",
    type: "string",
    description: "Content-Encoding the service answers a presigned read with, instead of the stored one (a label: the bytes are sent as stored).",
    operations: ["presign"],
    feature: "responseOverrides",
    validate: headerValue,
  }),
  responseContentLanguage: definePair({
    name: "response_content_language",
    type: "string",
    description: "Content-Language the service answers a presigned read with.",
    operations: ["presign"],
    feature: "responseOverrides",
    validate: headerValue,
  }),
  responseExpires: definePair({
    name: "response_expires",
    type: "string",
    description: "Expires header the service answers a presigned read with, instead of the stored one: an HTTP date in IMF-fixdate form, such as Fri, 01 Jan 2027 00:00:00 GMT.",
    operations: ["presign"],
    feature: "responseOverrides",
    validate: httpDateProblem,
  }),
  offset: definePair({
    name: "offset",
    type: "integer",
    description: "First byte to read (presign: signed into the URL only where feature presignBindsSize is true, COS; elsewhere a Range header to send, not a limit).",
    operations: ["read", "presign"],
    validate: atLeast(0),
  }),
  ifMatch: definePair({
    name: "if_match",
    type: "string",
    description: "Stat or read only while the object's ETag is this one (* any object); else Conflict (412).",
    operations: ["stat", "read"],
    feature: "conditionalRead",
    validate: headerValue,
  }),
  ifNoneMatch: definePair({
    name: "if_none_match",
    type: "string",
    description: "Stat or read only when the object's ETag is not this one (* no object); else Conflict (304, not modified).",
    operations: ["stat", "read"],
    feature: "conditionalRead",
    validate: headerValue,
  }),
  ifNotExists: definePair({
    name: "if_not_exists",
    type: "boolean",
    description:
      "Store the object only if none exists at its path (checked atomically by the service; a multipart write: at its completion, after a stat that fails early); otherwise Conflict and nothing changed.",
    operations: ["write", "completeMultipart", "copy", "move"],
    feature: "writeIfNotExists",
  }),
  crc64: definePair({
    name: "crc64",
    type: "string",
    description: "CRC-64/ECMA-182 (decimal) the stored object must have: checked before a single write is sent and before a multipart upload completes.",
    operations: ["write"],
    validate: crc64Decimal,
  }),
  resumeOffset: definePair({
    name: "resume_offset",
    type: "integer",
    description: "With multipart_id: the body holds the object from this byte on, a whole number of parts in; the parts before it are kept as the service holds them (not read again), checked by the CRC-64s the service lists for them: memory, fs and OSS (COS and QingStor list none: InvalidArgument, resume with the whole body).",
    operations: ["write"],
    validate: atLeast(0),
  }),
  size: definePair({
    name: "size",
    type: "integer",
    description:
      "Number of bytes to read or write (presign: signed into the URL only where feature presignBindsSize is true, COS; on OSS and QingStor a Content-Length or Range header to send, not a limit).",
    operations: ["read", "write", "writeAppend", "writeMultipart", "presign"],
    validate: atLeast(0),
  }),
  multipartId: definePair({
    name: "multipart_id",
    type: "string",
    description: "Id of a multipart upload (stat it, abort it, resume a write into it, or presign a step of it: a part's upload, the listing of its parts, its completion or its abort).",
    operations: ["stat", "delete", "write", "presign"],
    validate: nonEmpty,
  }),
  mode: definePair({
    name: "mode",
    type: "string",
    description: "Object or listing mode: dir, prefix or part (each operation accepts its own subset).",
    operations: ["stat", "delete", "list"],
    enum: ["dir", "prefix", "part"],
  }),
  limit: definePair({
    name: "limit",
    type: "integer",
    description:
      "Page size asked of the service (default 1,000): at most its features.limits.listPageMaximum (1,000 on COS, OSS and QingStor; none on memory and fs). A larger limit is cut to it: a page then holds fewer entries than asked, and its token carries on.",
    operations: ["list"],
    validate: atLeast(1),
  }),
  token: definePair({ name: "token", type: "string", description: "Continuation token of a listing.", operations: ["list"] }),
  expires: definePair({
    name: "expires",
    type: "integer",
    description: "Seconds a presigned request stays valid.",
    operations: ["presign"],
    required: ["presign"],
    expected: "a number of seconds (an integer such as 3600, not a string)",
    validate: atLeast(1),
  }),
  startAfter: definePair({
    name: "start_after",
    type: "string",
    description: "List (prefix mode) only the objects whose path sorts after this one.",
    operations: ["list"],
    validate: nonEmpty,
  }),
  index: definePair({
    name: "index",
    type: "integer",
    description: "0-based part index (of a part written, or of a part whose upload is presigned).",
    operations: ["writeMultipart", "presign"],
    required: ["writeMultipart"],
    validate: atLeast(0),
  }),
  signal: definePair({
    name: "signal",
    type: "signal",
    description: "AbortSignal that cancels the call.",
    operations: STORAGE_OPERATIONS,
  }),
  onProgress: definePair({
    name: "on_progress",
    type: "function",
    description: "Called with { bytes, total } as bytes move (copy, move and fetch: as the service copies or fetches them, and once with the final size).",
    operations: ["read", "write", "writeAppend", "writeMultipart", "copy", "move", "fetch"],
  }),
  onObject: definePair({
    name: "on_object",
    type: "function",
    description: "Called once with what the read's answer says of the object (an ObjectInfo: type, metadata, ...), before its first byte; undefined when it describes none.",
    operations: ["read"],
  }),
  days: definePair({
    name: "days",
    type: "integer",
    description: "Days a restored archived object stays readable (default 1; at most the service's restoreDaysMaximum and what the object's class allows).",
    operations: ["restore"],
    feature: "restore",
    expected: "a whole number of days, at least 1",
    validate: atLeast(1),
  }),
  tier: definePair({
    name: "tier",
    type: "string",
    description: "Restore speed of an archived object: Expedited, Standard or Bulk; without it, Standard where the object's class takes a tier. A class may take fewer (OSS Archive none at all, OSS DeepColdArchive no Bulk, COS DEEP_ARCHIVE no Expedited: InvalidArgument, see the service pages).",
    operations: ["restore"],
    feature: "restore",
    enum: ["Expedited", "Standard", "Bulk"],
  }),
  onMultipartCreate: definePair({
    name: "on_multipart_create",
    type: "function",
    description: "Called once with the upload id when a write goes multipart; no part is sent before it returns (or its promise resolves).",
    operations: ["write"],
  }),
} as const satisfies PairSet;
