import crypto, { createHash, createHmac } from "node:crypto";
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

/** Most secrets whose last signing key is remembered (a process rarely signs with more). */
const SIGN_KEY_CACHE_MAX = 64;
/** A secret's signing key for one key time, and the HMAC keyed by it. */
interface SignKeyEntry {
  keyTime: string;
  signKey: string;
  /** HMAC-SHA1(signKey, text) in hex. */
  hmac: (text: string) => string;
}
/** The signing key of each secret's latest key time: one HMAC per secret per key-time window instead of one per request. */
const signKeys = new Map<string, SignKeyEntry>();

/** HMAC-SHA1(secretKey, keyTime) in hex: the SignKey of `protocols.md` §1.1, cached per secret for its latest key time. */
function signingKey(secretKey: string, keyTime: string): SignKeyEntry {
  const hit = signKeys.get(secretKey);
  if (hit !== undefined && hit.keyTime === keyTime) return hit;
  const signKey = createHmac("sha1", secretKey).update(keyTime).digest("hex");
  if (hit === undefined && signKeys.size >= SIGN_KEY_CACHE_MAX) signKeys.clear();
  const entry = { keyTime, signKey, hmac: hmacSha1(signKey) };
  signKeys.set(secretKey, entry);
  return entry;
}

/** Node's one-shot `crypto.hash` (Node ≥ 20.12), which makes no Hash object; undefined before. */
const oneShotHash = (crypto as { hash?: unknown }).hash as ((algorithm: string, data: string | Buffer, encoding: "hex" | "buffer") => string | Buffer) | undefined;
/** Text of code units below 0x80 only (its UTF-8 is one byte a unit). */
const ASCII = /^[\x00-\x7f]*$/;

/**
 * HMAC-SHA1 keyed by `key`, as a function of the text (UTF-8) it signs, in hex. With node's one-shot
 * hash it is RFC 2104 spelled out: SHA-1(key ^ opad ‖ SHA-1(key ^ ipad ‖ text)), the padded keys
 * made once per key (the inner one as text: for an ASCII key of at most 64 bytes its bytes are all
 * below 0x80), so a request makes no Hmac object. The same digest as `createHmac`.
 */
function hmacSha1(key: string): (text: string) => string {
  const hash = oneShotHash;
  if (hash === undefined || key.length > 64 || !ASCII.test(key)) return (text) => createHmac("sha1", key).update(text).digest("hex");
  const inner = Buffer.alloc(64, 0x36);
  // The outer block, then room for the inner digest (written into it before each outer hash).
  const outer = Buffer.alloc(64 + 20, 0x5c);
  for (let i = 0; i < key.length; i++) {
    inner[i]! ^= key.charCodeAt(i);
    outer[i]! ^= key.charCodeAt(i);
  }
  const innerText = inner.toString("latin1");
  return (text) => {
    (hash("sha1", innerText + text, "buffer") as Buffer).copy(outer, 64);
    return hash("sha1", outer, "hex") as string;
  };
}

/** `name=value&…` and the `;`-joined names, both sorted by the encoded, lower-cased name. */
function canonical(entries: ReadonlyArray<readonly [string, string | undefined]>): { text: string; list: string } {
  if (entries.length === 0) return { text: "", list: "" };
  const encoded: Array<[string, string]> = [];
  for (const [k, v] of entries) encoded.push([encodeRfc3986(k).toLowerCase(), encodeRfc3986(v ?? "")]);
  return joinSorted(encoded);
}

/** Most header names whose canonical form is remembered (requests use a handful; a caller's metadata adds some). */
const HEADER_NAME_CACHE_MAX = 256;
/** Each header name seen: its encoded, lower-cased form when COS signs it, `null` when it does not. */
const headerNames = new Map<string, string | null>();

/** The encoded, lower-cased form of header `name` when COS signs it, else null (remembered per name). */
function signedHeaderName(name: string): string | null {
  const hit = headerNames.get(name);
  if (hit !== undefined) return hit;
  const canonicalName = isSignedHeader(name) ? encodeRfc3986(name).toLowerCase() : null;
  if (headerNames.size >= HEADER_NAME_CACHE_MAX) headerNames.clear();
  headerNames.set(name, canonicalName);
  return canonicalName;
}

/** {@link canonical} of the headers COS signs (non-empty values only). */
function canonicalHeaders(headers: Readonly<Record<string, string>>): { text: string; list: string } {
  const encoded: Array<[string, string]> = [];
  for (const k in headers) {
    const v = headers[k]!;
    if (v === "") continue;
    const name = signedHeaderName(k);
    if (name !== null) encoded.push([name, encodeRfc3986(v)]);
  }
  return joinSorted(encoded);
}

/** Orders two encoded `[name, value]` pairs: by name, then by value. */
function comparePairs(a: readonly [string, string], b: readonly [string, string]): number {
  return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0;
}

function joinSorted(encoded: Array<[string, string]>): { text: string; list: string } {
  // An insertion sort: a request signs a handful of pairs, often in order already, and
  // Array.prototype.sort would copy them into a scratch array first. The same order results.
  for (let i = 1; i < encoded.length; i++) {
    const pair = encoded[i]!;
    let j = i - 1;
    for (; j >= 0 && comparePairs(encoded[j]!, pair) > 0; j--) encoded[j + 1] = encoded[j]!;
    encoded[j + 1] = pair;
  }
  let text = "";
  let list = "";
  for (let i = 0; i < encoded.length; i++) {
    const [k, v] = encoded[i]!;
    text += i === 0 ? `${k}=${v}` : `&${k}=${v}`;
    list += i === 0 ? k : `;${k}`;
  }
  return { text, list };
}

/** Hex SHA-1 of a string: node's one-shot `crypto.hash` where it exists (Node ≥ 20.12), else a Hash object. */
const sha1Hex: (text: string) => string =
  typeof (crypto as { hash?: unknown }).hash === "function"
    ? (text) => (crypto as unknown as { hash(algorithm: string, data: string, encoding: "hex"): string }).hash("sha1", text, "hex")
    : (text) => createHash("sha1").update(text).digest("hex");

/** True for a header COS signs (by the Node SDK's rules). @throws nothing */
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
 * Computes a COS request signature (`protocols.md` §1.1): HMAC-SHA1 over the
 * method, decoded path, every query parameter and the signed headers, keyed
 * by HMAC-SHA1 of the key time. Pure: the clock comes in through `key`, and the
 * same input always gives the same result (the key-time HMAC is remembered per
 * secret for its latest key time, which changes nothing but the cost).
 * @throws StorageError `InvalidArgument` for a query parameter or signed header with a lone surrogate (core `encodeRfc3986`)
 */
export function cosSigningSteps(input: CosSignInput, key: CosSignKey): CosSigningSteps {
  const keyTime = `${key.start};${key.end}`;
  const signing = signingKey(key.secretKey, keyTime);
  const params = canonical(input.query);
  const headers = canonicalHeaders(input.headers);
  const httpString = `${input.method.toLowerCase()}\n${input.pathname}\n${params.text}\n${headers.text}\n`;
  const stringToSign = `sha1\n${keyTime}\n${sha1Hex(httpString)}\n`;
  const signature = signing.hmac(stringToSign);
  return {
    signKey: signing.signKey,
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

/**
 * The `Authorization` header value (no scheme word) for `input`.
 * @throws StorageError `InvalidArgument` for a query parameter or signed header with a lone surrogate (core `encodeRfc3986`)
 */
export function cosAuthorization(input: CosSignInput, key: CosSignKey): string {
  const s = cosSigningSteps(input, key).signature;
  return (
    `q-sign-algorithm=${s["q-sign-algorithm"]}&q-ak=${s["q-ak"]}&q-sign-time=${s["q-sign-time"]}&q-key-time=${s["q-key-time"]}` +
    `&q-header-list=${s["q-header-list"]}&q-url-param-list=${s["q-url-param-list"]}&q-signature=${s["q-signature"]}`
  );
}

/**
 * The query parameters of a presigned URL for `input` (append them after the request's own).
 * @throws StorageError `InvalidArgument` for a query parameter or signed header with a lone surrogate (core `encodeRfc3986`)
 */
export function cosPresignQuery(input: CosSignInput, key: CosSignKey): Array<[string, string]> {
  return Object.entries(cosSigningSteps(input, key).signature);
}

/** A signing window starting one second ago and lasting `seconds` (the Node SDK's habit), from the clock `now`. @throws nothing */
export function signWindow(now: Date, seconds: number): { start: number; end: number } {
  const start = Math.floor(now.getTime() / 1000) - 1;
  return { start, end: start + seconds };
}
