import type { EmulatorResponse } from "../server/exchange.js";

/** An XML response. */
export function xmlResponse(status: number, xml: string, headers: Record<string, string> = {}): EmulatorResponse {
  return { status, headers: { "content-type": "application/xml", ...headers }, body: Buffer.from(xml) };
}

/** A JSON response. */
export function jsonResponse(status: number, value: unknown, headers: Record<string, string> = {}): EmulatorResponse {
  return { status, headers: { "content-type": "application/json", ...headers }, body: Buffer.from(JSON.stringify(value)) };
}

/** A response without a body. */
export function emptyResponse(status: number, headers: Record<string, string> = {}): EmulatorResponse {
  return { status, headers };
}

/** `"etag"` quoted as in ETag headers. */
export function quoteEtag(etag: string): string {
  return `"${etag}"`;
}

/** Strips quotes (and a weak prefix) from an ETag value. */
export function unquoteEtag(v: string): string {
  return v.trim().replace(/^W\//, "").replace(/^"|"$/g, "").replace(/^&quot;|&quot;$/g, "");
}

/** Parses a non-negative integer query/header value. */
export function parseNonNegativeInt(v: string | null | undefined): number | undefined {
  if (v === null || v === undefined || !/^\d+$/.test(v.trim())) return undefined;
  const n = Number(v.trim());
  return Number.isSafeInteger(n) ? n : undefined;
}
