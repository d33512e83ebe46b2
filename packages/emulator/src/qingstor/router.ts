import type { OperationName, Route } from "../common/operations.js";
import { splitPathStyle } from "../common/path-style.js";
import { routeOf } from "../common/unsupported.js";
import type { Exchange } from "../server/exchange.js";
import { header } from "../server/exchange.js";

/** The bucket operation the request names, undefined for a method no bucket operation takes. */
function bucketOperation(ex: Exchange): OperationName | undefined {
  const q = ex.query;
  switch (ex.method) {
    case "GET":
      if (q.has("uploads")) return "ListMultipartUploads";
      if (q.has("location")) return "GetBucketLocation";
      return "ListObjects";
    case "HEAD":
      return "HeadBucket";
    case "PUT":
      return "CreateBucket";
    case "DELETE":
      return "DeleteBucket";
    case "POST":
      if (q.has("delete")) return "DeleteObjects";
  }
  return undefined;
}

/** The object operation the request names, undefined for a method no object operation takes. */
function objectOperation(ex: Exchange): OperationName | undefined {
  const q = ex.query;
  switch (ex.method) {
    case "GET":
      return q.has("upload_id") ? "ListParts" : "GetObject";
    case "HEAD":
      return "HeadObject";
    case "PUT":
      if (q.has("part_number") && q.has("upload_id")) return header(ex, "x-qs-copy-source") !== undefined ? "UploadPartCopy" : "UploadPart";
      if (header(ex, "x-qs-copy-source") !== undefined) return "CopyObject";
      if (header(ex, "x-qs-move-source") !== undefined) return "MoveObject";
      if (header(ex, "x-qs-fetch-source") !== undefined) return "FetchObject";
      return "PutObject";
    case "POST":
      if (q.has("uploads")) return "InitiateMultipartUpload";
      if (q.has("upload_id")) return "CompleteMultipartUpload";
      if (q.has("append")) return "AppendObject";
      break;
    case "DELETE":
      return q.has("upload_id") ? "AbortMultipartUpload" : "DeleteObject";
  }
  return undefined;
}

/**
 * Classifies a QingStor request. Always path style (`/<bucket>/<key>`): the
 * JS SDK's Host header (`undefined.127.0.0.1`) carries nothing useful.
 * A method the resource does not allow, or a sub-resource the emulator does not implement, is a
 * refused route (`Route.refused`), answered once the request is authenticated.
 * @throws nothing.
 */
export function routeQingStor(ex: Exchange): Route {
  const parts = splitPathStyle(ex.rawPath);
  const base = { vhost: false, bucket: parts.bucket, key: parts.key };
  if (parts.bucket === undefined) return routeOf(ex, base, ex.method === "GET" ? "ListBuckets" : undefined);
  const operation = parts.key === undefined ? bucketOperation(ex) : objectOperation(ex);
  return routeOf(ex, base, operation);
}
