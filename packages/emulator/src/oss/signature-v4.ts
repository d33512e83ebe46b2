import { createHash, createHmac } from "node:crypto";
import { strictEncode, strictEncodePath } from "../common/encoding.js";

/** Inputs of the OSS V4 canonical request. */
export interface OssV4Input {
  method: string;
  bucket?: string;
  key?: string;
  /** Decoded query parameters (for presigned URLs without `x-oss-signature`). */
  query: readonly (readonly [string, string])[];
  /** Lowercase header names to values. */
  headers: Readonly<Record<string, string>>;
  /** Lowercase names of additional signed headers. */
  additionalHeaders: readonly string[];
  /** `x-oss-content-sha256` value, default `UNSIGNED-PAYLOAD`. */
  hashedPayload: string;
}

/** The V4 CanonicalRequest. */
export function ossV4CanonicalRequest(input: OssV4Input): string {
  const path = input.bucket === undefined ? "/" : `/${input.bucket}/${input.key ?? ""}`;
  const uri = strictEncodePath(path);
  const query = input.query
    .map(([k, v]) => [strictEncode(k), strictEncode(v)] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => (v === "" ? k : `${k}=${v}`))
    .join("&");
  const additional = [...input.additionalHeaders].map((h) => h.toLowerCase()).sort();
  const signed = Object.entries(input.headers)
    .map(([k, v]) => [k.toLowerCase(), v.trim()] as const)
    .filter(([k]) => k === "content-type" || k === "content-md5" || k.startsWith("x-oss-") || additional.includes(k))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}:${v}\n`)
    .join("");
  return `${input.method.toUpperCase()}\n${uri}\n${query}\n${signed}\n${additional.join(";")}\n${input.hashedPayload}`;
}

/** The V4 StringToSign; `scope` is `<yyyymmdd>/<region>/oss/aliyun_v4_request`. */
export function ossV4StringToSign(isoDate: string, scope: string, canonicalRequest: string): string {
  return `OSS4-HMAC-SHA256\n${isoDate}\n${scope}\n${createHash("sha256").update(canonicalRequest).digest("hex")}`;
}

/** hex(HMAC-SHA256(signingKey, stringToSign)) with the V4 key derivation. Pure. */
export function ossV4Signature(secretKey: string, day: string, region: string, product: string, stringToSign: string): string {
  const h = (key: string | Buffer, data: string): Buffer => createHmac("sha256", key).update(data).digest();
  const key = h(h(h(h("aliyun_v4" + secretKey, day), region), product), "aliyun_v4_request");
  return createHmac("sha256", key).update(stringToSign).digest("hex");
}
