import type { IncomingHttpHeaders } from "node:http";
import { headerValue } from "./http-request.js";

/**
 * The whole object's size from a GET/HEAD answer: the total of
 * `Content-Range: bytes a-b/total` on a 206, else `Content-Length`.
 * Undefined when the header is absent or not a plain decimal.
 * @throws never
 */
export function objectSizeFromHeaders(status: number, headers: IncomingHttpHeaders): number | undefined {
  if (status === 206) {
    const m = /\/(\d+)\s*$/.exec(headerValue(headers, "content-range") ?? "");
    return m ? Number(m[1]) : undefined;
  }
  const length = headerValue(headers, "content-length");
  if (length === undefined || !/^\d+$/.test(length.trim())) return undefined;
  return Number(length.trim());
}

/**
 * The headers of `table` (`[field, header name]`) that are present, as fields of a record;
 * undefined when none is (drivers put these under `RawObject.system`).
 * @throws never
 */
export function headerFields(headers: IncomingHttpHeaders, table: ReadonlyArray<readonly [string, string]>): Record<string, unknown> | undefined {
  const out: Record<string, unknown> = {};
  for (const [field, name] of table) {
    const v = headerValue(headers, name);
    if (v !== undefined) out[field] = v;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}
