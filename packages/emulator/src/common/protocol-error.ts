/**
 * Provider-neutral failure kinds. Each front-end maps a kind to its own
 * status, error code and body (see `cos/errors.ts`, `oss/errors.ts`,
 * `qingstor/errors.ts`).
 */
export type ProtocolErrorKind =
  | "AccessDenied"
  | "BadDigest"
  | "BucketAlreadyExists"
  | "BucketNotEmpty"
  | "EntityTooLarge"
  | "EntityTooSmall"
  | "FileAlreadyExists"
  | "InsecureTransport"
  | "InternalError"
  | "InvalidAccessKeyId"
  | "InvalidArgument"
  | "InvalidBucketName"
  | "InvalidCopySource"
  | "InvalidObjectName"
  | "InvalidObjectState"
  | "InvalidPart"
  | "InvalidPartOrder"
  | "InvalidRange"
  | "InvalidStorageClass"
  | "KeyTooLong"
  | "MalformedDigest"
  | "MalformedBody"
  | "MethodNotAllowed"
  | "MissingContentMd5"
  | "NoSuchBucket"
  | "NoSuchKey"
  | "NoSuchUpload"
  | "NotAppendable"
  | "NotImplemented"
  | "NotModified"
  | "PositionMismatch"
  | "PreconditionFailed"
  | "RequestExpired"
  | "RestoreAlreadyInProgress"
  | "ServiceUnavailable"
  | "SignatureMismatch"
  | "SseKeyMismatch"
  | "SseKeyMissing"
  | "Throttled"
  | "TimeSkewed";

/**
 * A request the emulator refuses, in provider-neutral terms. It is internal:
 * the request handler turns it into the provider's error response and it never
 * reaches callers of the JS API.
 */
export class ProtocolError extends Error {
  override readonly name = "ProtocolError";

  /**
   * @param kind what went wrong, mapped per provider
   * @param message human-readable detail for the error body (no secrets)
   * @param extra provider-specific fields for the error body (e.g. `StringToSign`)
   * @param headers response headers the answer carries whatever the provider (e.g. the `ETag` of a
   *   304, the `Content-Range` of a 416), lowercase names
   */
  constructor(
    readonly kind: ProtocolErrorKind,
    message: string,
    readonly extra: Readonly<Record<string, string>> = {},
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
  }
}

/** True when `e` is a {@link ProtocolError}. */
export function isProtocolError(e: unknown): e is ProtocolError {
  return e instanceof ProtocolError;
}
