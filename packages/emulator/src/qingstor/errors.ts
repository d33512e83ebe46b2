import type { Route } from "../common/operations.js";
import { ProtocolError, type ProtocolErrorKind } from "../common/protocol-error.js";
import type { EmulatorResponse, Exchange } from "../server/exchange.js";
import { header } from "../server/exchange.js";

/** QingStor status and error code per failure kind. */
const QS_ERRORS: Record<ProtocolErrorKind, [number, string]> = {
  AccessDenied: [403, "permission_denied"],
  BadDigest: [400, "bad_digest"],
  BucketAlreadyExists: [409, "bucket_already_exists"],
  BucketNotEmpty: [409, "bucket_not_empty"],
  EntityTooLarge: [400, "entity_too_large"],
  EntityTooSmall: [400, "entity_too_small"],
  FileAlreadyExists: [409, "object_already_exists"],
  InsecureTransport: [400, "invalid_request"],
  InternalError: [500, "internal_server_error"],
  InvalidAccessKeyId: [401, "invalid_access_key_id"],
  InvalidArgument: [400, "invalid_argument"],
  InvalidBucketName: [400, "invalid_bucket_name"],
  InvalidCopySource: [400, "invalid_argument"],
  InvalidObjectName: [400, "invalid_object_name"],
  // Neither is raised by the QingStor handlers (no archive class; the class list is not checked here).
  InvalidObjectState: [403, "invalid_object_state"],
  InvalidPart: [400, "invalid_argument"],
  InvalidPartOrder: [400, "invalid_argument"],
  InvalidRange: [416, "invalid_range"],
  InvalidStorageClass: [400, "invalid_argument"],
  KeyTooLong: [400, "invalid_object_name"],
  MalformedDigest: [400, "invalid_argument"],
  MalformedBody: [400, "invalid_request"],
  MethodNotAllowed: [405, "method_not_allowed"],
  MissingContentMd5: [400, "invalid_argument"],
  NoSuchBucket: [404, "bucket_not_exists"],
  NoSuchKey: [404, "object_not_exists"],
  NoSuchUpload: [404, "upload_not_exists"],
  NotAppendable: [400, "invalid_object_state"],
  NotImplemented: [501, "not_implemented"],
  NotModified: [304, "not_modified"],
  PositionMismatch: [400, "invalid_argument"],
  PreconditionFailed: [412, "precondition_failed"],
  RequestExpired: [403, "request_expired"],
  // Never raised: QingStor has no archive class, so nothing to restore.
  RestoreAlreadyInProgress: [409, "restore_already_in_progress"],
  ServiceUnavailable: [503, "service_unavailable"],
  SignatureMismatch: [401, "signature_not_matched"],
  SseKeyMismatch: [403, "permission_denied"],
  SseKeyMissing: [400, "invalid_request"],
  Throttled: [429, "too_many_requests"],
  TimeSkewed: [403, "request_expired"],
};

/**
 * A failure with its own status and code, outside {@link QS_ERRORS}. `kind` is the nearest
 * provider-neutral kind, for anything that looks at kinds only.
 */
export class QsCodedError extends ProtocolError {
  constructor(
    kind: ProtocolErrorKind,
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(kind, message);
  }
}

/**
 * 411 `invalid_request`: a request that carries a body (PutObject, UploadMultipart, AppendObject)
 * without `Content-Length` (a chunked one), which QingStor requires (protocols.md §3.3: "Content-Length
 * (required)"). QingStor documents neither the status nor the code of the refusal: 411 (HTTP's
 * Length Required) with `invalid_request` is an assumption.
 * @throws QsCodedError (that refusal) when the request has no `Content-Length`
 */
export function requireContentLength(ex: Exchange): void {
  if (header(ex, "content-length") === undefined) throw new QsCodedError("InvalidArgument", 411, "invalid_request", "Content-Length is required.");
}

/** The QingStor error document. */
export function qsErrorBody(code: string, message: string, requestId: string): Buffer {
  return Buffer.from(JSON.stringify({ code, message, request_id: requestId, url: `https://docs.qingcloud.com/qingstor/api/common/error_code.html?request_id=${requestId}` }));
}

/** Renders `err` as QingStor does (JSON; no body on HEAD or 304). */
export function qsErrorResponse(err: ProtocolError, ex: Exchange, _route: Route | undefined): EmulatorResponse {
  const [status, code] = err instanceof QsCodedError ? [err.status, err.code] : QS_ERRORS[err.kind];
  const headers: Record<string, string> = {};
  if (err.kind === "PositionMismatch" && err.extra.NextAppendPosition !== undefined) {
    headers["x-qs-next-append-position"] = err.extra.NextAppendPosition;
  }
  if (ex.method === "HEAD" || status === 304) return { status, headers };
  headers["content-type"] = "application/json";
  return { status, headers, body: qsErrorBody(code, err.message, ex.requestId) };
}
