import { createHash, createHmac } from "node:crypto";
import { encodeKeyPath, encodeRfc3986, type QueryParam } from "@stowage/core";

/**
 * Query parameters OSS V1 signs ("sub-resources"): the Go SDK v2 list plus
 * what ali-oss signs. Every parameter whose name starts with `x-oss-` is
 * signed too. Listing parameters (`prefix`, `max-keys`, `list-type`...) are not.
 */
export const OSS_SUBRESOURCES: ReadonlySet<string> = new Set([
  "acl", "bucketInfo", "location", "stat", "delete", "append", "tagging", "objectMeta", "uploads", "uploadId",
  "partNumber", "security-token", "position", "response-content-type", "response-content-language",
  "response-expires", "response-cache-control", "response-content-disposition", "response-content-encoding",
  "restore", "callback", "callback-var", "versions", "versioning", "versionId", "sequential", "continuation-token",
  "regionList", "cloudboxes", "symlink", "resourceGroup", "lifecycle", "website", "cors", "logging", "referer",
  "encryption", "policy", "qos", "replication", "inventory", "worm", "requestPayment", "transferAcceleration",
]);

/** What an OSS signature covers. */
export interface OssSignInput {
  method: string;
  /** `/<bucket>/<raw key>` (not URL-encoded), `/<bucket>/` for bucket calls, `/` for the service. */
  resource: string;
  /** Query parameters with decoded values; `undefined` is a valueless flag. */
  query: readonly QueryParam[];
  /** Request headers, any case. */
  headers: Readonly<Record<string, string>>;
}

/** The secret a signature is made with. */
export interface OssSignKey {
  accessKeyId: string;
  accessKeySecret: string;
}

const byName = <T extends readonly [string, unknown]>(a: T, b: T): number => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);

function headerOf(headers: Readonly<Record<string, string>>, name: string): string {
  for (const [k, v] of Object.entries(headers)) if (k.toLowerCase() === name) return v;
  return "";
}

/** True for a query parameter V1 signs. @throws nothing */
export function isSubresource(name: string): boolean {
  return OSS_SUBRESOURCES.has(name) || name.startsWith("x-oss-");
}

/** `/bucket/key` followed by `?` and the sorted sub-resources (`k=v` with the decoded value, `k` when empty). @throws nothing */
export function ossV1CanonicalResource(resource: string, query: readonly QueryParam[]): string {
  const subs = query
    .filter(([k]) => isSubresource(k))
    .map(([k, v]) => [k, v ?? ""] as const)
    .sort(byName)
    .map(([k, v]) => (v === "" ? k : `${k}=${v}`));
  return subs.length === 0 ? resource : `${resource}?${subs.join("&")}`;
}

/** Every `x-oss-*` header as `name:value\n`, names lower-cased, values trimmed, sorted by name. */
function ossHeaderLines(headers: Readonly<Record<string, string>>): string {
  return Object.entries(headers)
    .map(([k, v]) => [k.toLowerCase(), v.trim()] as const)
    .filter(([k]) => k.startsWith("x-oss-"))
    .sort(byName)
    .map(([k, v]) => `${k}:${v}\n`)
    .join("");
}

/**
 * The V1 StringToSign (`protocols.md` §2.1): verb, Content-MD5, Content-Type,
 * `date` (the `x-oss-date` value, or `Expires` of a presigned URL), the
 * `x-oss-*` headers and the canonical resource.
 * @throws nothing
 */
export function ossV1StringToSign(input: OssSignInput, date: string): string {
  const h = input.headers;
  return `${input.method.toUpperCase()}\n${headerOf(h, "content-md5")}\n${headerOf(h, "content-type")}\n${date}\n${ossHeaderLines(h)}${ossV1CanonicalResource(input.resource, input.query)}`;
}

/** base64(HMAC-SHA1(secret, stringToSign)). @throws nothing */
export function ossV1Signature(secret: string, stringToSign: string): string {
  return createHmac("sha1", secret).update(stringToSign, "utf8").digest("base64");
}

/** The `Authorization` header value `OSS <ak>:<signature>` for `input` dated `date`. @throws nothing */
export function ossV1Authorization(input: OssSignInput, key: OssSignKey, date: string): string {
  return `OSS ${key.accessKeyId}:${ossV1Signature(key.accessKeySecret, ossV1StringToSign(input, date))}`;
}

/**
 * The query parameters a V1 presigned URL adds (`OSSAccessKeyId`, `Expires`,
 * `Signature`); `expires` is a Unix time in seconds. A security token must
 * already be in `input.query` as `security-token` (it is a signed sub-resource).
 * @throws nothing
 */
export function ossV1PresignQuery(input: OssSignInput, key: OssSignKey, expires: number): Array<[string, string]> {
  const signature = ossV1Signature(key.accessKeySecret, ossV1StringToSign(input, String(expires)));
  return [
    ["OSSAccessKeyId", key.accessKeyId],
    ["Expires", String(expires)],
    ["Signature", signature],
  ];
}

/** The V4 algorithm name. */
export const V4_ALGORITHM = "OSS4-HMAC-SHA256";
/** The payload hash OSS clients send: the body is not hashed. */
export const UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD";

/** `20231216T162057Z`, the V4 date form. @throws RangeError for an invalid Date */
export function isoBasic(date: Date): string {
  return date.toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");
}

/** Region, product and time of a V4 signature. */
export interface OssV4Context {
  /** Region id without `oss-` (`cn-hangzhou`). */
  region: string;
  /** `oss` (default) or `oss-cloudbox`. */
  product?: string;
  /** Signing time. */
  date: Date;
  /** Extra header names to sign besides Content-Type, Content-MD5 and `x-oss-*`. */
  additionalHeaders?: readonly string[];
}

/** The intermediate strings of a V4 signature (exposed for tests against the documented vectors). */
export interface OssV4Steps {
  canonicalRequest: string;
  stringToSign: string;
  /** `<yyyymmdd>/<region>/<product>/aliyun_v4_request`. */
  scope: string;
  /** Additional headers actually signed, lower-cased and sorted. */
  additionalHeaders: string[];
  signature: string;
}

function isDefaultSigned(name: string): boolean {
  return name === "content-type" || name === "content-md5" || name.startsWith("x-oss-");
}

/**
 * Computes a V4 signature (`protocols.md` §2.2) over every query parameter,
 * Content-Type, Content-MD5, `x-oss-*` and the additional headers present.
 * The date line is `isoBasic(ctx.date)`; the payload hash is the
 * `x-oss-content-sha256` header, else `UNSIGNED-PAYLOAD`. Pure.
 * @throws StorageError `InvalidArgument` for a query parameter or resource with a lone surrogate (core `encodeRfc3986`); RangeError for an invalid `ctx.date`
 */
export function ossV4SigningSteps(input: OssSignInput, key: OssSignKey, ctx: OssV4Context): OssV4Steps {
  const headers = Object.entries(input.headers).map(([k, v]) => [k.toLowerCase(), v.trim()] as const);
  const present = new Set(headers.map(([k]) => k));
  const additional = [...new Set((ctx.additionalHeaders ?? []).map((h) => h.toLowerCase()))].filter((h) => present.has(h) && !isDefaultSigned(h)).sort();
  const query = input.query
    .map(([k, v]) => [encodeRfc3986(k), encodeRfc3986(v ?? "")] as const)
    .sort((a, b) => byName(a, b) || (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0))
    .map(([k, v]) => (v === "" ? k : `${k}=${v}`))
    .join("&");
  const signed = headers
    .filter(([k]) => isDefaultSigned(k) || additional.includes(k))
    .sort(byName)
    .map(([k, v]) => `${k}:${v}\n`)
    .join("");
  const payload = headerOf(input.headers, "x-oss-content-sha256") || UNSIGNED_PAYLOAD;
  const canonicalRequest = `${input.method.toUpperCase()}\n${encodeKeyPath(input.resource)}\n${query}\n${signed}\n${additional.join(";")}\n${payload}`;
  const iso = isoBasic(ctx.date);
  const day = iso.slice(0, 8);
  const product = ctx.product ?? "oss";
  const scope = `${day}/${ctx.region}/${product}/aliyun_v4_request`;
  const stringToSign = `${V4_ALGORITHM}\n${iso}\n${scope}\n${createHash("sha256").update(canonicalRequest).digest("hex")}`;
  const hmac = (k: string | Buffer, data: string): Buffer => createHmac("sha256", k).update(data).digest();
  const signingKey = hmac(hmac(hmac(hmac(`aliyun_v4${key.accessKeySecret}`, day), ctx.region), product), "aliyun_v4_request");
  const signature = createHmac("sha256", signingKey).update(stringToSign).digest("hex");
  return { canonicalRequest, stringToSign, scope, additionalHeaders: additional, signature };
}

/**
 * The V4 `Authorization` header value. `input.headers` must already carry
 * `x-oss-date` (= `isoBasic(ctx.date)`) and `x-oss-content-sha256`.
 * @throws as {@link ossV4SigningSteps}
 */
export function ossV4Authorization(input: OssSignInput, key: OssSignKey, ctx: OssV4Context): string {
  const s = ossV4SigningSteps(input, key, ctx);
  const extra = s.additionalHeaders.length > 0 ? `,AdditionalHeaders=${s.additionalHeaders.join(";")}` : "";
  return `${V4_ALGORITHM} Credential=${key.accessKeyId}/${s.scope}${extra},Signature=${s.signature}`;
}

/**
 * The query parameters a V4 presigned URL adds to `input.query`, in order:
 * `x-oss-signature-version`, `x-oss-credential`, `x-oss-date`, `x-oss-expires`,
 * `x-oss-additional-headers` (when any), `x-oss-security-token` (when given), `x-oss-signature`.
 * @throws as {@link ossV4SigningSteps}
 */
export function ossV4PresignQuery(input: OssSignInput, key: OssSignKey, ctx: OssV4Context & { expires: number; securityToken?: string }): Array<[string, string]> {
  const day = isoBasic(ctx.date).slice(0, 8);
  const headerNames = new Set(Object.keys(input.headers).map((h) => h.toLowerCase()));
  const additional = [...new Set((ctx.additionalHeaders ?? []).map((h) => h.toLowerCase()))].filter((h) => headerNames.has(h) && !isDefaultSigned(h)).sort();
  const added: Array<[string, string]> = [
    ["x-oss-signature-version", V4_ALGORITHM],
    ["x-oss-credential", `${key.accessKeyId}/${day}/${ctx.region}/${ctx.product ?? "oss"}/aliyun_v4_request`],
    ["x-oss-date", isoBasic(ctx.date)],
    ["x-oss-expires", String(ctx.expires)],
  ];
  if (additional.length > 0) added.push(["x-oss-additional-headers", additional.join(";")]);
  if (ctx.securityToken) added.push(["x-oss-security-token", ctx.securityToken]);
  const steps = ossV4SigningSteps({ ...input, query: [...input.query, ...added] }, key, ctx);
  return [...added, ["x-oss-signature", steps.signature]];
}
