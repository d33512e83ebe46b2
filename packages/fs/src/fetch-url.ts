import { createWriteStream } from "node:fs";
import { Transform, type TransformCallback } from "node:stream";
import { pipeline } from "node:stream/promises";
import { abortError, ArrivalProgress, ErrorCode, isStorageError, openUrl, storageError, type ProgressListener } from "@stowage/core";
import { fsError } from "./errors.js";

/**
 * GETs `url` and streams the body into the new file `file` (created with `wx`), as the server sent
 * it: a body sent with a `Content-Encoding` is stored encoded, never decoded (fs keeps no headers,
 * that label included). `onProgress` gets `{ bytes, total }` as bytes arrive (`total`: the
 * Content-Length, when the server sent one) and `{ bytes: size, total: size }` once the whole body
 * is in the file; a listener that throws stops the download with what it threw.
 * @throws StorageError `InvalidArgument` (redirects, the source's 401/403, as core's `openUrl`), `ObjectNotExist` (404/410),
 *   `RequestThrottled` (429), `ServiceInternal` (5xx, a network failure, a body cut off: retryable),
 *   `Aborted`, `Unexpected` (other statuses), what `onProgress` throws, mapped fs errors (of the file).
 */
export async function downloadTo(url: string, file: string, signal?: AbortSignal, onProgress?: ProgressListener): Promise<void> {
  const { body, size } = await openUrl(url, signal);
  // Which side failed: a body that breaks off is the network's doing, not the filesystem's.
  let bodyFailed = false;
  body.once("error", () => (bodyFailed = true));
  const counter = onProgress === undefined ? undefined : countingStream(size, onProgress);
  try {
    const sink = createWriteStream(file, { flags: "wx" });
    const options = signal ? { signal } : {};
    await (counter === undefined ? pipeline(body, sink, options) : pipeline(body, counter.stream, sink, options));
  } catch (e) {
    if (signal?.aborted) throw abortError(signal);
    if (isStorageError(e) || (counter !== undefined && e === counter.thrown())) throw e;
    if (bodyFailed) throw storageError(ErrorCode.ServiceInternal, "the source URL's body broke off before its end", { cause: e, retryable: true });
    throw fsError(e);
  }
  counter?.finish();
}

/**
 * A pass-through that reports the bytes gone through it ({@link ArrivalProgress}); `finish`
 * reports the final size; `thrown` is what the listener threw, if it did.
 */
function countingStream(size: number | undefined, onProgress: ProgressListener): { stream: Transform; finish: () => void; thrown: () => unknown } {
  const progress = new ArrivalProgress(size, onProgress);
  let thrown: unknown;
  const stream = new Transform({
    transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
      try {
        progress.add(chunk.length);
      } catch (e) {
        thrown = e;
        callback(e as Error);
        return;
      }
      callback(null, chunk);
    },
  });
  return { stream, finish: () => progress.finish(), thrown: () => thrown };
}
