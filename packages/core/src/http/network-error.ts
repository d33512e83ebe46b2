import { ErrorCode } from "../errors/error-code.js";
import { isStorageError, storageError, type StorageError } from "../errors/storage-error.js";

/** Socket-level failures worth another attempt (the connection broke, timed out or was refused). */
const TRANSIENT = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "ECONNABORTED",
  "EPIPE",
  "ETIMEDOUT",
  "EAI_AGAIN",
  "ENETUNREACH",
  "ENETDOWN",
  "EHOSTUNREACH",
  "EHOSTDOWN",
  "ENOTCONN",
  "UND_ERR_SOCKET",
  "ERR_STREAM_PREMATURE_CLOSE",
  "HPE_INVALID_CONSTANT",
  "HPE_INVALID_CHUNK_SIZE",
  "HPE_UNEXPECTED_CONTENT_LENGTH",
  "ESTOWAGE_TIMEOUT",
  "ESTOWAGE_CONNECT_TIMEOUT",
  "ESTOWAGE_PAUSED_TIMEOUT",
]);

/** Certificate failures a CA given in `tls_ca` can cure (a chain this machine does not trust). */
const UNTRUSTED = new Set([
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "CERT_UNTRUSTED",
]);

/** Failures that happen before a request can have reached the server. */
const BEFORE_SEND = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "ENETUNREACH", "EHOSTUNREACH", "ENETDOWN", "EHOSTDOWN", "ESTOWAGE_CONNECT_TIMEOUT"]);

/** The errno-like `code` of an error, if it has one. */
export function errnoOf(e: unknown): string | undefined {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
}

/** True when `e` (a socket error) certainly happened before the server could see the request. */
export function failedBeforeSend(e: unknown): boolean {
  const code = errnoOf(e);
  return code !== undefined && BEFORE_SEND.has(code);
}

/**
 * True when `e`, a request's failure, may have come after the service applied the request: a
 * transport failure (`ServiceInternal` without a status) that did not certainly happen before
 * sending. A driver whose request is not idempotent (an append) then looks at the object to tell.
 */
export function mayHaveBeenApplied(e: unknown): e is StorageError {
  return isStorageError(e, ErrorCode.ServiceInternal) && e.statusCode === undefined && !(e.cause !== undefined && failedBeforeSend(e.cause));
}

/**
 * A transport failure (reset, timeout, refused connection, broken response
 * body, bad TLS...) as a StorageError: `ServiceInternal`, retryable when the
 * failure is transient; TLS failures (a certificate refused, an https endpoint
 * that answers in plain text) are non-retryable `Unexpected` errors with a hint.
 * StorageErrors pass through.
 * The message names the socket error code, never headers or URLs with signatures.
 */
export function networkError(e: unknown, what = "request"): StorageError {
  if (isStorageError(e)) return e;
  const code = errnoOf(e);
  const message = e instanceof Error ? e.message : String(e);
  // OpenSSL messages span lines; one line keeps the error readable.
  const oneLine = message.replace(/\s*\n\s*/g, " ");
  if (code === "EPROTO" || code === "ERR_SSL_WRONG_VERSION_NUMBER") {
    // OpenSSL's "wrong version number": the server answered the TLS hello in plain text.
    const plain = /wrong version number/i.test(message) || code === "ERR_SSL_WRONG_VERSION_NUMBER";
    const hint = plain ? ": the endpoint is https, but the server does not speak TLS there (is it http:?)" : `: ${oneLine}`;
    return storageError(ErrorCode.Unexpected, `TLS failure during ${what} (${code})${hint}`, { cause: e, retryable: false });
  }
  if (code !== undefined && (code.startsWith("ERR_TLS") || code.includes("CERT") || code.startsWith("DEPTH_ZERO") || code.startsWith("SELF_SIGNED"))) {
    const hint = UNTRUSTED.has(code) ? "; for a server with a private CA, give its PEM certificate in the tls_ca pair" : "";
    return storageError(ErrorCode.Unexpected, `TLS failure during ${what} (${code}): ${oneLine}${hint}`, { cause: e, retryable: false });
  }
  const transient = code === undefined ? /socket hang up|aborted|premature/i.test(message) : TRANSIENT.has(code);
  return storageError(ErrorCode.ServiceInternal, `network failure during ${what}${code ? ` (${code})` : ""}: ${message}`, {
    cause: e,
    retryable: transient,
  });
}

/** The error a request gets when nothing moved on its socket for `ms`. */
export function timeoutError(ms: number): NodeJS.ErrnoException {
  const e: NodeJS.ErrnoException = new Error(`no activity on the connection for ${ms} ms`);
  e.code = "ESTOWAGE_TIMEOUT";
  return e;
}

/** The error a request gets when its connection could not be opened (name lookup and TCP connect) within `ms`. */
export function connectTimeoutError(ms: number): NodeJS.ErrnoException {
  const e: NodeJS.ErrnoException = new Error(`could not connect within ${ms} ms`);
  e.code = "ESTOWAGE_CONNECT_TIMEOUT";
  return e;
}

/** The error of a response body whose reader left it paused for `ms`: its connection was closed. @throws nothing */
export function pausedTimeoutError(ms: number): NodeJS.ErrnoException {
  const e: NodeJS.ErrnoException = new Error(`the response body was left paused (unread) for ${ms} ms; its connection was closed`);
  e.code = "ESTOWAGE_PAUSED_TIMEOUT";
  return e;
}
