import { createHmac } from "node:crypto";

/**
 * Query parameters that OSS V1 signs ("sub-resources"): the Go SDK v2 list,
 * what ali-oss puts in `subres`, and the bucket sub-resources of older lists.
 * Any key starting with `x-oss-` is signed too.
 */
export const OSS_SUBRESOURCES: ReadonlySet<string> = new Set([
  "acl", "bucketInfo", "location", "stat", "delete", "append", "tagging", "objectMeta", "uploads", "uploadId",
  "partNumber", "security-token", "position", "response-content-type", "response-content-language",
  "response-expires", "response-cache-control", "response-content-disposition", "response-content-encoding",
  "restore", "callback", "callback-var", "versions", "versioning", "versionId", "sequential", "continuation-token",
  "regionList", "cloudboxes", "symlink", "resourceGroup", "lifecycle", "website", "cors", "logging", "referer",
  "encryption", "policy", "qos", "replication", "replicationLocation", "replicationProgress", "inventory",
  "inventoryId", "continuation-token", "worm", "wormId", "wormExtend", "requestPayment", "live", "status", "comp",
  "vod", "startTime", "endTime", "img", "style", "styleName", "processConfiguration", "accessPoint", "transferAcceleration",
]);

/** Inputs of the V1 StringToSign. */
export interface OssV1Input {
  method: string;
  contentMd5: string;
  contentType: string;
  /** `x-oss-date`, else `Date`, or `Expires` for presigned URLs. */
  date: string;
  /** Lowercase header names to values (only `x-oss-*` are used). */
  headers: Readonly<Record<string, string>>;
  /** The CanonicalizedResource, see {@link ossV1Resource}. */
  resource: string;
}

/**
 * CanonicalizedResource: `/bucket/key` with the raw key (`/bucket/` for bucket
 * operations, `/` without a bucket), then the signed sub-resources sorted,
 * `k=v` with the decoded value or `k` when empty.
 */
export function ossV1Resource(bucket: string | undefined, key: string | undefined, query: readonly (readonly [string, string])[]): string {
  let r = bucket === undefined ? "/" : `/${bucket}/${key ?? ""}`;
  const subs = query
    .filter(([k]) => OSS_SUBRESOURCES.has(k) || k.startsWith("x-oss-"))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => (v === "" ? k : `${k}=${v}`));
  if (subs.length > 0) r += "?" + subs.join("&");
  return r;
}

/** The V1 StringToSign. */
export function ossV1StringToSign(input: OssV1Input): string {
  const ossHeaders = Object.entries(input.headers)
    .filter(([k]) => k.startsWith("x-oss-"))
    .map(([k, v]) => [k.toLowerCase(), v.trim()] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}:${v}\n`)
    .join("");
  return `${input.method.toUpperCase()}\n${input.contentMd5}\n${input.contentType}\n${input.date}\n${ossHeaders}${input.resource}`;
}

/** base64(HMAC-SHA1(secret, stringToSign)). Pure. */
export function ossV1Signature(secretKey: string, stringToSign: string): string {
  return createHmac("sha1", secretKey).update(stringToSign, "utf8").digest("base64");
}
