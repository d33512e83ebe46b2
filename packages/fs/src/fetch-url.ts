import { createWriteStream } from "node:fs";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import { abortError, ErrorCode, storageError, type StorageError } from "@stowage/core";
import { errnoOf, fsError } from "./errors.js";

/**
 * Checks that `url` is an absolute http or https URL.
 * @throws StorageError `InvalidArgument`.
 */
export function checkUrl(url: string): void {
  let protocol: string;
  try {
    protocol = new URL(url).protocol;
  } catch {
    throw storageError(ErrorCode.InvalidArgument, "fetch needs an absolute http or https URL");
  }
  if (protocol !== "http:" && protocol !== "https:") {
    throw storageError(ErrorCode.InvalidArgument, `fetch supports http and https URLs, not ${protocol}`);
  }
}

/**
 * GETs `url` with Node's global fetch and streams the body into the new file
 * `file` (created with `wx`). The URL is never put in error messages (it may be presigned).
 * @throws StorageError `ObjectNotExist` (404), `PermissionDenied` (401/403), `RequestThrottled` (429),
 *   `ServiceInternal` (5xx), `Aborted`, `Unexpected` (network failure, other statuses).
 */
export async function downloadTo(url: string, file: string, signal?: AbortSignal): Promise<void> {
  try {
    const response = await fetch(url, { redirect: "follow", ...(signal ? { signal } : {}) });
    if (!response.ok) {
      await response.body?.cancel().catch(() => undefined);
      throw statusError(response.status);
    }
    const source = response.body === null ? Readable.from([]) : Readable.fromWeb(response.body as WebReadableStream<Uint8Array>);
    const sink = createWriteStream(file, { flags: "wx" });
    await (signal ? pipeline(source, sink, { signal }) : pipeline(source, sink));
  } catch (e) {
    if (signal?.aborted) throw abortError(signal);
    if (e instanceof Error && e.name === "StorageError") throw e;
    if (errnoOf(e)?.startsWith("E")) throw fsError(e);
    throw storageError(ErrorCode.Unexpected, "fetching the source URL failed", { cause: e });
  }
}

/** The error for a non-2xx answer of the source server. */
function statusError(status: number): StorageError {
  const ctx = { statusCode: status };
  if (status === 404 || status === 410) return storageError(ErrorCode.ObjectNotExist, "the source URL does not exist", ctx);
  if (status === 401 || status === 403) return storageError(ErrorCode.PermissionDenied, "the source URL refused access", ctx);
  if (status === 429) return storageError(ErrorCode.RequestThrottled, "the source URL is throttling requests", ctx);
  if (status >= 500) return storageError(ErrorCode.ServiceInternal, "the source URL's server failed", ctx);
  return storageError(ErrorCode.Unexpected, `the source URL answered with status ${status}`, ctx);
}
