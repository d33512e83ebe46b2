import { bareStatusHint, ErrorCode, errorCodeForStatus, foreignBodyHint, ownEntry, sseCContext as coreSseCContext, storageError, type SseCContext, type BufferedResponse, type StorageError } from "@stowage/core";
import type { QsErrorBody } from "./responses.js";

/**
 * QingStor error codes (`protocols.md` §3.4, plus the emulator's) and the
 * StorageError code each becomes. Codes not listed fall back to the HTTP status
 * (404 → ObjectNotExist, 401/403 → PermissionDenied, 409/412 → Conflict, 304 → Conflict
 * (not modified: an `If-None-Match` that did not hold), 429/503 → RequestThrottled,
 * 501 → CapabilityInsufficient, other 5xx, 408 and 425 → ServiceInternal, 400/405/411/413/414/416/431
 * → InvalidArgument, other statuses → Unexpected: core `errorCodeForStatus`). A 401 without a body
 * (QingStor's refusal of a key or signature on a HEAD) says to check the credential.
 */
export const QINGSTOR_ERROR_CODES: Readonly<Record<string, ErrorCode>> = Object.freeze({
  object_not_exists: ErrorCode.ObjectNotExist,
  bucket_not_exists: ErrorCode.ObjectNotExist,
  upload_not_exists: ErrorCode.ObjectNotExist,
  permission_denied: ErrorCode.PermissionDenied,
  invalid_access_key_id: ErrorCode.PermissionDenied,
  signature_not_matched: ErrorCode.PermissionDenied,
  request_expired: ErrorCode.PermissionDenied,
  bucket_not_active: ErrorCode.PermissionDenied,
  lease_not_ready: ErrorCode.PermissionDenied,
  bad_digest: ErrorCode.IntegrityMismatch,
  invalid_argument: ErrorCode.InvalidArgument,
  invalid_request: ErrorCode.InvalidArgument,
  invalid_range: ErrorCode.InvalidArgument,
  invalid_bucket_name: ErrorCode.InvalidArgument,
  invalid_object_name: ErrorCode.InvalidArgument,
  invalid_location: ErrorCode.InvalidArgument,
  entity_too_small: ErrorCode.InvalidArgument,
  entity_too_large: ErrorCode.InvalidArgument,
  too_many_buckets: ErrorCode.InvalidArgument,
  invalid_object_state: ErrorCode.ObjectModeInvalid,
  invalid_append_position: ErrorCode.Conflict,
  precondition_failed: ErrorCode.Conflict,
  not_modified: ErrorCode.Conflict,
  bucket_already_exists: ErrorCode.Conflict,
  bucket_not_empty: ErrorCode.Conflict,
  object_already_exists: ErrorCode.Conflict,
  fetch_in_process: ErrorCode.Conflict,
  method_not_allowed: ErrorCode.CapabilityInsufficient,
  not_implemented: ErrorCode.CapabilityInsufficient,
  too_many_requests: ErrorCode.RequestThrottled,
  max_requests_exceeded: ErrorCode.RequestThrottled,
  fetch_throttled: ErrorCode.RequestThrottled,
  // Not throttling: a front end may answer it for a request its back end applied (a retry is judged as after a 500).
  service_unavailable: ErrorCode.ServiceInternal,
  internal_server_error: ErrorCode.ServiceInternal,
  internal_error: ErrorCode.ServiceInternal,
  upstream_failed: ErrorCode.ServiceInternal,
});

/**
 * QingStor refused the request time (more than 15 minutes off); the client corrects its clock from `Date` and tries again.
 * @throws nothing
 */
export function isQingStorClockSkew(error: QsErrorBody | undefined): boolean {
  return error?.code === "request_expired";
}

/** 5xx statuses that say the request can never succeed (Not Implemented, HTTP Version Not Supported): not retried. */
const FINAL_5XX: ReadonlySet<number> = new Set([501, 505]);

/** SSE-C algorithm headers (of the object, of a copy source): their presence says a key was sent (the key itself is never looked at). */
const SSE_C_MARKS: readonly string[] = ["x-qs-encryption-customer-algorithm", "x-qs-copy-source-encryption-customer-algorithm"];

/**
 * What a request's failure may owe to SSE-C (core `sseCContext` with this service's algorithm headers).
 * @throws nothing.
 */
export function sseCContext(request: { method: string; headers: Readonly<Record<string, string>> } | undefined): SseCContext | undefined {
  return coreSseCContext(request, SSE_C_MARKS);
}

/** The words after `HTTP <status>` for an answer with no error document. */
function bareStatus(status: number, sseC: SseCContext | undefined): string {
  return bareStatusHint(status, sseC, "encryption_customer_key");
}

/**
 * The StorageError for a QingStor failure: `code` from {@link QINGSTOR_ERROR_CODES}
 * (or the status; a 304 is `Conflict`, a 501 `CapabilityInsufficient`), message `"<op>: <QingStor code>: <message>"`, status
 * and request id (the body's `request_id` when the `X-QS-Request-ID` header is missing), and the
 * QingStor code as `serviceCode` (core `isMissingBucket` reads it); `invalid_access_key_id` sets
 * `credentialRefused`. A 304
 * or 412 (a condition that did not hold; HEAD answers and 304s have no body) is `Conflict`, not retryable.
 * Throttling and internal errors (a bare 408 or 425 included) are retryable, except a 501 or 505, which no retry can change.
 * `sseC` (from `sseCContext`) makes a body-less 400 or 403 name the SSE-C customer key: one the
 * request carried may be the wrong one, a HEAD without one may need it. The key is never part
 * of the message. `foreign` (an answer whose body is not a QingStor error document: a proxy's HTML
 * page) makes the message say so, with the body's media type, never the body itself.
 * @throws nothing (returns the error)
 */
export function qingstorError(
  status: number,
  body: QsErrorBody | undefined,
  operation: string,
  requestId: string | undefined,
  sseC?: SseCContext,
  foreign?: { contentType: string | undefined },
): StorageError {
  const qsCode = body?.code;
  const code =
    ownEntry(QINGSTOR_ERROR_CODES, qsCode) ??
    (status === 304 ? ErrorCode.Conflict : status === 501 ? ErrorCode.CapabilityInsufficient : errorCodeForStatus(status));
  const bare = foreign !== undefined ? foreignBodyHint(status, foreign.contentType, "QingStor") : bareStatus(status, sseC);
  const what = qsCode ? `${qsCode}${body?.message ? `: ${body.message}` : ""}` : `HTTP ${status}${body ? "" : bare}`;
  const id = requestId ?? body?.requestId;
  return storageError(code, `${operation}: ${what}`, {
    statusCode: status,
    ...(id ? { requestId: id } : {}),
    ...(qsCode ? { serviceCode: qsCode } : {}),
    // The access key itself is unknown (revoked, rotated): every request signed with it fails alike.
    ...(qsCode === "invalid_access_key_id" ? { credentialRefused: true } : {}),
    retryable: (code === ErrorCode.ServiceInternal || code === ErrorCode.RequestThrottled) && !FINAL_5XX.has(status),
  });
}

/** {@link qingstorError} for a buffered failed response (`body` its parsed error document, if it is one). */
export function qingstorErrorFromResponse(response: BufferedResponse, body: QsErrorBody | undefined): StorageError {
  const foreign = body === undefined && response.body.length > 0 ? { contentType: response.header("content-type") } : undefined;
  return qingstorError(response.status, body, response.request.operation ?? response.request.method.toLowerCase(), response.requestId, sseCContext(response.request), foreign);
}
