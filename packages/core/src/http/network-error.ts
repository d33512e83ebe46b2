import { ErrorCode } from "../errors/error-code.js";
import { isStorageError, storageError, type StorageError } from "../errors/storage-error.js";
import { thrownText } from "../errors/thrown-text.js";
import { ownEntry } from "../errors/own-entry.js";

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
  "ESTOWAGE_UNSENT_TIMEOUT",
  "ESTOWAGE_UNSENT",
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

/**
 * True for a TLS failure no retry cures: a certificate refused (untrusted, expired, revoked, for
 * another host...), or a server that does not speak TLS where https was asked.
 * @throws nothing
 */
export function isTlsFailureCode(code: string): boolean {
  return (
    code.startsWith("ERR_TLS") ||
    code.startsWith("ERR_SSL") ||
    code === "EPROTO" ||
    code.includes("CERT") ||
    /^(DEPTH_ZERO|SELF_SIGNED|UNABLE_TO_|INVALID_CA|INVALID_PURPOSE|HOSTNAME_MISMATCH|CRL_|PATH_LENGTH_EXCEEDED)/.test(code)
  );
}

/** Failures that happen before a request can have reached the server. */
const BEFORE_SEND = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "ENETUNREACH", "EHOSTUNREACH", "ENETDOWN", "EHOSTDOWN", "ESTOWAGE_CONNECT_TIMEOUT", "ESTOWAGE_UNSENT_TIMEOUT", "ESTOWAGE_UNSENT"]);

/**
 * Node's refusals of a request it was asked to send, raised before anything is sent: a header
 * value with CR/LF, another control character or a character beyond Latin-1, a header name that
 * is not an HTTP token, and the like. Bad input, not a network failure.
 */
const LOCAL_REFUSALS: Readonly<Record<string, string>> = {
  ERR_INVALID_CHAR: "holds characters no HTTP header can carry (control characters such as a line break, or characters beyond Latin-1)",
  ERR_HTTP_INVALID_HEADER_VALUE: "has no valid value",
  ERR_INVALID_HTTP_TOKEN: "is not an HTTP token (letters, digits and !#$%&'*+.^_`|~-)",
  ERR_UNESCAPED_CHARACTERS: "holds characters that must be percent-encoded",
  ERR_INVALID_URL: "is not a valid URL",
};

/**
 * What Node refused, as named in its message: `header "x-cos-security-token"`, `the method`, `the
 * request path` or `the request URL`. Only a name shaped like an HTTP token is shown; never a value.
 */
function refusedPart(code: string, message: string): string {
  if (code === "ERR_UNESCAPED_CHARACTERS") return "the request path";
  if (code === "ERR_INVALID_URL") return "the request URL";
  if (code === "ERR_INVALID_HTTP_TOKEN" && message.startsWith("Method")) return "the request method";
  const name = /\["([^"\]]*)"\]$/.exec(message)?.[1] ?? /for header "([^"]*)"$/.exec(message)?.[1];
  return name !== undefined && /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}$/.test(name) ? `header "${name}"` : "a request header";
}

/** The errno-like `code` of an error, if it has one. @throws nothing */
export function errnoOf(e: unknown): string | undefined {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
}

/**
 * True when `e` is a transient failure worth another attempt: a StorageError's own verdict
 * (`retryable`), or a socket failure this client retries (`ECONNRESET`, `ETIMEDOUT`, `EAI_AGAIN`...).
 * Anything else (a plain Error, a TLS failure, a string) is not.
 * @throws nothing
 */
export function isTransientFailure(e: unknown): boolean {
  if (isStorageError(e)) return e.retryable;
  return errnoOf(e) !== undefined && networkError(e).retryable;
}

/** True when `e` (a socket error) certainly happened before the server could see the request. @throws nothing */
export function failedBeforeSend(e: unknown): boolean {
  const code = errnoOf(e);
  return code !== undefined && BEFORE_SEND.has(code);
}

/**
 * True when `e`, a request's failure, may have come after the service applied the request: a
 * transport failure (`ServiceInternal` without a status) that did not certainly happen before
 * sending. A driver whose request is not idempotent (an append) then looks at the object to tell.
 * @throws nothing
 */
export function mayHaveBeenApplied(e: unknown): e is StorageError {
  return isStorageError(e, ErrorCode.ServiceInternal) && e.statusCode === undefined && !(e.cause !== undefined && failedBeforeSend(e.cause));
}

/**
 * A transport failure (reset, timeout, refused connection, broken response
 * body, bad TLS...) as a StorageError: `ServiceInternal`, retryable when the
 * failure is transient; TLS failures (a certificate refused, an https endpoint
 * that answers in plain text) are non-retryable `Unexpected` errors with a hint.
 * Node's own refusals of the request before sending it (`ERR_INVALID_CHAR`: a header value with a
 * line break or beyond Latin-1; `ERR_INVALID_HTTP_TOKEN`, `ERR_HTTP_INVALID_HEADER_VALUE`,
 * `ERR_UNESCAPED_CHARACTERS`, `ERR_INVALID_URL`) are non-retryable `InvalidArgument` errors naming the
 * header (never its value). StorageErrors pass through.
 * The message names the socket error code, never header values or URLs with signatures.
 * @throws nothing (returns the error)
 */
export function networkError(e: unknown, what = "request"): StorageError {
  if (isStorageError(e)) return e;
  const code = errnoOf(e);
  const message = thrownText(e);
  const refusal = ownEntry(LOCAL_REFUSALS, code);
  if (refusal !== undefined) {
    // Node's message may quote the value (ERR_HTTP_INVALID_HEADER_VALUE): it is not repeated, nor kept as the cause.
    return storageError(ErrorCode.InvalidArgument, `${what} was not sent: ${refusedPart(code!, message)} ${refusal} (${code})`, { retryable: false });
  }
  // OpenSSL messages span lines; one line keeps the error readable.
  const oneLine = message.replace(/\s*\n\s*/g, " ");
  if (code === "EPROTO" || code === "ERR_SSL_WRONG_VERSION_NUMBER") {
    // OpenSSL's "wrong version number": the server answered the TLS hello in plain text.
    const plain = /wrong version number/i.test(message) || code === "ERR_SSL_WRONG_VERSION_NUMBER";
    const hint = plain ? ": the endpoint is https, but the server does not speak TLS there (is it http:?)" : `: ${oneLine}`;
    return storageError(ErrorCode.Unexpected, `TLS failure during ${what} (${code})${hint}`, { cause: e, retryable: false });
  }
  if (code !== undefined && isTlsFailureCode(code)) {
    const hint = UNTRUSTED.has(code) ? "; for a server with a private CA, give its PEM certificate in the tls_ca pair" : "";
    return storageError(ErrorCode.Unexpected, `TLS failure during ${what} (${code}): ${oneLine}${hint}`, { cause: e, retryable: false });
  }
  const transient = code === undefined ? /socket hang up|aborted|premature/i.test(message) : TRANSIENT.has(code);
  return storageError(ErrorCode.ServiceInternal, `network failure during ${what}${code ? ` (${code})` : ""}: ${message}`, {
    cause: e,
    retryable: transient,
  });
}

/** The error a request gets when nothing moved on its socket for `ms`. @throws nothing (returns the error) */
export function timeoutError(ms: number): NodeJS.ErrnoException {
  const e: NodeJS.ErrnoException = new Error(`no activity on the connection for ${ms} ms`);
  e.code = "ESTOWAGE_TIMEOUT";
  return e;
}

/**
 * The error a request gets when its connection could not be opened (name lookup and TCP connect) within `ms`.
 * @throws nothing (returns the error)
 */
export function connectTimeoutError(ms: number): NodeJS.ErrnoException {
  const e: NodeJS.ErrnoException = new Error(`could not connect within ${ms} ms`);
  e.code = "ESTOWAGE_CONNECT_TIMEOUT";
  return e;
}

/**
 * The error a request gets when its connection sat idle for `ms` before a byte of it was written
 * (signing it again took that long): nothing was sent, so it is retried as a failure before sending.
 * @throws nothing
 */
export function unsentTimeoutError(ms: number): NodeJS.ErrnoException {
  const e: NodeJS.ErrnoException = new Error(`nothing was sent within ${ms} ms of getting a connection (signing the request again took that long)`);
  e.code = "ESTOWAGE_UNSENT_TIMEOUT";
  return e;
}

/**
 * `e`, a socket's failure before a byte of the request was written (a pooled connection the server
 * closed while the request was signed again), as one that certainly happened before sending: its
 * code `ESTOWAGE_UNSENT`, `e` its cause. Only transient socket failures are so turned; others
 * (a header Node refuses, errors already known to come before sending, StorageErrors) are
 * returned as they are.
 * @throws nothing
 */
export function unsentError(e: unknown): unknown {
  // Only a transient socket failure (a reset, a hang-up); anything else keeps its own meaning.
  const code = errnoOf(e);
  if (isStorageError(e) || failedBeforeSend(e) || code === undefined || !TRANSIENT.has(code)) return e;
  const error: NodeJS.ErrnoException = new Error(`${(e as Error).message ?? String(e)} (before a byte of the request was written)`, { cause: e });
  error.code = "ESTOWAGE_UNSENT";
  return error;
}

/** The error of a response body whose reader left it paused for `ms`: its connection was closed. @throws nothing */
export function pausedTimeoutError(ms: number): NodeJS.ErrnoException {
  const e: NodeJS.ErrnoException = new Error(`the response body was left paused (unread) for ${ms} ms; its connection was closed`);
  e.code = "ESTOWAGE_PAUSED_TIMEOUT";
  return e;
}
