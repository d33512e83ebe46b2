import { randomBytes } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { Readable } from "node:stream";
import type { TLSSocket } from "node:tls";

/** One incoming request, pre-parsed for the front-ends. */
export interface Exchange {
  readonly req: IncomingMessage;
  /** Uppercase method. */
  readonly method: string;
  /** The path exactly as on the wire (still percent-encoded), without the query. */
  readonly rawPath: string;
  /** The raw query string without `?` (may be empty). */
  readonly rawQuery: string;
  /** Decoded query parameters (`+` is a space). */
  readonly query: URLSearchParams;
  readonly requestId: string;
  /** Whether the request body has been consumed by a handler. */
  bodyRead: boolean;
  /**
   * The body was refused before all of it arrived (e.g. a `Content-Length` over the limit): the
   * connection is closed after the answer instead of the rest being read and dropped.
   */
  closeAfterAnswer: boolean;
  /**
   * The client left while its body was being read (it closed the connection, or `stop()` closed
   * it): nobody is left to answer, and the request is dropped (counted as `dropped`, not logged).
   */
  clientGone: boolean;
  /**
   * SSE-C keys may be sent on this request: it arrived over TLS, or the
   * emulator was started with `allowSseCOverHttp`.
   */
  readonly sseCAllowed: boolean;
}

/** A response built by a handler, sent (and possibly sabotaged) by the dispatcher. */
export interface EmulatorResponse {
  status: number;
  headers: Record<string, string>;
  body?: Buffer | Readable;
  /** Content-Length of a streamed body, or of the object on HEAD. */
  length?: number;
  /** HEAD: send headers (with `length` as Content-Length) but no body. */
  headOnly?: boolean;
}

/**
 * Parses `req` into an {@link Exchange}. `allowSseCOverHttp` lets SSE-C keys
 * arrive over plain http (e.g. behind a TLS-terminating proxy).
 */
export function toExchange(req: IncomingMessage, allowSseCOverHttp = false): Exchange {
  const url = req.url ?? "/";
  const q = url.indexOf("?");
  const rawPath = q >= 0 ? url.slice(0, q) : url;
  const rawQuery = q >= 0 ? url.slice(q + 1) : "";
  return {
    req,
    method: (req.method ?? "GET").toUpperCase(),
    rawPath: rawPath === "" ? "/" : rawPath,
    rawQuery,
    query: new URLSearchParams(rawQuery),
    requestId: randomBytes(12).toString("hex"),
    bodyRead: false,
    closeAfterAnswer: false,
    clientGone: false,
    sseCAllowed: allowSseCOverHttp || (req.socket as Partial<TLSSocket>).encrypted === true,
  };
}

/** First value of a request header (name case-insensitive), or `undefined`. */
export function header(ex: Exchange, name: string): string | undefined {
  const v = ex.req.headers[name.toLowerCase()];
  if (v === undefined) return undefined;
  return Array.isArray(v) ? v.join(",") : v;
}

/** All request headers whose lowercased name starts with `prefix`, as `[name, value]`. */
export function headersWithPrefix(ex: Exchange, prefix: string): [string, string][] {
  const out: [string, string][] = [];
  for (const [k, v] of Object.entries(ex.req.headers)) {
    if (v === undefined || !k.startsWith(prefix)) continue;
    out.push([k, Array.isArray(v) ? v.join(",") : v]);
  }
  return out;
}
