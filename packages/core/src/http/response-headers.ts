import type { IncomingHttpHeaders } from "node:http";
import { ErrorCode } from "../errors/error-code.js";
import { storageError, type StorageError } from "../errors/storage-error.js";
import { headerValue } from "./http-request.js";

/**
 * The whole object's size from a GET/HEAD answer: the total of
 * `Content-Range: bytes a-b/total` on a 206, else `Content-Length`.
 * Undefined when the header is absent or not a plain decimal.
 * @throws StorageError `Unexpected` (not retryable) naming the header, when the size it gives is
 *   above `Number.MAX_SAFE_INTEGER` (2^53 - 1): no number holds it exactly, and a rounded size
 *   would be taken for another object's.
 */
export function objectSizeFromHeaders(status: number, headers: IncomingHttpHeaders): number | undefined {
  if (status === 206) {
    const m = /\/(\d+)\s*$/.exec(headerValue(headers, "content-range") ?? "");
    return m ? exactSize(m[1]!, "Content-Range", status) : undefined;
  }
  const length = headerValue(headers, "content-length");
  if (length === undefined || !/^\d+$/.test(length.trim())) return undefined;
  return exactSize(length.trim(), "Content-Length", status);
}

/** Digits (`digits`, of header `header`) as a number, when one holds them exactly. @throws StorageError `Unexpected` otherwise */
function exactSize(digits: string, header: string, status: number): number {
  const n = Number(digits);
  if (Number.isSafeInteger(n)) return n;
  const shown = digits.length <= 40 ? digits : `a number of ${digits.length} digits`;
  throw storageError(ErrorCode.Unexpected, `the answer's ${header} gives the object's size as ${shown}, above ${Number.MAX_SAFE_INTEGER} (2^53 - 1): no size that large can be read exactly`, {
    statusCode: status,
    retryable: false,
  });
}

/**
 * Checks that a 206 answer to a ranged GET starts where the range asked for starts: its
 * `Content-Range` (`bytes a-b/total`) must begin at `offset`. A server or proxy that answers
 * another range would otherwise have its bytes taken for the ones asked (a ranged read has no
 * whole-object CRC-64 to catch it). Fewer bytes than asked are core's to handle (a body that ends
 * short: resumed), more are its length check's. Nothing to check on another status, or without
 * a `Content-Range` in that form.
 * @throws StorageError `IntegrityMismatch` (not retryable: the answer is for other bytes)
 */
export function checkRangeAnswer(status: number, contentRange: string | undefined, offset: number, size: number | undefined): void {
  if (status !== 206 || contentRange === undefined) return;
  const m = /^\s*bytes\s+(\d+)-(\d+)\/(\d+|\*)\s*$/i.exec(contentRange);
  if (m === null || Number(m[1]) === offset) return;
  throw storageError(ErrorCode.IntegrityMismatch, `the service answered bytes ${m[1]}-${m[2]} for a read of ${size === undefined ? "the rest" : `${size} bytes`} from ${offset}`);
}

/**
 * The error for a 416 (Range Not Satisfiable) answer to a GET that sent no `Range`: no service
 * gives that answer (a proxy or a broken front end did), and it must not be read as an empty
 * object. `Unexpected`, not retryable, with the status and request id.
 * @throws nothing (returns the error).
 */
export function unrangedRangeRefusal(res: { status: number; requestId?: string | undefined; request?: { operation?: string | undefined } }): StorageError {
  const what = res.request?.operation ?? "get_object";
  return storageError(ErrorCode.Unexpected, `${what}: HTTP ${res.status} (range not satisfiable) to a GET that asked no range: not an answer the service gives (a proxy?); nothing was read`, {
    statusCode: res.status,
    ...(res.requestId ? { requestId: res.requestId } : {}),
    retryable: false,
  });
}

/**
 * The headers of `table` (`[field, header name]`) that are present, as fields of a record;
 * undefined when none is (drivers put these under `RawObject.system`).
 * @throws never
 */
export function headerFields(headers: IncomingHttpHeaders, table: ReadonlyArray<readonly [string, string]>): Record<string, unknown> | undefined {
  const out: Record<string, unknown> = {};
  let found = false;
  for (const [field, name] of table) {
    const v = headerValue(headers, name);
    if (v === undefined) continue;
    out[field] = v;
    found = true;
  }
  return found ? out : undefined;
}
