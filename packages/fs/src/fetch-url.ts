import type { FileHandle } from "node:fs/promises";
import { abortError, ArrivalProgress, ErrorCode, isStorageError, openUrl, storageError, type ProgressListener } from "@stowage/core";
import { writeAll } from "./body.js";
import { fsError } from "./errors.js";

/**
 * GETs `url` and streams the body into the new, empty file open as `file` (left open), as the server sent
 * it: a body sent with a `Content-Encoding` is stored encoded, never decoded (fs keeps no headers,
 * that label included). `onProgress` gets `{ bytes, total }` as bytes arrive (`total`: the
 * Content-Length, when the server sent one) and `{ bytes: size, total: size }` once the whole body
 * is in the file; a listener that throws stops the download with what it threw.
 * @throws StorageError `InvalidArgument` (redirects, the source's 401/403, as core's `openUrl`), `ObjectNotExist` (404/410),
 *   `RequestThrottled` (429), `ServiceInternal` (5xx, a network failure, a body cut off: retryable),
 *   `Aborted`, `Unexpected` (other statuses), what `onProgress` throws, mapped fs errors (of the file).
 */
export async function downloadTo(url: string, file: FileHandle, signal?: AbortSignal, onProgress?: ProgressListener): Promise<void> {
  const { body, size } = await openUrl(url, signal);
  // Which side failed: a body that breaks off is the network's doing, not the filesystem's.
  let bodyFailed = false;
  body.once("error", () => (bodyFailed = true));
  const progress = onProgress === undefined ? undefined : new ArrivalProgress(size, onProgress);
  let listenerThrew = false;
  let position = 0;
  try {
    // Each chunk is written, through the handle, before the next is read: no write is in flight
    // once this returns or throws (the caller then closes the file). An abort destroys the body (openUrl).
    for await (const chunk of body as AsyncIterable<Buffer>) {
      await writeAll(file, chunk, position);
      position += chunk.length;
      listenerThrew = true;
      progress?.add(chunk.length);
      listenerThrew = false;
    }
  } catch (e) {
    body.destroy();
    if (signal?.aborted) throw abortError(signal);
    if (isStorageError(e) || listenerThrew) throw e;
    if (bodyFailed) throw storageError(ErrorCode.ServiceInternal, "the source URL's body broke off before its end", { cause: e, retryable: true });
    throw fsError(e);
  }
  progress?.finish();
}
