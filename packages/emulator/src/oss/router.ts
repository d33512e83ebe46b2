import type { OperationName, Route } from "../common/operations.js";
import { hostName, keyOfVirtualHost, splitPathStyle } from "../common/path-style.js";
import { routeOf } from "../common/unsupported.js";
import type { Exchange } from "../server/exchange.js";
import { header } from "../server/exchange.js";

/** `<bucket>.oss-<region>[-internal].aliyuncs.com`. */
const VHOST = /^([a-z0-9-]+)\.oss-([a-z0-9-]+?)(?:-internal)?\.aliyuncs\.com$/;

/** `oss-<region>[-internal].aliyuncs.com`: a region's endpoint, addressed path style. */
const REGION_HOST = /^oss-([a-z0-9-]+?)(?:-internal)?\.aliyuncs\.com$/;

/** `oss-<name>` hosts that serve buckets of every region (transfer acceleration, resource groups). */
const NOT_A_REGION = /^(?:accelerate(?:-overseas)?|rg-.*)$/;

/** Bucket and region from an OSS virtual-host `Host` header, if it is one. */
export function ossVirtualHost(ex: Exchange): { bucket: string; region: string } | undefined {
  const m = VHOST.exec(hostName(header(ex, "host")));
  return m ? { bucket: m[1]!, region: m[2]! } : undefined;
}

/** The region an OSS Host names (virtual host or path-style region endpoint); undefined for any other host. */
function hostRegionOf(ex: Exchange, vh: { region: string } | undefined): string | undefined {
  const region = vh?.region ?? REGION_HOST.exec(hostName(header(ex, "host")))?.[1];
  return region === undefined || NOT_A_REGION.test(region) ? undefined : region;
}

/** Sub-resources of objects this front-end implements although the other providers' do not. */
const OBJECT_SUBRESOURCES = ["symlink", "restore"];

/** The bucket operation the request names, undefined for a method no bucket operation takes. */
function bucketOperation(ex: Exchange): OperationName | undefined {
  const q = ex.query;
  switch (ex.method) {
    case "GET":
      if (q.has("uploads")) return "ListMultipartUploads";
      if (q.has("location")) return "GetBucketLocation";
      if (q.has("bucketInfo")) return "HeadBucket";
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
  if (q.has("symlink") && ex.method !== "GET" && ex.method !== "PUT") return undefined;
  const copy = header(ex, "x-oss-copy-source") !== undefined;
  switch (ex.method) {
    case "GET":
      if (q.has("symlink")) return "GetSymlink";
      if (q.has("uploadId")) return "ListParts";
      return q.has("objectMeta") ? "HeadObject" : "GetObject";
    case "HEAD":
      return "HeadObject";
    case "PUT":
      if (q.has("symlink")) return "PutSymlink";
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
 * Classifies an OSS request: bucket from a virtual-host Host header (what
 * ali-oss sends to an IP endpoint), else path style (`sldEnable`). The region
 * the Host names, if any, is the route's `hostRegion`.
 * A method the resource does not allow, or a sub-resource the emulator does not implement, is a
 * refused route (`Route.refused`), answered once the request is authenticated.
 * @throws nothing.
 */
export function routeOss(ex: Exchange): Route {
  const vh = ossVirtualHost(ex);
  const parts = vh ? { bucket: vh.bucket, key: keyOfVirtualHost(ex.rawPath) } : splitPathStyle(ex.rawPath);
  const base = { vhost: vh !== undefined, hostRegion: hostRegionOf(ex, vh), bucket: parts.bucket, key: parts.key };
  if (parts.bucket === undefined) return routeOf(ex, base, ex.method === "GET" ? "ListBuckets" : undefined);
  const operation = parts.key === undefined ? bucketOperation(ex) : objectOperation(ex);
  return routeOf(ex, base, operation, parts.key === undefined ? [] : OBJECT_SUBRESOURCES);
}
