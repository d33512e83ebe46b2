import type { IncomingHttpHeaders } from "node:http";
import { ErrorCode, headerValue, md5Base64, storageError, type DriverCallOptions, type RawObject } from "@stowage/core";
import { METADATA_LIMIT, type QsCall } from "./requests.js";
import { sseHeaders } from "./sse.js";

/**
 * The virtual link format of go-storage's QingStor service (RFC-79): a zero-byte
 * object whose user metadata `x-qs-meta-bs-link-target` names the target's key
 * (work_dir included, no leading `/`). Stowage adds the content type
 * {@link LINK_CONTENT_TYPE} so that listings, which carry the type but no
 * metadata, can tell links too. Everything here is pure.
 */
export const LINK_TARGET_HEADER = "x-qs-meta-bs-link-target";

/** The content type of the links Stowage makes (go-storage's links have none of their own). */
export const LINK_CONTENT_TYPE = "application/x-stowage-link";

/** Links followed in a row before a read or copy gives up (a loop, or a chain too long). */
export const MAX_LINK_HOPS = 8;

/** What a header value may carry as it is: printable ASCII and inner tabs, no space or tab at either end (HTTP trims those). */
const HEADER_SAFE = /^[\x21-\x7e](?:[\t\x20-\x7e]*[\x21-\x7e])?$/;

/**
 * `value` escaped as the QingStor Go SDK escapes a header value with a non-ASCII
 * character (`utils.URLQueryEscape`): every byte of its UTF-8 but
 * `A-Z a-z 0-9 - _ . ~ / =` percent-encoded with upper-case hex, a space as `%20`.
 * @throws StorageError `InvalidArgument` for a string that is not valid UTF-16 (a lone surrogate)
 */
export function goQueryEscape(value: string): string {
  let escaped: string;
  try {
    escaped = encodeURIComponent(value);
  } catch {
    throw storageError(ErrorCode.InvalidArgument, "a link target must be valid Unicode (it has a lone surrogate)");
  }
  return escaped.replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`).replace(/%2F/g, "/").replace(/%3D/g, "=");
}

/** The string `value` is the {@link goQueryEscape} of, or undefined when it is no such escape. */
function unescapeExact(value: string): string | undefined {
  if (!value.includes("%")) return undefined;
  let decoded: string;
  try {
    decoded = decodeURIComponent(value);
  } catch {
    return undefined;
  }
  return goQueryEscape(decoded) === value ? decoded : undefined;
}

/**
 * True when `key` cannot travel as it is: it is not header-safe, or it reads as
 * the escape of a key that is (recursively), so sending it raw would be misread.
 */
function mustEscape(key: string): boolean {
  if (!HEADER_SAFE.test(key)) return true;
  const inner = unescapeExact(key);
  return inner !== undefined && mustEscape(inner);
}

/**
 * The `x-qs-meta-bs-link-target` value naming `targetKey`, byte for byte what
 * go-storage (through the Go SDK) sends: the key as it is when it is printable
 * ASCII, else its {@link goQueryEscape}. Stowage also escapes the few ASCII keys
 * that would not survive as they are (a space or tab at either end, control characters) or would read back
 * as an escape (`%C3%A9`), so {@link decodeLinkTarget} returns every key exactly.
 * @throws StorageError `InvalidArgument` when the value would exceed QingStor's 2 KB of user metadata, for invalid
 * Unicode, or when `targetKey` is not a string (the message names its kind, never the value)
 */
export function encodeLinkTarget(targetKey: string): string {
  if (typeof targetKey !== "string") {
    throw storageError(ErrorCode.InvalidArgument, `encodeLinkTarget: targetKey must be a string, got ${targetKey === null ? "null" : typeof targetKey}`);
  }
  const value = mustEscape(targetKey) ? goQueryEscape(targetKey) : targetKey;
  const size = Buffer.byteLength(LINK_TARGET_HEADER.slice("x-qs-meta-".length)) + Buffer.byteLength(value);
  if (size > METADATA_LIMIT) {
    throw storageError(ErrorCode.InvalidArgument, `the link target takes ${size} bytes of user metadata; QingStor keeps at most ${METADATA_LIMIT}`);
  }
  return value;
}

/**
 * The target key a `x-qs-meta-bs-link-target` value names: the escape undone
 * when the value is the exact escape of a key that needed one, else the value
 * as it is; a leading `/` (an absolute form) is dropped. The one ambiguity is
 * go-storage's: a printable-ASCII key that is itself such an escape, written by
 * go-storage, reads as the key it escapes.
 * @throws StorageError `InvalidArgument` when `value` is not a string (the message names its kind, never the value).
 */
export function decodeLinkTarget(value: string): string {
  if (typeof value !== "string") throw storageError(ErrorCode.InvalidArgument, `decodeLinkTarget: value must be a string, got ${value === null ? "null" : typeof value}`);
  const inner = unescapeExact(value);
  const key = inner !== undefined && mustEscape(inner) ? inner : value;
  return key.startsWith("/") ? key.slice(1) : key;
}

/** The target key of a HEAD or GET answer that carries link metadata (not for `dir/` keys), else undefined. @throws nothing */
export function linkTargetOf(key: string, headers: IncomingHttpHeaders): string | undefined {
  if (key.endsWith("/")) return undefined;
  const value = headerValue(headers, LINK_TARGET_HEADER);
  if (value === undefined) return undefined;
  const target = decodeLinkTarget(value);
  return target === "" ? undefined : target;
}

/** `key` as a `link` object when a HEAD answer carries link metadata: the link's own ETag and date, no size. @throws nothing */
export function linkFromHeaders(key: string, headers: IncomingHttpHeaders): RawObject | undefined {
  const target = linkTargetOf(key, headers);
  if (target === undefined) return undefined;
  const link: RawObject = { key, mode: "link", linkTarget: "/" + target };
  const etag = headerValue(headers, "etag");
  if (etag !== undefined) link.etag = etag;
  const modified = new Date(headerValue(headers, "last-modified") ?? "");
  if (!Number.isNaN(modified.getTime())) link.lastModified = modified;
  return link;
}

/** True for the content type Stowage gives links (parameters and case ignored). @throws nothing */
export function isLinkContentType(type: string | undefined): boolean {
  return type !== undefined && type.split(";")[0]!.trim().toLowerCase() === LINK_CONTENT_TYPE;
}

/**
 * PutObject of a link: zero bytes, type {@link LINK_CONTENT_TYPE}, the target in
 * `x-qs-meta-bs-link-target` (see {@link encodeLinkTarget}), SSE-C when given
 * (so a storager opened with a key can HEAD and GET its links), Content-MD5 of
 * the empty body when `withMd5`.
 * @throws StorageError `InvalidArgument` (a target too long for the metadata, SSE-C over http or a bad key)
 */
export function putLink(key: string, targetKey: string, options: DriverCallOptions, secure: boolean, withMd5: boolean): QsCall {
  const headers: Record<string, string> = {
    ...sseHeaders(options, secure),
    "content-type": LINK_CONTENT_TYPE,
    [LINK_TARGET_HEADER]: encodeLinkTarget(targetKey),
    "content-length": "0",
  };
  if (withMd5) headers["content-md5"] = md5Base64(Buffer.alloc(0));
  return { operation: "put_object", method: "PUT", key, query: [], headers, body: Buffer.alloc(0) };
}
