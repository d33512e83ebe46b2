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

/** Redirects followed at most (as Node's fetch would), before the fetch is refused. */
export const MAX_URL_REDIRECTS = 20;
/** The answers whose `Location` is followed. */
const REDIRECT_STATUSES: ReadonlySet<number> = new Set([301, 302, 303, 307, 308]);

/**
 * GETs an http(s) URL with Node's fetch, following up to {@link MAX_URL_REDIRECTS} redirects
 * (each to an http or https URL only, checked before it is requested), for drivers
 * whose `fetch` runs on this machine (fs, memory). The URL never appears in
 * errors: it may be presigned. The request asks for the bytes as they are (`Accept-Encoding:
 * identity`); a server that encodes the body anyway (`Content-Encoding: gzip`, `deflate`, `br`) has
 * it decoded by Node's fetch, which offers no way to keep it encoded: the decoded bytes are
 * what is read, and `size` is left out (the Content-Length counts the encoded bytes).
 * Aborting `signal` aborts the request and its body. Node's fetch
 * gets a signal of its own, linked to `signal` through core's one listener and let go of once the
 * body closed (read, failed or destroyed): fetch would keep a listener on the caller's signal
 * until its request is garbage-collected, and raise that signal's listener limit to 1500 (hiding
 * real leaks from Node's warning).
 * @throws InvalidArgument (not http or https; a redirect to a URL that is not, or more than
 *   {@link MAX_URL_REDIRECTS} of them), ObjectNotExist (404/410), PermissionDenied (401/403),
 *   RequestThrottled (429), ServiceInternal (5xx), Aborted, Unexpected (network failure, other statuses)
 */
export async function openUrl(url: string, signal?: AbortSignal): Promise<OpenedUrl> {
  checkHttpUrl(url);
  const own = signal === undefined ? undefined : new AbortController();
  const release = onAbort(signal, () => own?.abort(signal?.reason));
  try {
    const response = await followRedirects(url, own?.signal);
    if (!response.ok) {
      await response.body?.cancel().catch(() => undefined);
      throw statusError(response.status);
    }
    const body = response.body === null ? Readable.from([]) : Readable.fromWeb(response.body as WebReadableStream<Uint8Array>);
    body.once("close", release);
    const length = Number(response.headers.get("content-length") ?? NaN);
    const contentType = response.headers.get("content-type");
    const encoding = (response.headers.get("content-encoding") ?? "").trim().toLowerCase();
    const decoded = encoding !== "" && encoding !== "identity";
    return {
      body,
      ...(!decoded && Number.isSafeInteger(length) && length >= 0 ? { size: length } : {}),
      ...(contentType === null ? {} : { contentType }),
    };
  } catch (e) {
    release();
    if (signal?.aborted) throw abortError(signal);
    if (isStorageError(e)) throw e;
    throw storageError(ErrorCode.Unexpected, "fetching the source URL failed", { cause: e });
  }
}

/**
 * GETs `url`, and the `Location` of each redirect answer in turn, up to {@link MAX_URL_REDIRECTS}
 * redirects: the first answer that is no redirect. A redirect's body is discarded.
 * @throws StorageError `InvalidArgument` (a redirect to a URL that is not http or https, or with a
 *   user name or password; too many redirects); what fetch throws
 */
async function followRedirects(url: string, signal: AbortSignal | undefined): Promise<Response> {
  let at = url;
  for (let redirects = 0; ; redirects++) {
    const response = await fetch(at, { redirect: "manual", headers: { "accept-encoding": "identity" }, ...(signal ? { signal } : {}) });
    const location = REDIRECT_STATUSES.has(response.status) ? response.headers.get("location") : null;
    if (location === null) return response;
    await response.body?.cancel().catch(() => undefined);
    if (redirects === MAX_URL_REDIRECTS) {
      throw storageError(ErrorCode.InvalidArgument, `the source URL redirects more than ${MAX_URL_REDIRECTS} times (a redirect loop?)`, { statusCode: response.status });
    }
    at = redirectTarget(location, at);
  }
}

/**
 * Where a redirect leads: `location` resolved against the URL that answered it.
 * @throws StorageError `InvalidArgument` (not a URL, not http or https, or with a user name or password); the URL is never named
 */
function redirectTarget(location: string, from: string): string {
  let next: URL;
  try {
    next = new URL(location, from);
  } catch {
    throw storageError(ErrorCode.InvalidArgument, "the source URL redirected to something that is not a URL");
  }
  if (next.protocol !== "http:" && next.protocol !== "https:") {
    throw storageError(ErrorCode.InvalidArgument, `the source URL redirected to a ${next.protocol} URL: fetch follows redirects to http and https URLs only`);
  }
  if (next.username !== "" || next.password !== "") {
    throw storageError(ErrorCode.InvalidArgument, "the source URL redirected to a URL with a user name or password (user:password@host), which fetch does not take");
  }
  return next.href;
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
