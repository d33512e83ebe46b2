import type { IncomingHttpHeaders } from "node:http";
import type { DriverCallOptions, RawObject } from "../driver/storage-driver.js";
import { OBJECT_HEADERS, type ObjectHeaders } from "../object/object-headers.js";
import { headerValue } from "./http-request.js";

/**
 * The {@link ObjectHeaders} among a call's options (validated by core), as request headers: what a
 * PUT, an upload's start, a first append or a presigned write sends so the service stores them.
 * @throws nothing.
 */
export function objectHeadersOf(options: DriverCallOptions): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [field, name] of OBJECT_HEADERS) {
    const value = options[field];
    if (typeof value === "string") out[name] = value;
  }
  return out;
}

/**
 * The names of the {@link ObjectHeaders} options a call gives (camelCase): what a driver that cannot
 * carry them on some request (QingStor's multipart uploads and appends) checks before sending it.
 * @throws nothing.
 */
export function givenObjectHeaders(options: DriverCallOptions): Array<keyof ObjectHeaders> {
  return OBJECT_HEADERS.filter(([field]) => typeof options[field] === "string").map(([field]) => field);
}

/**
 * Copies the {@link ObjectHeaders} an answer to HEAD or GET carries onto `raw` (empty values left out).
 * @throws nothing.
 */
export function readObjectHeaders(headers: IncomingHttpHeaders, raw: RawObject): void {
  for (const [field, name] of OBJECT_HEADERS) {
    const value = headerValue(headers, name);
    if (value !== undefined && value !== "") raw[field] = value;
  }
}

/**
 * Cache-Control, Content-Disposition, Content-Encoding and Expires of `source` (as a HEAD reported
 * them), with Content-Language (which drivers report under `system.contentLanguage`), as headers:
 * what a multipart copy sends when it starts its upload, so the copy keeps them as a single copy does.
 * @throws nothing.
 */
export function copiedContentHeaders(source: RawObject): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [field, name] of OBJECT_HEADERS) {
    const value = source[field];
    if (typeof value === "string" && value !== "") out[name] = value;
  }
  const language = source.system?.contentLanguage;
  if (typeof language === "string" && language !== "") out["content-language"] = language;
  return out;
}
