import { ErrorCode } from "../errors/error-code.js";
import { storageError } from "../errors/storage-error.js";
import type { HttpResponseHead } from "../http/http-response.js";
import { parseWholeNumber } from "../http/wire-values.js";

/**
 * The object's length after the append `res` answered (a 2xx): the value of its header `header`
 * (COS `x-cos-next-append-position`, OSS `x-oss-next-append-position`, QingStor
 * `x-qs-next-append-position`), or `end` (the append's offset + size, where an accepted append
 * leaves the object) when the answer has none. `operation` names the call in the message.
 * @throws StorageError `Unexpected` (not retryable) naming the header, when its value is not a
 *   whole number of bytes up to 2^53 - 1 (empty, signed, hex, exponent, fractional, larger): the
 *   append was applied, but where the object ends is not known, and no position is guessed.
 */
export function nextAppendPosition(res: HttpResponseHead, header: string, operation: string, end: number): number {
  const value = res.header(header);
  if (value === undefined) return end;
  const next = parseWholeNumber(value);
  if (next !== undefined) return next;
  const shown = value.length <= 40 ? JSON.stringify(value) : `a value of ${value.length} characters`;
  throw storageError(
    ErrorCode.Unexpected,
    `${operation}: the answer's ${header} is ${shown}, not a whole number of bytes up to 2^53 - 1; the append was applied (HTTP ${res.status}), but where the object now ends is unknown: stat it before appending again`,
    { statusCode: res.status, ...(res.requestId ? { requestId: res.requestId } : {}), retryable: false },
  );
}
