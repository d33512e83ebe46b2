import type { Readable } from "node:stream";
import { ObjectReadStream } from "./object-read-stream.js";
import { openParallelReadStream } from "./parallel-read.js";
import type { OperationScope } from "./storager-context.js";

/**
 * Opens `path` for reading and returns the stream at once; failures arrive as
 * the stream's 'error' (a StorageError with op, service and path). Whole-object
 * reads (no range asked, or one covering the object) are checked against the
 * length and CRC64 (or the MD5 the driver vouches for) the service announced: a
 * mismatch errors the stream with `IntegrityMismatch` instead of ending it (a body that only ends
 * short, with no resume left, errors with a retryable `ServiceInternal`: too few bytes, none wrong). An
 * answer without a length (a chunked body) is still hashed; only its length goes
 * unchecked. A path ending in `/` is a directory and never read (`ObjectModeInvalid`).
 * An `onObject` listener hears, once and before the first byte or the end, what the answer says
 * of the object (its ObjectInfo: content type, user metadata, ...; see `ReadOptions.onObject`);
 * one that throws fails the read as a throwing `onProgress` listener does.
 * An `onProgress` listener that throws fails the read with that error, wrapped as
 * `Unexpected` (a StorageError it throws passes as is), and closes the response.
 * When the service's body breaks mid-way (a retryable failure, or a body that
 * ends short) and the storage can read ranges, the rest is re-requested from
 * where it stopped (see `ResumeBudget` in read-resume.ts) after checking that the new answer
 * describes the same object; the checks cover the bytes of every piece. An object whose first
 * answer has neither an ETag nor a CRC-64 is never resumed (nothing would tell another version of
 * it apart): its broken body fails the read with a retryable `ServiceInternal`. The rest is
 * requested only once the reader wants more data, not while it is still paused.
 * Destroying the stream early closes the service's response, or cancels the request when the
 * service has not answered yet (no retry follows). A stream must be read to its end or destroyed:
 * an HTTP response body holds its pooled connection until then (a paused one at most the HTTP
 * client's paused-body bound, `pausedTimeoutMs`, after which the rest is resumed once it is read on). `consumedToEnd` (for `read()`, which reads every
 * stream it opens to its end or its error) leaves that out: it costs a signal per stream.
 *
 * @throws nothing itself; the stream errors with `ObjectNotExist`, `ObjectModeInvalid` (a directory),
 * `CapabilityInsufficient`, `IntegrityMismatch` (a body longer than announced, a bad CRC64 or MD5, or
 * the object changed during a resumed read), `ServiceInternal` (retryable: the body broke or ended
 * short and could not be resumed), `Aborted`,
 * `Unexpected` (an `onProgress` or `onObject` listener threw), ...
 */
export function openReadStream(scope: OperationScope, path: string, rawOptions: object | undefined, consumedToEnd = false): Readable {
  const asked = (rawOptions as { readConcurrency?: unknown } | undefined)?.readConcurrency ?? scope.ctx.defaults["readConcurrency"];
  const single = (): Readable => new ObjectReadStream(scope, path, rawOptions, !consumedToEnd);
  if (typeof asked === "number" && asked > 1) return openParallelReadStream(scope, path, rawOptions, single);
  return single();
}
