import { answerOf } from "../errors/answer-of.js";
import { ErrorCode } from "../errors/error-code.js";
import { isStorageError, storageError, type StorageError } from "../errors/storage-error.js";
import type { StreamingResponse } from "../http/http-response.js";
import { crc64 } from "../integrity/crc64.js";

/** What the object says about an append whose answer was lost: applied (with the driver's result), untouched, or unknown (why). */
export type LostAppendVerdict<R> = { applied: R } | { untouched: true } | { unknown: string };

/**
 * Settles an append whose answer was lost (`failure`: the network error, or the 409 a retry got
 * after an attempt that may have been applied) by what `look` finds on the object: applied → its
 * result; untouched after a network failure → `failure` as it is (retryable: nothing was
 * appended); anything else, or a look that failed (no object where a first append at offset 0
 * was lost counts as untouched) → `failure`'s code, not retryable, its message saying the answer
 * was lost and why the outcome is unknown: "do not retry it blindly".
 * @throws StorageError `failure` (as described), `Aborted` (from `look`).
 */
export async function judgeLostAppend<R>(failure: StorageError, offset: number, look: () => Promise<LostAppendVerdict<R>>): Promise<R> {
  let verdict: LostAppendVerdict<R>;
  try {
    verdict = await look();
  } catch (e) {
    if (isStorageError(e, ErrorCode.Aborted)) throw e;
    verdict = offset === 0 && isStorageError(e, ErrorCode.ObjectNotExist) ? { untouched: true } : { unknown: `the object could not be looked at (${isStorageError(e) ? e.code : "error"})` };
  }
  if ("applied" in verdict) return verdict.applied;
  if ("untouched" in verdict && failure.statusCode === undefined) throw failure;
  const why = "unknown" in verdict ? verdict.unknown : "the object is unchanged";
  throw storageError(failure.code, `${failure.detail}; the append's answer was lost and ${why}: do not retry it blindly`, {
    ...answerOf(failure),
    cause: failure,
    retryable: false,
  });
}

/**
 * Reads the answer to a ranged GET of the `size` bytes at `offset` of an object that should be
 * `length` bytes long (`total`: the length its answer reports) and tells whether they are the
 * chunk whose CRC-64 is `chunk`: undefined when they are, else why not (for an `unknown`
 * verdict). The answer is always consumed.
 * @throws StorageError from reading the body (`ServiceInternal`, `Aborted`).
 */
export async function chunkReadBack(res: StreamingResponse, total: number | undefined, length: number, offset: number, size: number, chunk: bigint): Promise<string | undefined> {
  if (res.status !== 206 || total !== length) {
    await res.discard();
    return `the object is ${total ?? "of unknown"} bytes long, not ${length}`;
  }
  let read = 0n;
  let bytes = 0;
  for await (const piece of res.stream()) {
    read = crc64(piece as Buffer, read);
    bytes += (piece as Buffer).length;
  }
  return bytes !== size || read !== chunk ? `the bytes at ${offset} are not the chunk` : undefined;
}
