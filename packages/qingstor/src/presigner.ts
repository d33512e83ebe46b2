import { ErrorCode, objectHeadersOf, responseOverrideQuery, storageError, type DriverCallOptions, type Part, type PresignedRequest, type PresignOperation } from "@stowage/core";
import type { QingStorClient } from "./client.js";
import { multipartEtag } from "./etag.js";
import { PAGE_MAXIMUM } from "./lister.js";
import { withoutObjectHeaders } from "./object-headers.js";
import * as req from "./requests.js";
import { sseHeaders } from "./sse.js";

/**
 * A query-signed GET (Range and SSE-C headers returned to send), PUT or DELETE
 * (abort with `multipartId`), or a multipart step (initiate, upload part, list parts,
 * complete with its JSON body); headers given here must be sent as they are.
 * A PUT and an upload part always sign a Content-Type and return it (a PUT: `content_type` or
 * `default_content_type`; a part, and a PUT without either: {@link req.PRESIGNED_BODY_TYPE}), so that
 * a body `fetch` would type by itself (a string, a typed Blob) cannot change the signed value.
 * A PUT also returns the `cacheControl` and `contentEncoding` given (Cache-Control, Content-Encoding):
 * QingStor signs neither, so the URL works without them, but only a PUT that sends them stores
 * them. An Initiate cannot carry them: given, they are refused (dropped when `loose` or when
 * they are open-time defaults; see object-headers.ts).
 * A presigned read of a virtual link reads the (empty) link object: the key is signed as it is.
 * A presigned Complete returns the `ETag` header the driver's own Complete sends for parts whose
 * CRC-64s it does not know (`"<md5 of the parts' MD5 digests>-<n>"`; none when a part's ETag is no
 * plain MD5): QingStor stores that header as the object's ETag and computes none itself.
 * An `&` in a signed value (a `response*` override, `multipartId`) is refused: QingStor signs those values
 * unescaped, so the URL would also be valid for other requests.
 * Signing waits for the zone detection when it is still to run; `options.signal` ends that wait.
 * @throws StorageError `InvalidArgument` (SSE-C over http, a 0-byte range, an `&` in a signed value), `PairUnsupported` (cacheControl or contentEncoding on createMultipart),
 *   `ServiceInternal` (zone detection could not reach the service), `Aborted`
 */
export async function presignCall(
  client: QingStorClient,
  op: PresignOperation,
  key: string,
  options: DriverCallOptions & { expires: number; parts?: readonly Part[] },
  loose = false,
): Promise<PresignedRequest> {
  const secure = client.secure;
  if (op === "read") {
    if (options.size === 0) throw storageError(ErrorCode.InvalidArgument, "presign read of 0 bytes: there is no such range");
    const call = req.getObject(key, { offset: options.offset as number | undefined, size: options.size as number | undefined }, options, secure);
    call.query.push(...responseOverrideQuery(options));
    return client.presign(call, options.expires, options.signal);
  }
  if (op === "delete") {
    const call = typeof options.multipartId === "string" ? req.abortMultipart(key, options.multipartId) : req.deleteObject(key);
    return client.presign(call, options.expires, options.signal);
  }
  if (op === "createMultipart") return client.presign(req.initiateMultipart(key, withoutObjectHeaders(options, "multipart", loose), secure), options.expires, options.signal);
  if (op === "writeMultipart") {
    return client.presign(req.presignedUploadPart(key, options.multipartId as string, options.index as number, options, secure), options.expires, options.signal);
  }
  if (op === "listMultipart") return client.presign(req.listParts(key, options.multipartId as string, undefined, PAGE_MAXIMUM), options.expires, options.signal);
  if (op === "completeMultipart") {
    // QingStor keeps the ETag Complete sends (it computes none): the MD5-of-MD5s one, as the driver's own
    // Complete sends without known part CRC-64s (a caller's crc64 here is unchecked: never a CRC ETag).
    // QingStor does not sign the header, so it is returned to send.
    const parts = options.parts ?? [];
    const call = req.completeMultipart(key, options.multipartId as string, parts, multipartEtag(parts), options, secure);
    return { ...(await client.presign(call, options.expires, options.signal)), body: (call.body as Buffer).toString("utf8") };
  }
  const headers: Record<string, string> = { ...sseHeaders(options, secure), ...req.storageClassHeader(options.storageClass), ...objectHeadersOf(options) };
  headers["content-type"] = typeof options.contentType === "string" ? options.contentType : req.PRESIGNED_BODY_TYPE;
  if (typeof options.contentMd5 === "string") headers["content-md5"] = options.contentMd5;
  if (typeof options.size === "number") headers["content-length"] = String(options.size);
  return client.presign({ operation: "put_object", method: "PUT", key, query: [], headers }, options.expires, options.signal);
}
