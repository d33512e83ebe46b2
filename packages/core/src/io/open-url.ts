import { Readable } from "node:stream";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import { ErrorCode } from "../errors/error-code.js";
import { isStorageError, storageError, type StorageError } from "../errors/storage-error.js";
import { abortError, onAbort } from "./abort.js";

/** The body of a URL being fetched, and what its server said about it. */
export interface OpenedUrl {
  body: Readable;
  /** Content-Length, when sent. */
  size?: number;
  contentType?: string;
}

/**
 * Checks that `url` is an absolute http or https URL (the only kinds `fetch` takes)
 * without a `user:password@` part (Node's fetch refuses one, with the whole URL in its
 * message; the password is never echoed here).
 * @throws InvalidArgument
 */
export function checkHttpUrl(url: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw storageError(ErrorCode.InvalidArgument, "fetch needs an absolute http or https URL");
  }
  const protocol = parsed.protocol;
  if (protocol !== "http:" && protocol !== "https:") {
    throw storageError(ErrorCode.InvalidArgument, `fetch supports http and https URLs, not ${protocol}`);
  }
  if (parsed.username !== "" || parsed.password !== "") {
    throw storageError(ErrorCode.InvalidArgument, "fetch does not take a URL with a user name or password (user:password@host): use a presigned URL");
  }
}

/**
 * GETs an http(s) URL with Node's fetch, following redirects, for drivers
 * whose `fetch` runs on this machine (fs, memory). The URL never appears in
 * errors: it may be presigned. Aborting `signal` aborts the request and its body. Node's fetch
 * gets a signal of its own, linked to `signal` through core's one listener and let go of once the
 * body closed (read, failed or destroyed): fetch would keep a listener on the caller's signal
 * until its request is garbage-collected, and raise that signal's listener limit to 1500 (hiding
 * real leaks from Node's warning).
 * @throws InvalidArgument (not http or https), ObjectNotExist (404/410), PermissionDenied (401/403),
 *   RequestThrottled (429), ServiceInternal (5xx), Aborted, Unexpected (network failure, other statuses)
 */
export async function openUrl(url: string, signal?: AbortSignal): Promise<OpenedUrl> {
  checkHttpUrl(url);
  const own = signal === undefined ? undefined : new AbortController();
  const release = onAbort(signal, () => own?.abort(signal?.reason));
  try {
    const response = await fetch(url, { redirect: "follow", ...(own ? { signal: own.signal } : {}) });
    if (!response.ok) {
      await response.body?.cancel().catch(() => undefined);
      throw statusError(response.status);
    }
    const body = response.body === null ? Readable.from([]) : Readable.fromWeb(response.body as WebReadableStream<Uint8Array>);
    body.once("close", release);
    const length = Number(response.headers.get("content-length") ?? NaN);
    const contentType = response.headers.get("content-type");
    return {
      body,
      ...(Number.isSafeInteger(length) && length >= 0 ? { size: length } : {}),
      ...(contentType === null ? {} : { contentType }),
    };
  } catch (e) {
    release();
    if (signal?.aborted) throw abortError(signal);
    if (isStorageError(e)) throw e;
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
