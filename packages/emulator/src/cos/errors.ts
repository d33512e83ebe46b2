import type { Route } from "../common/operations.js";
import type { ProtocolError, ProtocolErrorKind } from "../common/protocol-error.js";
import { el, renderXml } from "../common/xml.js";
import type { EmulatorResponse, Exchange } from "../server/exchange.js";

/**
 * COS status and error code per failure kind. `FileAlreadyExists` (an `x-cos-forbid-overwrite`
 * refusal): COS documents the header but, in the pages at hand, not its error's code; 409
 * `FileAlreadyExists` (OSS's name, and the one reported for COS) is an assumption. The driver takes
 * `ObjectAlreadyExists` too, and any 409 is `Conflict` there. `InvalidObjectState` (a GET, or a copy
 * source, of an ARCHIVE or DEEP_ARCHIVE object not restored): `protocols.md` has no row for it and the
 * COS pages at hand do not name the answer; COS follows S3 here, whose answer is 403
 * `InvalidObjectState` ("Object is archived and inaccessible until restored", AWS S3 API reference).
 * `InvalidStorageClass` (an `x-cos-storage-class` COS does not know): S3's 400 code; the COS pages at
 * hand do not name the code, and the driver takes any 400 as `InvalidArgument`.
 */
const COS_ERRORS: Record<ProtocolErrorKind, [number, string]> = {
  AccessDenied: [403, "AccessDenied"],
  BadDigest: [400, "BadDigest"],
  BucketAlreadyExists: [409, "BucketAlreadyExists"],
  BucketNotEmpty: [409, "BucketNotEmpty"],
  EntityTooLarge: [400, "EntityTooLarge"],
  EntityTooSmall: [400, "EntityTooSmall"],
  FileAlreadyExists: [409, "FileAlreadyExists"],
  InsecureTransport: [400, "InvalidRequest"],
  InternalError: [500, "InternalError"],
  InvalidAccessKeyId: [403, "InvalidAccessKeyId"],
  InvalidArgument: [400, "InvalidArgument"],
  InvalidBucketName: [400, "InvalidBucketName"],
  InvalidCopySource: [400, "InvalidCopySource"],
  InvalidObjectName: [400, "InvalidObjectName"],
  InvalidObjectState: [403, "InvalidObjectState"],
  InvalidPart: [400, "InvalidPart"],
  InvalidPartOrder: [400, "InvalidPartOrder"],
  InvalidRange: [416, "InvalidRange"],
  InvalidStorageClass: [400, "InvalidStorageClass"],
  KeyTooLong: [400, "KeyTooLong"],
  MalformedDigest: [400, "InvalidDigest"],
  MalformedBody: [400, "MalformedXML"],
  MethodNotAllowed: [405, "MethodNotAllowed"],
  MissingContentMd5: [400, "MissingContentMD5"],
  NoSuchBucket: [404, "NoSuchBucket"],
  NoSuchKey: [404, "NoSuchKey"],
  NoSuchUpload: [404, "NoSuchUpload"],
  NotAppendable: [409, "ObjectNotAppendable"],
  NotImplemented: [501, "NotImplemented"],
  NotModified: [304, "NotModified"],
  PositionMismatch: [409, "AppendPositionErr"],
  PreconditionFailed: [412, "PreconditionFailed"],
  RequestExpired: [403, "AccessDenied"],
  RestoreAlreadyInProgress: [409, "RestoreAlreadyInProgress"],
  ServiceUnavailable: [503, "ServiceUnavailable"],
  SignatureMismatch: [403, "SignatureDoesNotMatch"],
  SseKeyMismatch: [403, "AccessDenied"],
  SseKeyMissing: [400, "InvalidRequest"],
  Throttled: [503, "SlowDown"],
  TimeSkewed: [403, "RequestTimeTooSkewed"],
};

/** The COS `<Error>` document. */
export function cosErrorXml(code: string, message: string, resource: string, requestId: string): string {
  return renderXml(el("Error", el("Code", code), el("Message", message), el("Resource", resource), el("RequestId", requestId), el("TraceId", requestId)));
}

/** Renders `err` as COS does (no body on HEAD or 304). */
export function cosErrorResponse(err: ProtocolError, ex: Exchange, route: Route | undefined): EmulatorResponse {
  const [status, code] = COS_ERRORS[err.kind];
  const headers: Record<string, string> = {};
  if (err.kind === "PositionMismatch" && err.extra.NextAppendPosition !== undefined) {
    headers["x-cos-next-append-position"] = err.extra.NextAppendPosition;
  }
  if (ex.method === "HEAD" || status === 304) return { status, headers };
  const resource = `${route?.bucket ?? ""}${route?.key !== undefined ? "/" + route.key : ""}`;
  headers["content-type"] = "application/xml";
  return { status, headers, body: Buffer.from(cosErrorXml(code, err.message, resource, ex.requestId)) };
}
