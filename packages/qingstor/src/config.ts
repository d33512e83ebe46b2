import { definePair, httpPairs, virtualDirPair, type ExtraOptionsOf, type PairSet } from "@stowage/core";

/** The connection-string scheme: `qingstor://<bucket>/<work_dir>?...`. */
export const QINGSTOR_TYPE = "qingstor";

/** The npm package that registers {@link QINGSTOR_TYPE}. */
export const QINGSTOR_PACKAGE = "@stowage/qingstor";

/** One-line description shown in registries and docs. */
export const QINGSTOR_DESCRIPTION = "QingStor object storage over its REST/JSON API, MD5-verified, with multipart, append, copy, move, fetch and SSE-C.";

/** The storage classes QingStor knows. */
export const QINGSTOR_STORAGE_CLASSES = ["STANDARD", "STANDARD_IA"] as const;

function bytes32(value: unknown): string | undefined {
  return Buffer.isBuffer(value) && value.length === 32 ? undefined : "must be exactly 32 bytes (an AES-256 key)";
}

/** A validator: the padded base64 of a 16-byte MD5 digest (24 characters), as the key-MD5 header carries it. */
function base64Md5(value: unknown): string | undefined {
  return typeof value === "string" && /^[A-Za-z0-9+/]{21}[AQgw]==$/.test(value) ? undefined : "must be the base64 of a 16-byte MD5 digest (24 characters ending in ==)";
}

/** Operations that send the object's SSE-C key (QingStor wants it on PUT, GET, HEAD, Initiate, Upload Part and Complete). */
// move: the HEADs of the source before the rename (key first, then none) and of the destination that judge a lost answer; the rename sends no key.
const SSE_C_OPS = ["new", "stat", "read", "write", "copy", "move", "createLink", "createMultipart", "writeMultipart", "completeMultipart", "presign"] as const;
const COPY_SOURCE_OPS = ["new", "copy"] as const;

/**
 * The QingStor driver's own pairs (global ones — credential, endpoint, name,
 * work_dir, location, storage_class, content_type... — come from core), keyed
 * by camelCase name, with go-storage's names (`go-storage.md` §3.6). The HTTP
 * tuning pairs of core (`max_retries`, `request_timeout`, `tls_ca`, ...) are included.
 */
export const qingstorPairs = {
  ...httpPairs,
  enableVirtualDir: virtualDirPair,
  integrity: definePair({
    name: "integrity",
    type: "boolean",
    description: "Send Content-MD5, check the MD5 ETags QingStor returns on writes, parts, copies and whole reads, and check whole reads of multipart objects against the CRC-64 of their Stowage CRC ETag (default true).",
    operations: ["new"],
  }),
  enableVirtualLink: definePair({
    name: "enable_virtual_link",
    type: "boolean",
    description:
      "Virtual symbolic links (go-storage's virtual_link, default false): createLink writes a zero-byte object with metadata x-qs-meta-bs-link-target; stat and list report it as a link, read and copy follow it.",
    operations: ["new"],
  }),
  disableUriCleaning: definePair({
    name: "disable_uri_cleaning",
    type: "boolean",
    description: "Accepted for go-storage connection strings and ignored: the driver never cleans request paths (core refuses //, . and .. segments; keys travel byte-exact).",
    operations: ["new"],
  }),
  encryptionCustomerAlgorithm: definePair({
    name: "encryption_customer_algorithm",
    type: "string",
    description: "SSE-C algorithm; AES256 (the default when a customer key is given).",
    operations: SSE_C_OPS,
    enum: ["AES256"],
  }),
  encryptionCustomerKey: definePair({
    name: "encryption_customer_key",
    type: "bytes",
    description: "SSE-C: the 32-byte AES-256 key (base64 in connection strings). Needs https. Given at open time it applies to every operation that takes it.",
    operations: SSE_C_OPS,
    validate: bytes32,
    secret: true,
  }),
  copySourceEncryptionCustomerAlgorithm: definePair({
    name: "copy_source_encryption_customer_algorithm",
    type: "string",
    description: "SSE-C algorithm of the copy source; AES256.",
    operations: COPY_SOURCE_OPS,
    enum: ["AES256"],
  }),
  copySourceEncryptionCustomerKey: definePair({
    name: "copy_source_encryption_customer_key",
    type: "bytes",
    description: "SSE-C: the 32-byte key the copy source was written with. Needs https. Given at a call site with another value than the open-time one, the open-time key MD5 does not apply.",
    operations: COPY_SOURCE_OPS,
    validate: bytes32,
    secret: true,
    replacesDefaults: ["copySourceEncryptionCustomerKeyMd5"],
  }),
  copySourceEncryptionCustomerKeyMd5: definePair({
    name: "copy_source_encryption_customer_key_md5",
    type: "string",
    description:
      "SSE-C: the base64 MD5 of copy_source_encryption_customer_key (go-storage's pair; the driver computes it anyway). Given, it must be that key's MD5, and the key must be given too: InvalidArgument before anything is sent.",
    operations: COPY_SOURCE_OPS,
    validate: base64Md5,
    secret: true,
  }),
} as const satisfies PairSet;

/**
 * Per-operation options the QingStor driver adds, for `Storager<QingStorOptions>`:
 * `store.write(p, body, { encryptionCustomerKey: key })`.
 */
export type QingStorOptions = ExtraOptionsOf<typeof qingstorPairs>;
