import type { ClientRequest, IncomingMessage } from "node:http";
import type { Readable } from "node:stream";
import { ErrorCode } from "../errors/error-code.js";
import { isStorageError, storageError, type StorageError } from "../errors/storage-error.js";
import { OBJECT_HEADERS, type ObjectHeaders } from "../object/object-headers.js";
import { headerValueProblem } from "../pairs/value-checks.js";
import { abortError, onAbort } from "./abort.js";
import { httpGet } from "./http-get.js";
import { isTlsFailureCode } from "../http/network-error.js";

/** The body of a URL being fetched, and what its server said about it. */
export interface OpenedUrl {
  /** The bytes as the server sent them (a `Content-Encoding` is never decoded). */
  body: Readable;
  /** Content-Length, when sent: the length of `body`. */
  size?: number;
  contentType?: string;
  /** Last-Modified (ms since the epoch), when sent and a date. */
  lastModified?: number;
  /**
   * The answer's Cache-Control, Content-Disposition, Content-Encoding and Expires, each one that a
   * write would take as that {@link ObjectHeaders} field (printable ASCII, at most 4,096 characters,
   * not padded); one that would not is left out.
   */
  headers: ObjectHeaders;
}

/**
 * Checks that `url` is an absolute http or https URL (the only kinds `fetch` takes)
 * without a `user:password@` part (refused: a presigned URL is the way to give access; the
 * password is never echoed here).
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
/** How long the source's server may send nothing (no answer, or no byte of the body) before the fetch fails: 300 s, as Node's fetch. */
export const URL_IDLE_TIMEOUT_MS = 300_000;
/** The answers whose `Location` is followed. */
const REDIRECT_STATUSES: ReadonlySet<number> = new Set([301, 302, 303, 307, 308]);

/**
 * GETs an http(s) URL with node:http(s), following up to {@link MAX_URL_REDIRECTS} redirects
 * (each to an http or https URL only, checked before it is requested), for drivers whose `fetch`
 * runs on this machine (fs, memory). The URL never appears in errors: it may be presigned. The
 * request asks for the bytes as they are (`Accept-Encoding: identity`); a body the server encodes
 * anyway, or one stored encoded and served with its `Content-Encoding` label (an object written
 * with `contentEncoding: "gzip"`), is read as sent, never decoded, as a service's own fetch or copy
 * keeps an object's bytes: `size` is the Content-Length, and `headers.contentEncoding` the label.
 * A source that cannot be reached (refused, reset, unresolvable) or sends nothing for
 * {@link URL_IDLE_TIMEOUT_MS} fails the request with a retryable `ServiceInternal`, or breaks the body off. Aborting `signal` destroys the request, or the body with an error named
 * `AbortError`; the signal carries one listener of core's ({@link onAbort}), let go of once the
 * body closed (read, failed or destroyed) or the call failed.
 * @throws InvalidArgument (not http or https; a redirect to a URL that is not, or more than
 *   {@link MAX_URL_REDIRECTS} of them; the source answered 401 or 403: its refusal, not the storage's,
 *   so never `PermissionDenied`; its server's TLS certificate was refused), ObjectNotExist (404/410), RequestThrottled (429), ServiceInternal
 *   (5xx; a network failure: retryable), Aborted, Unexpected (other statuses); each status error
 *   carries the source's status as `statusCode`
 */
export async function openUrl(url: string, signal?: AbortSignal): Promise<OpenedUrl> {
  checkHttpUrl(url);
  if (signal?.aborted) throw abortError(signal);
  let request: ClientRequest | undefined;
  let response: IncomingMessage | undefined;
  const release = onAbort(signal, () => {
    const error = bodyAbortError(signal);
    response?.destroy(error);
    request?.destroy(error);
  });
  try {
    response = await followRedirects(url, signal, (r) => (request = r));
    if (signal?.aborted) throw abortError(signal);
    const status = response.statusCode ?? 0;
    if (status < 200 || status > 299) {
      response.destroy();
      throw statusError(status);
    }
    const body = response;
    if (body.closed) release();
    else body.once("close", release);
    const length = Number(body.headers["content-length"] ?? NaN);
    const contentType = body.headers["content-type"];
    const lastModified = Date.parse(body.headers["last-modified"] ?? "");
    return {
      body,
      ...(Number.isSafeInteger(length) && length >= 0 ? { size: length } : {}),
      ...(contentType === undefined ? {} : { contentType }),
      ...(Number.isNaN(lastModified) ? {} : { lastModified }),
      headers: objectHeaders(body),
    };
  } catch (e) {
    release();
    response?.destroy();
    if (signal?.aborted) throw abortError(signal);
    if (isStorageError(e)) throw e;
    const code = (e as { code?: unknown } | null)?.code;
    const named = typeof code === "string" && /^[A-Z0-9_]+$/.test(code) ? ` (${code})` : "";
    if (typeof code === "string" && isTlsFailureCode(code)) {
      // Another attempt meets the same certificate: the URL cannot be fetched as given.
      throw storageError(ErrorCode.InvalidArgument, `the source URL could not be fetched: its server's TLS certificate was refused${named}`, { cause: e, retryable: false });
    }
    throw storageError(ErrorCode.ServiceInternal, `the source URL could not be fetched${named}`, { cause: e, retryable: true });
  }
}

/**
 * GETs `url`, and the `Location` of each redirect answer in turn, up to {@link MAX_URL_REDIRECTS}
 * redirects: the first answer that is no redirect. A redirect's body is discarded (its
 * connection closed). `onRequest` gets each request as it is sent.
 * @throws StorageError `InvalidArgument` (a redirect to a URL that is not http or https, or with a
 *   user name or password; too many redirects), `Aborted`; what node:http throws
 */
async function followRedirects(url: string, signal: AbortSignal | undefined, onRequest: (request: ClientRequest) => void): Promise<IncomingMessage> {
  let at = url;
  for (let redirects = 0; ; redirects++) {
    const response = await httpGet(at, URL_IDLE_TIMEOUT_MS, onRequest);
    const status = response.statusCode ?? 0;
    const location = REDIRECT_STATUSES.has(status) ? response.headers.location : undefined;
    if (location === undefined) return response;
    response.destroy();
    if (signal?.aborted) throw abortError(signal);
    if (redirects === MAX_URL_REDIRECTS) {
      throw storageError(ErrorCode.InvalidArgument, `the source URL redirects more than ${MAX_URL_REDIRECTS} times (a redirect loop?)`, { statusCode: status });
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

/** The answer's {@link ObjectHeaders} that a write would take as they are (see {@link OpenedUrl.headers}). */
function objectHeaders(response: IncomingMessage): ObjectHeaders {
  const headers: ObjectHeaders = {};
  for (const [field, name] of OBJECT_HEADERS) {
    const value = response.headers[name];
    if (typeof value === "string" && headerValueProblem(value) === undefined) headers[field] = value;
  }
  return headers;
}

/** What a body (or request) stopped by `signal` is destroyed with: an `AbortError`, the signal's reason as its cause. */
function bodyAbortError(signal: AbortSignal | undefined): Error {
  const error = new Error("the fetch was aborted", { cause: signal?.reason });
  error.name = "AbortError";
  return error;
}

/** The error for a non-2xx answer of the source server. */
function statusError(status: number): StorageError {
  const ctx = { statusCode: status };
  if (status === 404 || status === 410) return storageError(ErrorCode.ObjectNotExist, "the source URL does not exist", ctx);
  // The source's refusal, not the storage's: PermissionDenied would read as the caller's credential refused.
  if (status === 401 || status === 403) {
    return storageError(ErrorCode.InvalidArgument, `the source URL answered ${status}: its server refused to serve it (a presigned URL expired or signed wrong?)`, ctx);
  }
  if (status === 429) return storageError(ErrorCode.RequestThrottled, "the source URL is throttling requests", ctx);
  if (status >= 500) return storageError(ErrorCode.ServiceInternal, "the source URL's server failed", ctx);
  return storageError(ErrorCode.Unexpected, `the source URL answered with status ${status}`, ctx);
}
