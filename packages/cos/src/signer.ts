import { createHash, createHmac } from "node:crypto";
import { encodeRfc3986 } from "@stowage/core";

/** Headers signed besides every `x-cos-*` / `x-ci-*` one (the Node SDK's list; `host` always). */
const SIGNED_HEADERS = new Set([
  "cache-control",
  "content-disposition",
  "content-encoding",
  "content-length",
  "content-md5",
  "content-type",
  "expect",
  "expires",
  "host",
  "if-match",
  "if-modified-since",
  "if-none-match",
  "if-unmodified-since",
  "origin",
  "range",
  "transfer-encoding",
]);

/** What a COS signature covers. */
export interface CosSignInput {
  method: string;
  /** The decoded object path (`/dir/a b.txt`, `/` for bucket operations), without a path-style bucket segment. */
  pathname: string;
  /** Query parameters (decoded values); every one is signed. `undefined` is a valueless flag. */
  query: ReadonlyArray<readonly [string, string | undefined]>;
  /** Headers (any case); those COS signs are picked, empty values skipped. */
  headers: Readonly<Record<string, string>>;
}

/** Secret and validity window of a signature. */
export interface CosSignKey {
  secretId: string;
  secretKey: string;
  /** Unix seconds. */
  start: number;
  /** Unix seconds. */
  end: number;
}

/** The parts of a COS signature, as they go into an Authorization header or a presigned URL. */
export interface CosSignature {
  "q-sign-algorithm": "sha1";
  "q-ak": string;
  "q-sign-time": string;
  "q-key-time": string;
  "q-header-list": string;
  "q-url-param-list": string;
  "q-signature": string;
}

/** `name=value&…` and the `;`-joined names, both sorted by the encoded, lower-cased name. */
function canonical(entries: ReadonlyArray<readonly [string, string | undefined]>): { text: string; list: string } {
  const encoded = entries.map(([k, v]) => [encodeRfc3986(k).toLowerCase(), encodeRfc3986(v ?? "")] as const);
  encoded.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  return { text: encoded.map(([k, v]) => `${k}=${v}`).join("&"), list: encoded.map(([k]) => k).join(";") };
}

/** True for a header COS signs (by the Node SDK's rules). */
export function isSignedHeader(name: string): boolean {
  const n = name.toLowerCase();
  return SIGNED_HEADERS.has(n) || n.startsWith("x-cos-") || n.startsWith("x-ci-");
}

/** The intermediate strings of a signature (exposed for tests against the documented vectors). */
export interface CosSigningSteps {
  signKey: string;
  httpString: string;
  stringToSign: string;
  signature: CosSignature;
}

/**
 * Computes a COS request signature (protocols.md §1.1): HMAC-SHA1 over the
 * method, decoded path, every query parameter and the signed headers, keyed
 * by HMAC-SHA1 of the key time. Pure: the clock comes in through `key`.
 */
export function cosSigningSteps(input: CosSignInput, key: CosSignKey): CosSigningSteps {
  const keyTime = `${key.start};${key.end}`;
  const signKey = createHmac("sha1", key.secretKey).update(keyTime).digest("hex");
  const params = canonical(input.query);
  const signedHeaders = Object.entries(input.headers).filter(([k, v]) => v !== "" && isSignedHeader(k));
  const headers = canonical(signedHeaders);
  const httpString = `${input.method.toLowerCase()}\n${input.pathname}\n${params.text}\n${headers.text}\n`;
  const stringToSign = `sha1\n${keyTime}\n${createHash("sha1").update(httpString).digest("hex")}\n`;
  const signature = createHmac("sha1", signKey).update(stringToSign).digest("hex");
  return {
    signKey,
    httpString,
    stringToSign,
    signature: {
      "q-sign-algorithm": "sha1",
      "q-ak": key.secretId,
      "q-sign-time": keyTime,
      "q-key-time": keyTime,
      "q-header-list": headers.list,
      "q-url-param-list": params.list,
      "q-signature": signature,
    },
  };
}

/** The `Authorization` header value (no scheme word) for `input`. */
export function cosAuthorization(input: CosSignInput, key: CosSignKey): string {
  const s = cosSigningSteps(input, key).signature;
  return Object.entries(s)
    .map(([k, v]) => `${k}=${v}`)
    .join("&");
}

/** The query parameters of a presigned URL for `input` (append them after the request's own). */
export function cosPresignQuery(input: CosSignInput, key: CosSignKey): Array<[string, string]> {
  return Object.entries(cosSigningSteps(input, key).signature);
}

/** A signing window starting one second ago and lasting `seconds` (the Node SDK's habit), from the clock `now`. */
export function signWindow(now: Date, seconds: number): { start: number; end: number } {
  const start = Math.floor(now.getTime() / 1000) - 1;
  return { start, end: start + seconds };
}
