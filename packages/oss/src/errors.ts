import { bareStatusHint, ErrorCode, errorCodeForStatus, foreignBodyHint, ownEntry, storageError, type BufferedResponse, type StorageError } from "@stowage/core";
import { isOssCredentialRejection } from "./credentials.js";
import type { OssErrorBody } from "./responses.js";

/**
 * OSS error codes and the StorageError code each becomes. A read through a
 * symlink whose target is missing (`SymlinkTargetNotExist`) or is a symlink
 * too (`InvalidTargetType`: OSS follows one link only) finds no object. Codes not listed
 * fall back to the HTTP status (404 → ObjectNotExist, 403 → PermissionDenied,
 * 409/412 → Conflict, 304 → Conflict (not modified: an `If-None-Match` that did not hold),
 * 429/503 → RequestThrottled, 501 → CapabilityInsufficient, other 5xx, 408 and 425 → ServiceInternal,
 * 400/405/411/413/414/416/431 → InvalidArgument, other statuses → Unexpected: core `errorCodeForStatus`).
 * `OperationAborted` (409: a conflicting operation on the bucket or object is in progress, "try
 * again") is a `Conflict` that is retryable, unlike the others. `IncompleteBody` (OSS received fewer bytes than Content-Length) is a
 * transport failure, a retryable `ServiceInternal` like a broken connection. `InvalidObjectState`
 * (403, EC 0016-00000404: a GetObject, or a copy source, of an Archive, ColdArchive or DeepColdArchive
 * object not restored) is `Conflict`: the object's state, not the credential. `RestoreAlreadyInProgress`
 * (409: RestoreObject of an object being restored) is `Conflict` too. `InvalidPart` (400: a Complete
 * naming a part that was not uploaded, or whose ETag is not the uploaded part's, e.g. one uploaded again
 * meanwhile) is `Conflict`, as docs/errors.md says of such a part on every driver; `InvalidPartOrder`
 * (a malformed part list) stays `InvalidArgument`.
 */
export const OSS_ERROR_CODES: Readonly<Record<string, ErrorCode>> = Object.freeze({
  NoSuchKey: ErrorCode.ObjectNotExist,
  NoSuchBucket: ErrorCode.ObjectNotExist,
  NoSuchUpload: ErrorCode.ObjectNotExist,
  NoSuchVersion: ErrorCode.ObjectNotExist,
  SymlinkTargetNotExist: ErrorCode.ObjectNotExist,
  InvalidTargetType: ErrorCode.ObjectNotExist,
  AccessDenied: ErrorCode.PermissionDenied,
  SignatureDoesNotMatch: ErrorCode.PermissionDenied,
  InvalidAccessKeyId: ErrorCode.PermissionDenied,
  RequestTimeTooSkewed: ErrorCode.PermissionDenied,
  InvalidSecurityToken: ErrorCode.PermissionDenied,
  SecurityTokenExpired: ErrorCode.PermissionDenied,
  AccessForbidden: ErrorCode.PermissionDenied,
  InvalidDigest: ErrorCode.IntegrityMismatch,
  BadDigest: ErrorCode.IntegrityMismatch,
  // The body OSS received was shorter than its Content-Length: the connection failed, not the bytes.
  IncompleteBody: ErrorCode.ServiceInternal,
  InvalidArgument: ErrorCode.InvalidArgument,
  InvalidRequest: ErrorCode.InvalidArgument,
  InvalidObjectName: ErrorCode.InvalidArgument,
  InvalidBucketName: ErrorCode.InvalidArgument,
  InvalidEncryptionAlgorithmError: ErrorCode.InvalidArgument,
  KmsServiceNotEnabled: ErrorCode.InvalidArgument,
  MissingArgument: ErrorCode.InvalidArgument,
  MissingContentLength: ErrorCode.InvalidArgument,
  EntityTooSmall: ErrorCode.InvalidArgument,
  EntityTooLarge: ErrorCode.InvalidArgument,
  FieldItemTooLong: ErrorCode.InvalidArgument,
  // Complete named a part that is not (or no longer) the uploaded one: the upload's state, as memory and fs say.
  InvalidPart: ErrorCode.Conflict,
  InvalidPartOrder: ErrorCode.InvalidArgument,
  MalformedXML: ErrorCode.InvalidArgument,
  InvalidRange: ErrorCode.InvalidArgument,
  TooManyBuckets: ErrorCode.InvalidArgument,
  MethodNotAllowed: ErrorCode.CapabilityInsufficient,
  NotImplemented: ErrorCode.CapabilityInsufficient,
  PreconditionFailed: ErrorCode.Conflict,
  NotModified: ErrorCode.Conflict,
  PositionNotEqualToLength: ErrorCode.Conflict,
  ObjectNotAppendable: ErrorCode.ObjectModeInvalid,
  NotSymlink: ErrorCode.ObjectModeInvalid,
  FileAlreadyExists: ErrorCode.Conflict,
  InvalidObjectState: ErrorCode.Conflict,
  RestoreAlreadyInProgress: ErrorCode.Conflict,
  BucketAlreadyExists: ErrorCode.Conflict,
  BucketNotEmpty: ErrorCode.Conflict,
  OperationAborted: ErrorCode.Conflict,
  SlowDown: ErrorCode.RequestThrottled,
  TotalQpsLimitExceeded: ErrorCode.RequestThrottled,
  QpsLimitExceeded: ErrorCode.RequestThrottled,
  DownloadTrafficRateLimitExceeded: ErrorCode.RequestThrottled,
  // Not throttling: a front end may answer it for a request its back end applied (a retry is judged as after a 500).
  ServiceUnavailable: ErrorCode.ServiceInternal,
  InternalError: ErrorCode.ServiceInternal,
  RequestTimeout: ErrorCode.ServiceInternal,
});

/** What the caller can do about some OSS codes, added to the message after the service's own words. */
const OSS_ERROR_HINTS: Readonly<Record<string, string>> = Object.freeze({
  InvalidObjectState:
    "the object (for a copy, its source) is in an archive storage class (Archive, ColdArchive, DeepColdArchive) and must be restored before it can be read or copied; " +
    "restore it first (Storager restore(), or stowage restore), then try again once stat shows its restore done (restore.ongoing false)",
  RestoreAlreadyInProgress: "a restore of the object is under way already: stat shows restore.ongoing until it can be read",
});

/** OSS codes of a refused request time; the client corrects its clock from the response's `Date` and tries again. @throws nothing */
export function isOssClockSkew(error: OssErrorBody | undefined): boolean {
  return error?.code === "RequestTimeTooSkewed";
}

/** 5xx statuses that say the request can never succeed (Not Implemented, HTTP Version Not Supported): not retried. */
const FINAL_5XX: ReadonlySet<number> = new Set([501, 505]);

/** Codes of a request refused for now, not for good: the service says to try again (a conflicting operation was in progress). */
const TRY_AGAIN: ReadonlySet<string> = new Set(["OperationAborted"]);


/**
 * The StorageError for an OSS failure: `code` from {@link OSS_ERROR_CODES} (or
 * the status; a 304 is `Conflict`), message `"<op>: <OSS code>: <OSS message>"` (plus the EC),
 * status and request id (the body's RequestId when the `x-oss-request-id` header is missing), and the
 * OSS code as `serviceCode` (core `isMissingBucket` reads it).
 * Throttling and internal errors (so a 5xx without a known code, a short body, a bare 408 or 425) are
 * retryable, except a 501 or 505, which no retry can change; a 501 `NotImplemented` is `CapabilityInsufficient`.
 * `OperationAborted` (a `Conflict` the service says to try again) is retryable too.
 * A 304 or 412 (a condition that did not hold; HEAD answers carry at most `x-oss-err`, a 304
 * nothing) is `Conflict`, not retryable. `InvalidObjectState` (an archived object not restored) is
 * `Conflict`, its message saying the object must be restored first (`restore()`, `stowage restore`).
 * A refusal of the credential itself (`isOssCredentialRejection`) is a `PermissionDenied` with `credentialRefused`.
 * @throws nothing (returns the error)
 */
export function ossError(status: number, body: OssErrorBody | undefined, operation: string, requestId: string | undefined, foreign?: { contentType: string | undefined }): StorageError {
  const ossCode = body?.code;
  const code =
    ownEntry(OSS_ERROR_CODES, ossCode) ??
    (status === 304 ? ErrorCode.Conflict : status === 501 ? ErrorCode.CapabilityInsufficient : errorCodeForStatus(status));
  const ec = body?.ec ? ` (EC ${body.ec})` : "";
  const hint = ownEntry(OSS_ERROR_HINTS, ossCode);
  const what = ossCode ? `${ossCode}${body?.message ? `: ${body.message}` : ""}${ec}${hint ? `; ${hint}` : ""}` : `HTTP ${status}${foreign !== undefined ? foreignBodyHint(status, foreign.contentType, "OSS") : bareStatusHint(status)}${ec}`;
  const id = requestId ?? body?.requestId;
  return storageError(code, `${operation}: ${what}`, {
    statusCode: status,
    ...(id ? { requestId: id } : {}),
    ...(ossCode ? { serviceCode: ossCode } : {}),
    ...(code === ErrorCode.PermissionDenied && isOssCredentialRejection(body) ? { credentialRefused: true } : {}),
    retryable: ((code === ErrorCode.ServiceInternal || code === ErrorCode.RequestThrottled) && !FINAL_5XX.has(status)) || (ossCode !== undefined && TRY_AGAIN.has(ossCode)),
  });
}

/** {@link ossError} for a buffered failed response (`body` its parsed error document, if it is one: a body that is not says so). */
export function ossErrorFromResponse(response: BufferedResponse, body: OssErrorBody | undefined): StorageError {
  const foreign = body === undefined && response.body.length > 0 ? { contentType: response.header("content-type") } : undefined;
  return ossError(response.status, body, response.request.operation ?? response.request.method.toLowerCase(), response.requestId, foreign);
}
