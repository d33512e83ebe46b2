import type { OperationName, Route } from "../common/operations.js";
import { hostName, keyOfVirtualHost, splitPathStyle } from "../common/path-style.js";
import { routeOf } from "../common/unsupported.js";
import type { Exchange } from "../server/exchange.js";
import { header } from "../server/exchange.js";

/** `<bucket-appid>.cos.<region>.myqcloud.com` (also tencentcos.cn) or legacy `<bucket>.<region>.myqcloud.com`. */
const VHOST = /^([a-z0-9-]+)\.(?:cos\.)?([a-z0-9-]+)\.(?:myqcloud\.com|tencentcos\.cn)$/;

/** Bucket and region of a COS virtual-host name (no port), if it is one. */
export function cosVirtualHostName(host: string): { bucket: string; region: string } | undefined {
  const m = VHOST.exec(host.toLowerCase());
  if (!m || m[1] === "service" || m[1] === "cos") return undefined;
  return { bucket: m[1]!, region: m[2]! };
}

/** Bucket and region from a COS virtual-host `Host` header, if it is one. */
export function cosVirtualHost(ex: Exchange): { bucket: string; region: string } | undefined {
  return cosVirtualHostName(hostName(header(ex, "host")));
}

/** `cos[-internal].<region>.myqcloud.com` (also tencentcos.cn): a region's endpoint, addressed path style. */
const REGION_HOST = /^cos(?:-internal)?\.([a-z0-9-]+)\.(?:myqcloud\.com|tencentcos\.cn)$/;

/**
 * Names that are no region of their own here: the acceleration host serves every region, and the
 * legacy names (`<bucket>.<legacy region>.myqcloud.com`) are aliases of current regions.
 */
const NOT_A_REGION = new Set(["accelerate", "cn-south", "cn-south-2", "cn-north", "cn-east", "cn-southwest", "sg"]);

/** The region a COS Host names (virtual host or path-style region endpoint); undefined for any other host. */
function hostRegionOf(ex: Exchange, vh: { region: string } | undefined): string | undefined {
  const region = vh?.region ?? REGION_HOST.exec(hostName(header(ex, "host")))?.[1];
  return region === undefined || NOT_A_REGION.has(region) ? undefined : region;
}

/** Sub-resources of objects this front-end implements although the emulator's others may not. */
const OBJECT_SUBRESOURCES = ["restore"];

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
  const copy = header(ex, "x-cos-copy-source") !== undefined;
  switch (ex.method) {
    case "GET":
      return q.has("uploadId") ? "ListParts" : "GetObject";
    case "HEAD":
      return "HeadObject";
    case "PUT":
      if (q.has("partNumber") && q.has("uploadId")) return copy ? "UploadPartCopy" : "UploadPart";
      return copy ? "CopyObject" : "PutObject";
    case "POST":
      if (q.has("uploads")) return "InitiateMultipartUpload";
      if (q.has("uploadId")) return "CompleteMultipartUpload";
      if (q.has("append")) return "AppendObject";
      if (q.has("restore")) return "RestoreObject";
      break;
    case "DELETE":
      return q.has("uploadId") ? "AbortMultipartUpload" : "DeleteObject";
  }
  return undefined;
}

/**
 * Classifies a COS request: bucket from a virtual-host Host header, else
 * path style (`/<bucket>/<key>`). The region the Host names, if any, is the
 * route's `hostRegion`.
 * A method the resource does not allow, or a sub-resource the emulator does not implement, is a
 * refused route (`Route.refused`), answered once the request is authenticated.
 * @throws nothing.
 */
export function routeCos(ex: Exchange): Route {
  const vh = cosVirtualHost(ex);
  const parts = vh ? { bucket: vh.bucket, key: keyOfVirtualHost(ex.rawPath) } : splitPathStyle(ex.rawPath);
  const base = { vhost: vh !== undefined, hostRegion: hostRegionOf(ex, vh), bucket: parts.bucket, key: parts.key };
  if (parts.bucket === undefined) return routeOf(ex, base, ex.method === "GET" ? "ListBuckets" : undefined);
  const operation = parts.key === undefined ? bucketOperation(ex) : objectOperation(ex);
  return routeOf(ex, base, operation, parts.key === undefined ? [] : OBJECT_SUBRESOURCES);
}
