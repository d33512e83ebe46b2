import { bareStatusHint, ErrorCode, errorCodeForStatus, foreignBodyHint, ownEntry, sseCContext as coreSseCContext, storageError, type SseCContext, type BufferedResponse, type StorageError } from "@stowage/core";
import { isCosCredentialRejection } from "./credentials.js";
import type { CosErrorBody } from "./responses.js";

/**
 * COS error codes and the StorageError code each becomes. Codes not listed
 * fall back to the HTTP status (404 → ObjectNotExist, 403 → PermissionDenied,
 * 409/412 → Conflict, 304 → Conflict (not modified: an `If-None-Match` that did not hold),
 * 429/503 → RequestThrottled, 501 → CapabilityInsufficient, other 5xx, 408 and 425 → ServiceInternal,
 * 400/405/411/413/414/416/431 → InvalidArgument, other statuses → Unexpected: core `errorCodeForStatus`).
 * `OperationAborted` (409: a conflicting operation on the bucket or object is in progress, "try
 * again") is a `Conflict` that is retryable, unlike the others. `IncompleteBody` (COS received fewer bytes than Content-Length) is a
 * transport failure, a retryable `ServiceInternal` like a broken connection. A write refused by
 * `x-cos-forbid-overwrite` (an object exists) is `Conflict`: COS's pages give the header, not the
 * code; `FileAlreadyExists` (OSS's) and `ObjectAlreadyExists` are both taken, and any 409 is `Conflict`.
 * `InvalidObjectState` (403: a GET, or a copy source, of an ARCHIVE or DEEP_ARCHIVE object not
 * restored) is `Conflict`, the object's state, not the credential: `protocols.md` has no COS row for it;
 * COS follows S3, whose 403 `InvalidObjectState` says "Object is archived and inaccessible until
 * restored" (AWS S3 API reference, and COS's "POST Object restore" page: an archived object is
 * restored "so that you can read it"). `InvalidStorageClass` (S3's 400 for an unknown class) is `InvalidArgument`.
 * `RestoreAlreadyInProgress` (409: POST Object restore of an object being restored) is `Conflict`.
 * `InvalidPart` (400: a Complete naming a part that was not uploaded, or whose ETag is not the uploaded
 * part's, e.g. one uploaded again meanwhile) is `Conflict`, as docs/errors.md says of such a part on
 * every driver; `InvalidPartOrder` (a malformed part list) stays `InvalidArgument`.
 */
export const COS_ERROR_CODES: Readonly<Record<string, ErrorCode>> = Object.freeze({
  NoSuchKey: ErrorCode.ObjectNotExist,
  NoSuchBucket: ErrorCode.ObjectNotExist,
  NoSuchUpload: ErrorCode.ObjectNotExist,
  NoSuchVersion: ErrorCode.ObjectNotExist,
  AccessDenied: ErrorCode.PermissionDenied,
  SignatureDoesNotMatch: ErrorCode.PermissionDenied,
  RequestTimeTooSkewed: ErrorCode.PermissionDenied,
  InvalidAccessKeyId: ErrorCode.PermissionDenied,
  InvalidSecurityToken: ErrorCode.PermissionDenied,
  ExpiredToken: ErrorCode.PermissionDenied,
  UserDisable: ErrorCode.PermissionDenied,
  BadDigest: ErrorCode.IntegrityMismatch,
  InvalidDigest: ErrorCode.IntegrityMismatch,
  // The body COS received was shorter than its Content-Length: the connection failed, not the bytes.
  IncompleteBody: ErrorCode.ServiceInternal,
  InvalidArgument: ErrorCode.InvalidArgument,
  InvalidRequest: ErrorCode.InvalidArgument,
  InvalidURI: ErrorCode.InvalidArgument,
  InvalidObjectName: ErrorCode.InvalidArgument,
  InvalidStorageClass: ErrorCode.InvalidArgument,
  InvalidBucketName: ErrorCode.InvalidArgument,
  KeyTooLong: ErrorCode.InvalidArgument,
  MetadataTooLarge: ErrorCode.InvalidArgument,
  EntityTooSmall: ErrorCode.InvalidArgument,
  EntityTooLarge: ErrorCode.InvalidArgument,
  // Complete named a part that is not (or no longer) the uploaded one: the upload's state, as memory and fs say.
  InvalidPart: ErrorCode.Conflict,
  InvalidPartOrder: ErrorCode.InvalidArgument,
  MalformedXML: ErrorCode.InvalidArgument,
  InvalidCopySource: ErrorCode.InvalidArgument,
  InvalidRange: ErrorCode.InvalidArgument,
  MissingContentLength: ErrorCode.InvalidArgument,
  TooManyBuckets: ErrorCode.InvalidArgument,
  MethodNotAllowed: ErrorCode.CapabilityInsufficient,
  NotImplemented: ErrorCode.CapabilityInsufficient,
  PreconditionFailed: ErrorCode.Conflict,
  NotModified: ErrorCode.Conflict,
  ObjectNotAppendable: ErrorCode.ObjectModeInvalid,
  PositionNotEqualToLength: ErrorCode.Conflict,
  AppendPositionErr: ErrorCode.Conflict,
  FileAlreadyExists: ErrorCode.Conflict,
  ObjectAlreadyExists: ErrorCode.Conflict,
  BucketAlreadyExists: ErrorCode.Conflict,
  BucketAlreadyOwnedByYou: ErrorCode.Conflict,
  BucketNotEmpty: ErrorCode.Conflict,
  OperationAborted: ErrorCode.Conflict,
  InvalidObjectState: ErrorCode.Conflict,
  RestoreAlreadyInProgress: ErrorCode.Conflict,
  SlowDown: ErrorCode.RequestThrottled,
  RequestLimitExceeded: ErrorCode.RequestThrottled,
  // Not throttling: a front end may answer it for a request its back end applied (a retry is judged as after a 500).
  ServiceUnavailable: ErrorCode.ServiceInternal,
  InternalError: ErrorCode.ServiceInternal,
  RequestTimeout: ErrorCode.ServiceInternal,
});

/** What the caller can do about some COS codes, added to the message after the service's own words. */
const COS_ERROR_HINTS: Readonly<Record<string, string>> = Object.freeze({
  InvalidObjectState:
    "the object (for a copy, its source) is in an archive storage class (ARCHIVE, DEEP_ARCHIVE) and must be restored before it can be read or copied; " +
    "restore it first (Storager restore(), or stowage restore), then try again once stat shows its restore done (restore.ongoing false)",
  RestoreAlreadyInProgress: "a restore of the object is under way already: stat shows restore.ongoing until it can be read",
});

/** COS codes of a refused request time; the client corrects its clock from the response's `Date` and tries again. @throws nothing */
export function isCosClockSkew(error: CosErrorBody | undefined, status: number): boolean {
  if (error?.code === "RequestTimeTooSkewed") return true;
  return status === 403 && error?.code === "AccessDenied" && /request has expired/i.test(error.message ?? "");
}

/** 5xx statuses that say the request can never succeed (Not Implemented, HTTP Version Not Supported): not retried. */
const FINAL_5XX: ReadonlySet<number> = new Set([501, 505]);

/** Codes of a request refused for now, not for good: the service says to try again (a conflicting operation was in progress). */
const TRY_AGAIN: ReadonlySet<string> = new Set(["OperationAborted"]);

/** SSE-C algorithm headers (of the object, of a copy source): their presence says a key was sent (the key itself is never looked at). */
const SSE_C_MARKS: readonly string[] = ["x-cos-server-side-encryption-customer-algorithm", "x-cos-copy-source-server-side-encryption-customer-algorithm"];

/**
 * What a request's failure may owe to SSE-C (core `sseCContext` with this service's algorithm headers).
 * @throws nothing.
 */
export function sseCContext(request: { method: string; headers: Readonly<Record<string, string>> } | undefined): SseCContext | undefined {
  return coreSseCContext(request, SSE_C_MARKS);
}

/** The words after `HTTP <status>` for an answer with no error document. */
function bareStatus(status: number, sseC: SseCContext | undefined): string {
  return bareStatusHint(status, sseC, "server_side_encryption_customer_key");
}

/**
 * The StorageError for a COS failure: `code` from {@link COS_ERROR_CODES} (or
 * the status; a 304 is `Conflict`, a 501 `CapabilityInsufficient`), message
 * `"<op>: <COS code>: <COS message>"`, status and request id (the body's RequestId when the
 * header is missing), and the COS code as `serviceCode` (core `isMissingBucket` reads it).
 * Throttling and internal errors (so a 5xx without a known code, a short body, or a 500
 * InternalError inside a 200, a bare 408 or 425) are retryable, except a 501 or 505, which no retry can
 * change; so is `OperationAborted` (a `Conflict` the service says to try again). A 304 or 412 (a condition that did not hold; HEAD answers have no body) is
 * `Conflict` and not retryable. `sseC` (from `sseCContext`) makes a body-less 400 or 403 name
 * the SSE-C customer key: one the request carried may be the wrong one, a HEAD without one may
 * need it. The key is never part of the message. A refusal of the credential itself
 * (`isCosCredentialRejection`) is a `PermissionDenied` with `credentialRefused`. `InvalidObjectState` (an archived object not restored)
 * is `Conflict`, its message saying the object must be restored first (`restore()`, `stowage restore`).
 * @throws nothing (returns the error)
 */
export function cosError(
  status: number,
  body: CosErrorBody | undefined,
  operation: string,
  requestId: string | undefined,
  sseC?: SseCContext,
  foreign?: { contentType: string | undefined },
): StorageError {
  const cosCode = body?.code;
  const code =
    ownEntry(COS_ERROR_CODES, cosCode) ??
    (status === 304 ? ErrorCode.Conflict : status === 501 ? ErrorCode.CapabilityInsufficient : errorCodeForStatus(status));
  const hint = ownEntry(COS_ERROR_HINTS, cosCode);
  const bare = foreign !== undefined ? foreignBodyHint(status, foreign.contentType, "COS") : bareStatus(status, sseC);
  const what = cosCode ? `${cosCode}${body?.message ? `: ${body.message}` : ""}${hint ? `; ${hint}` : ""}` : `HTTP ${status}${body ? "" : bare}`;
  const id = requestId ?? body?.requestId;
  return storageError(code, `${operation}: ${what}`, {
    statusCode: status,
    ...(id ? { requestId: id } : {}),
    ...(cosCode ? { serviceCode: cosCode } : {}),
    ...(code === ErrorCode.PermissionDenied && isCosCredentialRejection(body) ? { credentialRefused: true } : {}),
    retryable: ((code === ErrorCode.ServiceInternal || code === ErrorCode.RequestThrottled) && !FINAL_5XX.has(status)) || (cosCode !== undefined && TRY_AGAIN.has(cosCode)),
  });
}

/** {@link cosError} for a buffered failed response (`body` its parsed error document, if it is one: a body that is not says so). */
export function cosErrorFromResponse(response: BufferedResponse, body: CosErrorBody | undefined): StorageError {
  const foreign = body === undefined && response.body.length > 0 ? { contentType: response.header("content-type") } : undefined;
  return cosError(response.status, body, response.request.operation ?? response.request.method.toLowerCase(), response.requestId, sseCContext(response.request), foreign);
}
