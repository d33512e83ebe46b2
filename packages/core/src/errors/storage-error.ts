import { types } from "node:util";
import { answerOf } from "./answer-of.js";
import type { BatchOutcome } from "./batch-outcome.js";
import { ErrorCode, RETRYABLE_CODES } from "./error-code.js";
import { redactSecrets } from "./redact.js";
import { jsonPath, showPath } from "./shown-path.js";
import { typeName } from "./wrong-type.js";

/** What a {@link StorageError} can say about where it happened. */
export interface StorageErrorContext {
  /** Operation name, e.g. `"write"`, `"complete_multipart"`, `"new_storager"`. */
  op?: string;
  /** Service type, e.g. `"cos"`, `"fs"`. */
  service?: string;
  /**
   * The path(s) the operation was about (copy and move carry two; deleteMany all it was given). Kept
   * as the caller gave it, a value of the wrong type too (a bigint: `InvalidArgument`); the message
   * and `toJSON()` show such a value by its kind only, `(bigint)`.
   */
  path?: string | readonly string[];
  /** HTTP status, when the service answered. */
  statusCode?: number;
  /** The service's request id, when it sent one. */
  requestId?: string;
  /**
   * The service's own code word for the failure (`NoSuchBucket`, `upload_not_exists`...), when its
   * answer named one. Only a code word is kept (letters, digits, `_`, `.`, `-`; at most 64
   * characters): anything else is dropped, so it never carries a message, a key or a secret.
   */
  serviceCode?: string;
  /** Overrides the retryable default of the code. */
  retryable?: boolean;
  /**
   * True when the service refused the credential itself (see {@link StorageError.credentialRefused});
   * a driver's error mapping sets it, from the service's own codes.
   */
  credentialRefused?: boolean;
}

/** Everything needed to build a {@link StorageError}. */
export interface StorageErrorInit extends StorageErrorContext {
  code: ErrorCode;
  message: string;
  cause?: unknown;
  /** Where a call over many paths (`deleteMany`) stood when it failed. */
  batch?: BatchOutcome;
}

/**
 * The one error class Stowage throws. `code` says what went wrong; the other
 * fields say where. Messages and `cause` never carry credentials, signatures,
 * SSE-C keys or security tokens.
 */
export class StorageError extends Error {
  override readonly name = "StorageError";
  /** What went wrong: a stable {@link ErrorCode} to branch on (`isStorageError(e, "ObjectNotExist")`), never the message. */
  readonly code: ErrorCode;
  /** The operation that failed, snake_case: `"write"`, `"complete_multipart"`, `"new_storager"`. */
  readonly op: string | undefined;
  /** The service type whose call failed: `"cos"`, `"fs"`, ... */
  readonly service: string | undefined;
  /** The path(s) the operation was about, as the caller gave them (see {@link StorageErrorContext.path}). */
  readonly path: string | readonly string[] | undefined;
  /** The HTTP status of the service's answer (or of a fetched source's), when there was one. */
  readonly statusCode: number | undefined;
  /** The service's request id, when it sent one: quote it to the service's support. */
  readonly requestId: string | undefined;
  /** The service's own code word for the failure, when its answer named one (see {@link StorageErrorContext.serviceCode}). */
  readonly serviceCode: string | undefined;
  /**
   * Whether trying the call again may succeed: the error's own verdict (a driver or core may set
   * it), not only its code's default (`RequestThrottled` and `ServiceInternal` are retryable).
   */
  readonly retryable: boolean;
  /**
   * True when the service refused the credential itself, not this one request: the access key is
   * unknown (revoked, rotated) or the security token expired, is invalid or not the key's (COS
   * `InvalidAccessKeyId`, `ExpiredToken`, `InvalidSecurityToken`, an `AccessDenied` saying the token
   * expired or is invalid; OSS `InvalidAccessKeyId`, `SecurityTokenExpired`, `InvalidSecurityToken`;
   * QingStor `invalid_access_key_id`). Every later request signed with it fails the same way, so a
   * caller can stop, or ask for new credentials, rather than go on. Always on a `PermissionDenied`;
   * false for a policy refusing one object or prefix, a refused signature, a clock skew, a provider
   * that failed (the service never saw its credentials), and on memory and fs. (A HEAD's refusal names
   * no code on COS and QingStor: their drivers ask a GET of the object's first byte for it.)
   */
  readonly credentialRefused: boolean;
  /** The message without the context suffix. */
  readonly detail: string;
  /**
   * Only on a `deleteMany` that failed once something was sent: which paths failed (with their
   * codes), which were deleted and which were never tried. The message names only a few of them.
   */
  readonly batch: BatchOutcome | undefined;

  /**
   * Builds the error from `init`. Total: whatever a caller or a thrown value put in (no `init` at all,
   * a message that is no string, a bigint or a cyclic object as the path, a getter that throws), an
   * error is built: a `code` that is no string is `Unexpected`, a missing message reads
   * `(no message)`, a `retryable` that is no boolean gives the code's default.
   * @throws nothing
   */
  constructor(init: StorageErrorInit) {
    const given = fieldsOf(init);
    const code = (typeof given.code === "string" ? given.code : ErrorCode.Unexpected) as ErrorCode;
    const detail = redactSecrets(given.message === undefined ? "(no message)" : textOf(given.message));
    super(formatMessage(code, detail, given), given.cause === undefined ? undefined : { cause: sanitizeCause(given.cause) });
    this.code = code;
    this.detail = detail;
    // Kept as their types say (a JS caller's bigint op made text, a batch that is none left out), so
    // toJSON always gives what JSON.stringify takes.
    this.op = given.op === undefined ? undefined : textOf(given.op);
    this.service = given.service === undefined ? undefined : textOf(given.service);
    this.path = given.path;
    this.statusCode = typeof given.statusCode === "number" ? given.statusCode : undefined;
    this.requestId = given.requestId === undefined ? undefined : textOf(given.requestId);
    this.serviceCode = codeWord(given.serviceCode);
    this.retryable = typeof given.retryable === "boolean" ? given.retryable : RETRYABLE_CODES.has(code);
    this.credentialRefused = given.credentialRefused === true;
    this.batch = isBatchOutcome(given.batch) ? given.batch : undefined;
  }

  /**
   * Returns a copy with the missing context fields filled in from `ctx`
   * (fields already set win). Used by core to add op, service and path.
   * @throws nothing
   */
  withContext(ctx: StorageErrorContext): StorageError {
    const copy = new StorageError({
      code: this.code,
      message: this.detail,
      cause: this.cause,
      op: this.op ?? ctx.op,
      service: this.service ?? ctx.service,
      path: this.path ?? ctx.path,
      statusCode: this.statusCode ?? ctx.statusCode,
      requestId: this.requestId ?? ctx.requestId,
      serviceCode: this.serviceCode ?? ctx.serviceCode,
      retryable: this.retryable,
      credentialRefused: this.credentialRefused || ctx.credentialRefused === true,
      ...(this.batch === undefined ? {} : { batch: this.batch }),
    });
    if (this.stack) copy.stack = copy.stack?.split("\n")[0] + "\n" + this.stack.split("\n").slice(1).join("\n");
    return copy;
  }

  /**
   * A plain object for logs and JSON output (no cause, no stack; of a `batch`, the counts only): one
   * `JSON.stringify` always takes. Of a call over many paths, `path` holds the first 100 and
   * `pathCount` how many there are in all (the `path` property keeps them all); a path of the wrong
   * type (a caller's bigint) is named by its kind, `(bigint)`.
   * @throws nothing
   */
  toJSON(): Record<string, unknown> {
    const batch = this.batch;
    const paths = this.path === undefined ? undefined : jsonPath(this.path);
    return {
      name: this.name,
      code: this.code,
      message: this.detail,
      op: this.op,
      service: this.service,
      path: paths?.path,
      ...(paths?.count === undefined ? {} : { pathCount: paths.count }),
      statusCode: this.statusCode,
      requestId: this.requestId,
      ...(this.serviceCode === undefined ? {} : { serviceCode: this.serviceCode }),
      retryable: this.retryable,
      ...(this.credentialRefused ? { credentialRefused: true } : {}),
      ...(batch === undefined ? {} : { batch: { failed: batch.failed.length, deleted: batch.deleted.length, notAttempted: batch.notAttempted.length } }),
    };
  }
}

/** Whether `value` has the shape of a {@link BatchOutcome} (its three lists). @throws nothing */
function isBatchOutcome(value: unknown): value is BatchOutcome {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Record<string, unknown>;
  return Array.isArray(v["failed"]) && Array.isArray(v["deleted"]) && Array.isArray(v["notAttempted"]);
}

/** The fields of a {@link StorageErrorInit} the constructor reads. */
const INIT_FIELDS = ["code", "message", "cause", "op", "service", "path", "statusCode", "requestId", "serviceCode", "retryable", "credentialRefused", "batch"] as const;

/**
 * The fields of `init`, each read once: none of a missing `init` (a JS caller's `new StorageError()`),
 * and a field whose getter throws (an exotic object, a revoked Proxy) left out.
 * @throws nothing
 */
function fieldsOf(init: unknown): Partial<StorageErrorInit> {
  const fields: Record<string, unknown> = {};
  if (init === undefined || init === null) return fields;
  for (const name of INIT_FIELDS) {
    try {
      fields[name] = (init as Record<string, unknown>)[name];
    } catch {
      // left out: the error is built without it
    }
  }
  return fields as Partial<StorageErrorInit>;
}

function formatMessage(code: ErrorCode, detail: string, ctx: StorageErrorContext): string {
  // `path` is shown by showPath and the rest by textOf, which never throw (a JS caller's values may be of any type).
  const parts: string[] = [];
  if (ctx.op) parts.push(`op=${textOf(ctx.op)}`);
  if (ctx.service) parts.push(`service=${textOf(ctx.service)}`);
  if (ctx.path !== undefined) parts.push(`path=${showPath(ctx.path)}`);
  if (ctx.statusCode !== undefined) parts.push(`status=${textOf(ctx.statusCode)}`);
  if (ctx.requestId) parts.push(`requestId=${textOf(ctx.requestId)}`);
  return parts.length ? `${code}: ${detail} (${parts.join(", ")})` : `${code}: ${detail}`;
}

/** A service's code word: letters, digits, `_`, `.`, `-`, starting with a letter or digit, 1 to 64 characters. */
const CODE_WORD = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

/** `code` when it is a service's code word (see {@link CODE_WORD}), else undefined: nothing else is kept. */
function codeWord(code: unknown): string | undefined {
  return typeof code === "string" && CODE_WORD.test(code) ? code : undefined;
}

/** `value` as text: a string as is, anything else as `String` makes it, or its kind when even that throws. @throws nothing */
function textOf(value: unknown): string {
  if (typeof value === "string") return value;
  try {
    return String(value);
  } catch {
    return `(${typeName(value)})`;
  }
}

/** How many causes deep {@link sanitizeCause} follows a chain (`cause.cause...`): a cycle or a long chain ends there. */
const CAUSE_DEPTH = 4;

/**
 * A redacted copy of a cause: a StorageError as it is (built redacted); an `Error` as a new plain
 * `Error` with its name, message and stack redacted, its `code`, `errno` and `syscall` when they are
 * a string or a number, and its own cause so copied (to {@link CAUSE_DEPTH} levels); a string
 * redacted. Anything else of the original (its class, other fields, which may hold request options
 * and headers) is dropped, and so is a cause of any other type.
 * @throws nothing.
 */
function sanitizeCause(cause: unknown, depth = 0): unknown {
  try {
    if (cause instanceof StorageError) return cause;
    // isNativeError too: an Error of another realm (a vm context, jest's sandbox) is no instanceof Error here.
    if (cause instanceof Error || types.isNativeError(cause)) {
      const inner = depth + 1 < CAUSE_DEPTH && cause.cause !== undefined ? sanitizeCause(cause.cause, depth + 1) : undefined;
      const clean = new Error(redactSecrets(textOf(cause.message)), inner === undefined ? undefined : { cause: inner });
      clean.name = textOf(cause.name);
      const fields = cause as unknown as Record<string, unknown>;
      for (const field of ["code", "errno", "syscall"]) {
        const v = fields[field];
        if (typeof v === "string" || typeof v === "number") (clean as unknown as Record<string, unknown>)[field] = v;
      }
      if (typeof cause.stack === "string") clean.stack = redactSecrets(cause.stack);
      return clean;
    }
    return typeof cause === "string" ? redactSecrets(cause) : undefined;
  } catch {
    // Only an exotic object (a getter that throws, a revoked Proxy) gets here: nothing of it is kept.
    return undefined;
  }
}

/**
 * True when `e` is a {@link StorageError} (and, when `code` is given, has that code: its type then
 * narrows `e.code` to it). Works across package copies by checking the shape, not only `instanceof`.
 * @throws nothing
 */
export function isStorageError<C extends ErrorCode = ErrorCode>(e: unknown, code?: C): e is StorageError & { readonly code: C } {
  if (!(e instanceof Error) || e.name !== "StorageError") return false;
  const c = (e as StorageError).code;
  if (typeof c !== "string") return false;
  return code === undefined || c === code;
}

/** Shorthand for `new StorageError({ code, message, ...ctx })`. @throws nothing (returns the error) */
export function storageError(code: ErrorCode, message: string, ctx: Omit<StorageErrorInit, "code" | "message"> = {}): StorageError {
  return new StorageError({ code, message, ...ctx });
}

/**
 * The context `e` carries (operation, service, statusCode, requestId, serviceCode, credentialRefused; with
 * `withPath`, its path), only the fields it has: to build another error about the same answer.
 * @throws never
 */
export function contextOf(e: StorageError, withPath = false): StorageErrorContext {
  return {
    ...(e.op === undefined ? {} : { op: e.op }),
    ...(e.service === undefined ? {} : { service: e.service }),
    ...(withPath && e.path !== undefined ? { path: e.path } : {}),
    ...answerOf(e),
  };
}
