import type { Route } from "../common/operations.js";
import { ProtocolError, type ProtocolErrorKind } from "../common/protocol-error.js";
import { el, renderXml } from "../common/xml.js";
import type { EmulatorResponse, Exchange } from "../server/exchange.js";
import { header } from "../server/exchange.js";

/**
 * OSS status, error code and EC per failure kind. `InvalidObjectState`: a GET of an Archive,
 * ColdArchive or DeepColdArchive object not restored (help page 0016-00000404: 403,
 * "The operation is not valid for the object's state"); the pages give no other EC for a copy source,
 * so it goes with that one too. `InvalidStorageClass`: an `x-oss-storage-class` outside the documented
 * values (help page 0017-00000132, PutObject; 0013-00000101 shows the same refusal of a CopyObject);
 * the pages give the EC, not the code: 400 `InvalidArgument` is an assumption. `FileAlreadyExists`: a PutObject
 * or CopyObject refused by `x-oss-forbid-overwrite` (help page 0026-00000201; a CompleteMultipartUpload's own EC,
 * 0042-00000214, is set where it is thrown). `InvalidPartOrder`: help page 0042-00000209.
 */
const OSS_ERRORS: Record<ProtocolErrorKind, [number, string, string]> = {
  AccessDenied: [403, "AccessDenied", "0003-00000001"],
  BadDigest: [400, "InvalidDigest", "0016-00000005"],
  BucketAlreadyExists: [409, "BucketAlreadyExists", "0015-00000002"],
  BucketNotEmpty: [409, "BucketNotEmpty", "0015-00000301"],
  EntityTooLarge: [400, "EntityTooLarge", "0016-00000017"],
  EntityTooSmall: [400, "EntityTooSmall", "0042-00000211"],
  FileAlreadyExists: [409, "FileAlreadyExists", "0026-00000201"],
  InsecureTransport: [400, "InvalidRequest", "0016-00000001"],
  InternalError: [500, "InternalError", "0001-00000001"],
  InvalidAccessKeyId: [403, "InvalidAccessKeyId", "0002-00000902"],
  InvalidArgument: [400, "InvalidArgument", "0016-00000501"],
  InvalidBucketName: [400, "InvalidBucketName", "0015-00000101"],
  InvalidCopySource: [400, "InvalidArgument", "0017-00000801"],
  InvalidObjectName: [400, "InvalidObjectName", "0016-00000005"],
  InvalidObjectState: [403, "InvalidObjectState", "0016-00000404"],
  InvalidPart: [400, "InvalidPart", "0042-00000213"],
  InvalidPartOrder: [400, "InvalidPartOrder", "0042-00000209"],
  InvalidRange: [416, "InvalidRange", "0016-00000302"],
  InvalidStorageClass: [400, "InvalidArgument", "0017-00000132"],
  KeyTooLong: [400, "InvalidObjectName", "0016-00000005"],
  MalformedDigest: [400, "InvalidArgument", "0016-00000501"],
  MalformedBody: [400, "MalformedXML", "0016-00000601"],
  MethodNotAllowed: [405, "MethodNotAllowed", "0016-00000102"],
  MissingContentMd5: [400, "InvalidArgument", "0016-00000501"],
  NoSuchBucket: [404, "NoSuchBucket", "0015-00000101"],
  NoSuchKey: [404, "NoSuchKey", "0026-00000001"],
  NoSuchUpload: [404, "NoSuchUpload", "0042-00000002"],
  NotAppendable: [409, "ObjectNotAppendable", "0026-00000017"],
  NotImplemented: [501, "NotImplemented", "0001-00000501"],
  NotModified: [304, "NotModified", "0016-00000303"],
  PositionMismatch: [409, "PositionNotEqualToLength", "0026-00000016"],
  PreconditionFailed: [412, "PreconditionFailed", "0016-00000301"],
  RequestExpired: [403, "AccessDenied", "0002-00000069"],
  // OSS's restore pages give the code and status (409), not an EC: none is sent.
  RestoreAlreadyInProgress: [409, "RestoreAlreadyInProgress", ""],
  ServiceUnavailable: [503, "ServiceUnavailable", "0001-00000503"],
  SignatureMismatch: [403, "SignatureDoesNotMatch", "0002-00000040"],
  SseKeyMismatch: [403, "AccessDenied", "0003-00000001"],
  SseKeyMissing: [400, "InvalidRequest", "0016-00000001"],
  Throttled: [503, "TotalQpsLimitExceeded", "0004-00000302"],
  TimeSkewed: [403, "RequestTimeTooSkewed", "0002-00000504"],
};

/**
 * A failure only OSS has (symlinks), with its own status and code. `kind` is
 * the nearest provider-neutral kind, for anything that looks at kinds only.
 */
export class OssCodedError extends ProtocolError {
  /**
   * @param ec the `<EC>` of the error document and `x-oss-ec` header (`""`: none)
   * @param extra further elements of the error document
   */
  constructor(
    kind: ProtocolErrorKind,
    readonly status: number,
    readonly code: string,
    message: string,
    readonly ec = "",
    extra: Readonly<Record<string, string>> = {},
  ) {
    super(kind, message, extra);
  }
}

/**
 * 403 `AccessDenied` with `<Bucket>` and `<Endpoint>`: a request for `bucket` (in `region`) that came
 * through another region's endpoint. OSS documents this message for a bucket addressed through the
 * wrong endpoint (help page "HTTP status code 403", AccessDenied); the `<Endpoint>` element names
 * the right one. Its EC is not documented: none is sent.
 */
export const wrongEndpoint = (bucket: string, region: string): OssCodedError =>
  new OssCodedError(
    "AccessDenied",
    403,
    "AccessDenied",
    "The bucket you are attempting to access must be addressed using the specified endpoint. Please send all future requests to this endpoint.",
    "",
    { Bucket: bucket, Endpoint: `oss-${region}.aliyuncs.com` },
  );

/**
 * 403 `SignatureDoesNotMatch` for a V4 credential scope OSS refuses, with the EC of its help pages:
 * `0002-00000226` (a region with the `oss-` prefix, or not the one the Host names),
 * `0002-00000227` (a product other than `oss`), `0002-00000228` (not the bucket's region). The pages
 * give the EC, not the status or code: 403 `SignatureDoesNotMatch` is an assumption.
 */
export const invalidV4Scope = (ec: "0002-00000226" | "0002-00000227" | "0002-00000228", what: "region" | "product"): OssCodedError =>
  new OssCodedError("SignatureMismatch", 403, "SignatureDoesNotMatch", `Invalid signing ${what} in Authorization header.`, ec);

/** 404 `SymlinkTargetNotExist`: a read or HEAD through a symlink whose target is missing. */
export const symlinkTargetNotExist = (): OssCodedError => new OssCodedError("NoSuchKey", 404, "SymlinkTargetNotExist", "The symlink target object does not exist");

/** 400 `InvalidTargetType`: a read or HEAD through a symlink whose target is a symlink too (OSS follows one link only). */
export const invalidTargetType = (): OssCodedError => new OssCodedError("InvalidArgument", 400, "InvalidTargetType", "The symlink target object is a symlink.");

/** 400 `NotSymlink`: GetSymlink of an object that is no symlink. */
export const notSymlink = (): OssCodedError => new OssCodedError("InvalidArgument", 400, "NotSymlink", "The specified object is not a symlink.");

/** The OSS `<Error>` document (no `<EC>` when `ec` is empty). */
export function ossErrorXml(err: ProtocolError, code: string, ec: string, requestId: string, hostId: string): string {
  const extras = Object.entries(err.extra).map(([k, v]) => el(k, v));
  return renderXml(el("Error", el("Code", code), el("Message", err.message), el("RequestId", requestId), el("HostId", hostId), extras, ec ? el("EC", ec) : undefined));
}

/**
 * Renders `err` as OSS does. HEAD responses have no body but carry
 * `x-oss-err` (base64 of the error document) and `x-oss-ec`.
 */
export function ossErrorResponse(err: ProtocolError, ex: Exchange, _route: Route | undefined): EmulatorResponse {
  // The EC of the symlink codes is not documented: none is sent for them.
  const [status, code, ec] = err instanceof OssCodedError ? [err.status, err.code, err.ec] : OSS_ERRORS[err.kind];
  const headers: Record<string, string> = ec ? { "x-oss-ec": ec } : {};
  if (err.kind === "PositionMismatch" && err.extra.NextAppendPosition !== undefined) {
    headers["x-oss-next-append-position"] = err.extra.NextAppendPosition;
  }
  if (status === 304) return { status, headers };
  const xml = ossErrorXml(err, code, ec, ex.requestId, header(ex, "host") ?? "");
  if (ex.method === "HEAD") {
    headers["x-oss-err"] = Buffer.from(xml).toString("base64");
    return { status, headers };
  }
  headers["content-type"] = "application/xml";
  return { status, headers, body: Buffer.from(xml) };
}
