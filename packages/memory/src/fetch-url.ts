import { abortError, ErrorCode, storageError, type StorageError } from "@stowage/core";

/**
 * GETs `url` (http or https) with Node's global fetch and returns the body and
 * its content type. The URL is never put in error messages (it may be presigned).
 * @throws StorageError `InvalidArgument` (not an http(s) URL), `ObjectNotExist` (404),
 *   `PermissionDenied` (401/403), `RequestThrottled` (429), `ServiceInternal` (5xx),
 *   `Aborted`, `Unexpected` (network failure, other statuses).
 */
export async function fetchUrl(url: string, signal?: AbortSignal): Promise<{ data: Buffer; contentType?: string }> {
  checkUrl(url);
  try {
    const response = await fetch(url, { redirect: "follow", ...(signal ? { signal } : {}) });
    if (!response.ok) {
      await response.body?.cancel().catch(() => undefined);
      throw statusError(response.status);
    }
    const data = Buffer.from(await response.arrayBuffer());
    const contentType = response.headers.get("content-type");
    return contentType === null ? { data } : { data, contentType };
  } catch (e) {
    if (signal?.aborted) throw abortError(signal);
    if (e instanceof Error && e.name === "StorageError") throw e;
    throw storageError(ErrorCode.Unexpected, "fetching the source URL failed", { cause: e });
  }
}

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

/** The error for a non-2xx answer of the source server. */
export function statusError(status: number): StorageError {
  const ctx = { statusCode: status };
  if (status === 404 || status === 410) return storageError(ErrorCode.ObjectNotExist, "the source URL does not exist", ctx);
  if (status === 401 || status === 403) return storageError(ErrorCode.PermissionDenied, "the source URL refused access", ctx);
  if (status === 429) return storageError(ErrorCode.RequestThrottled, "the source URL is throttling requests", ctx);
  if (status >= 500) return storageError(ErrorCode.ServiceInternal, "the source URL's server failed", ctx);
  return storageError(ErrorCode.Unexpected, `the source URL answered with status ${status}`, ctx);
}
