import { createWriteStream } from "node:fs";
import { pipeline } from "node:stream/promises";
import { abortError, ErrorCode, isStorageError, openUrl, storageError } from "@stowage/core";
import { fsError } from "./errors.js";

/**
 * GETs `url` and streams the body into the new file `file` (created with `wx`).
 * @throws StorageError `ObjectNotExist` (404), `PermissionDenied` (401/403), `RequestThrottled` (429),
 *   `ServiceInternal` (5xx; a body cut off, retryable), `Aborted`, `Unexpected` (network failure, other
 *   statuses), mapped fs errors (of the file).
 */
export async function downloadTo(url: string, file: string, signal?: AbortSignal): Promise<void> {
  const { body } = await openUrl(url, signal);
  // Which side failed: a body that breaks off is the network's doing, not the filesystem's.
  let bodyFailed = false;
  body.once("error", () => (bodyFailed = true));
  try {
    const sink = createWriteStream(file, { flags: "wx" });
    await (signal ? pipeline(body, sink, { signal }) : pipeline(body, sink));
  } catch (e) {
    if (signal?.aborted) throw abortError(signal);
    if (isStorageError(e)) throw e;
    if (bodyFailed) throw storageError(ErrorCode.ServiceInternal, "the source URL's body broke off before its end", { cause: e, retryable: true });
    throw fsError(e);
  }
}
