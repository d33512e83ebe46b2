import { createWriteStream } from "node:fs";
import { pipeline } from "node:stream/promises";
import { abortError, isStorageError, openUrl } from "@stowage/core";
import { fsError } from "./errors.js";

/**
 * GETs `url` and streams the body into the new file `file` (created with `wx`).
 * @throws StorageError `ObjectNotExist` (404), `PermissionDenied` (401/403), `RequestThrottled` (429),
 *   `ServiceInternal` (5xx), `Aborted`, `Unexpected` (network failure, other statuses), mapped fs errors.
 */
export async function downloadTo(url: string, file: string, signal?: AbortSignal): Promise<void> {
  const { body } = await openUrl(url, signal);
  try {
    const sink = createWriteStream(file, { flags: "wx" });
    await (signal ? pipeline(body, sink, { signal }) : pipeline(body, sink));
  } catch (e) {
    if (signal?.aborted) throw abortError(signal);
    throw isStorageError(e) ? e : fsError(e);
  }
}
