import { createHash, createHmac } from "node:crypto";
import { strictEncode } from "../common/encoding.js";

/** The parts of a COS `q-sign` authorization (header or presigned query). */
export interface CosAuthorization {
  algorithm: string;
  accessKey: string;
  signTime: string;
  keyTime: string;
  /** Url-encoded header names, as listed (the canonical form: lower case, sorted; {@link isCanonicalList}). */
  headerList: string[];
  /** Url-encoded query parameter names, as listed (the canonical form: lower case, sorted). */
  urlParamList: string[];
  signature: string;
}

function splitList(v: string | undefined): string[] {
  if (v === undefined || v === "") return [];
  return v.split(";").filter((s) => s !== "");
}

/**
 * Whether a `q-header-list` / `q-url-param-list` is in the form `protocols.md` §1.1 gives: names in
 * lower case, sorted, each once. The emulator takes no other (a client that lists `Host` or lists
 * out of order is refused here, whatever the service may forgive).
 */
export function isCanonicalList(list: readonly string[]): boolean {
  return list.every((name, i) => name === name.toLowerCase() && (i === 0 || list[i - 1]! < name));
}

function fromPairs(get: (name: string) => string | undefined): CosAuthorization | undefined {
  const algorithm = get("q-sign-algorithm");
  const accessKey = get("q-ak");
  const signature = get("q-signature");
  const keyTime = get("q-key-time");
  const signTime = get("q-sign-time");
  if (algorithm === undefined || accessKey === undefined || signature === undefined || keyTime === undefined || signTime === undefined) return undefined;
  return {
    algorithm,
    accessKey,
    keyTime,
    signTime,
    headerList: splitList(get("q-header-list")),
    urlParamList: splitList(get("q-url-param-list")),
    signature,
  };
}

/** Parses an `Authorization` header value (no scheme word, `&`-joined). */
export function parseCosAuthorization(value: string): CosAuthorization | undefined {
  const m = new Map<string, string>();
  for (const part of value.trim().split("&")) {
    const eq = part.indexOf("=");
    if (eq > 0) m.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  return fromPairs((n) => m.get(n));
}

/** Parses the `q-*` parameters of a presigned URL (values already decoded). */
export function parseCosQueryAuthorization(query: URLSearchParams): CosAuthorization | undefined {
  return fromPairs((n) => query.get(n) ?? undefined);
}

/** What is signed, besides the key. */
export interface CosSignInput {
  method: string;
  /** Decoded path starting with `/` (the key; `/` for bucket operations). */
  pathname: string;
  /** Decoded query parameters (the `q-*` ones are ignored). */
  query: readonly (readonly [string, string])[];
  /** Lowercase header names to values. */
  headers: Readonly<Record<string, string>>;
}

function canonicalPairs(list: readonly string[], source: readonly (readonly [string, string])[]): string {
  const byName = new Map<string, string>();
  for (const [k, v] of source) {
    const name = strictEncode(k).toLowerCase();
    if (!byName.has(name)) byName.set(name, v);
  }
  return list
    .map((name) => `${name}=${strictEncode(byName.get(name) ?? "")}`)
    .join("&");
}

/** The COS HttpString for `input` under the lists of `auth`. */
export function cosHttpString(input: CosSignInput, auth: Pick<CosAuthorization, "headerList" | "urlParamList">): string {
  const params = canonicalPairs(auth.urlParamList, input.query);
  const headers = canonicalPairs(auth.headerList, Object.entries(input.headers));
  return `${input.method.toLowerCase()}\n${input.pathname}\n${params}\n${headers}\n`;
}

/** The COS StringToSign for `input`. */
export function cosStringToSign(input: CosSignInput, auth: Pick<CosAuthorization, "headerList" | "urlParamList" | "signTime">): string {
  const sha = createHash("sha1").update(cosHttpString(input, auth)).digest("hex");
  return `sha1\n${auth.signTime}\n${sha}\n`;
}

/** The expected `q-signature` (40 lowercase hex) for `input`. Pure. */
export function cosSignature(secretKey: string, input: CosSignInput, auth: Omit<CosAuthorization, "signature" | "accessKey" | "algorithm">): string {
  const signKey = createHmac("sha1", secretKey).update(auth.keyTime).digest("hex");
  return createHmac("sha1", signKey).update(cosStringToSign(input, auth)).digest("hex");
}
