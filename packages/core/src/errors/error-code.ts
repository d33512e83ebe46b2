/**
 * Every failure Stowage reports carries one of these codes. They are stable
 * strings: compare with `isStorageError(e, "ObjectNotExist")`, never with messages.
 */
export const ErrorCode = {
  /** The object (or bucket, or multipart upload) does not exist. */
  ObjectNotExist: "ObjectNotExist",
  /** The service refused the credential, the signature or the operation. */
  PermissionDenied: "PermissionDenied",
  /** The storage cannot do this operation at all (see `features`). */
  CapabilityInsufficient: "CapabilityInsufficient",
  /** An option (pair) is unknown or not accepted by this operation on this service. */
  PairUnsupported: "PairUnsupported",
  /** A required option (pair) is missing. */
  PairRequired: "PairRequired",
  /** A connection string could not be parsed. */
  ConnectionStringInvalid: "ConnectionStringInvalid",
  /** No driver is registered for this scheme: install and import its package. */
  ServiceNotRegistered: "ServiceNotRegistered",
  /** The object has the wrong mode for this operation (e.g. copying onto a directory). */
  ObjectModeInvalid: "ObjectModeInvalid",
  /** An argument or option value is invalid (bad path, negative size, wrong type...). */
  InvalidArgument: "InvalidArgument",
  /** The request conflicts with the object's state (append position, bucket not empty...). */
  Conflict: "Conflict",
  /** Bytes or checksums did not match what was sent or promised. */
  IntegrityMismatch: "IntegrityMismatch",
  /** The service asked us to slow down (429, a 503 naming no other code, SlowDown and other throttling codes). Retryable. */
  RequestThrottled: "RequestThrottled",
  /** The service failed (5xx). Retryable. */
  ServiceInternal: "ServiceInternal",
  /** The caller aborted the operation through its AbortSignal. */
  Aborted: "Aborted",
  /** Anything else; `cause` holds the original error. */
  Unexpected: "Unexpected",
} as const;

/** One of the {@link ErrorCode} strings. */
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** Codes that a retry layer may try again by default. */
export const RETRYABLE_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  ErrorCode.RequestThrottled,
  ErrorCode.ServiceInternal,
]);
