import type { RawObject } from "../driver/storage-driver.js";

/** The `system` fields a driver's stat reports content headers under, and the headers' names. */
const CONTENT_HEADERS: ReadonlyArray<readonly [string, string]> = [
  ["cacheControl", "cache-control"],
  ["contentDisposition", "content-disposition"],
  ["contentEncoding", "content-encoding"],
  ["contentLanguage", "content-language"],
  ["expires", "expires"],
];

/**
 * Cache-Control, Content-Disposition, Content-Encoding, Content-Language and Expires of `source`
 * (as a HEAD reported them under `system`), as headers: what a multipart copy sends when it starts
 * its upload, so the copy keeps them as a single copy does.
 * @throws nothing.
 */
export function copiedContentHeaders(source: RawObject): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [field, name] of CONTENT_HEADERS) {
    const value = source.system?.[field];
    if (typeof value === "string" && value !== "") out[name] = value;
  }
  return out;
}
