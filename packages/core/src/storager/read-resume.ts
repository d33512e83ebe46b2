import type { DriverReadResult } from "../driver/storage-driver.js";
import { ErrorCode } from "../errors/error-code.js";
import { isStorageError, storageError, type StorageError } from "../errors/storage-error.js";
import { crc64Equal } from "../integrity/crc64.js";
import { errnoOf, networkError } from "../http/network-error.js";
import { resolveRetryPolicy, retryDelay, type RetryPolicy } from "../http/retry-policy.js";
import type { PairSet } from "../pairs/pair-definition.js";
import type { OpenConfig } from "../registry/service-definition.js";

/**
 * What the first response of a read said about the object, so a resumed
 * response can be checked to describe the same object before any of its bytes
 * are used.
 */
export interface ObjectIdentity {
  size: number | undefined;
  etag: string | undefined;
  /** Milliseconds since the epoch. */
  lastModified: number | undefined;
  /** Whole-object CRC-64 the service announced, when it did. */
  crc64: string | undefined;
  /** Whole-object MD5 the driver vouched for, when it did. */
  md5: string | undefined;
}

/**
 * The {@link ObjectIdentity} a driver's read answer describes.
 * @throws never
 */
export function identityOf(opened: DriverReadResult): ObjectIdentity {
  const object = opened.object;
  return {
    size: object?.size,
    etag: object?.etag,
    lastModified: object?.lastModified?.getTime(),
    crc64: opened.crc64,
    md5: opened.md5,
  };
}

/**
 * True when `identity` pins one version of the object: it has an ETag, or a whole-object CRC-64
 * the service announced. Without either (a QingStor multipart object another tool completed without
 * an ETag), nothing tells a later answer from one for another version of the same size:
 * Last-Modified has one-second steps, so an overwrite within the same second goes unseen. Such a
 * read is neither resumed nor split into ranges.
 * @throws never
 */
export function versionPinned(identity: ObjectIdentity): boolean {
  return identity.etag !== undefined || identity.crc64 !== undefined;
}

/**
 * Why `next` (a resumed answer) may describe another object than `first`, or
 * `undefined` when it is the same one. The size must match; the ETags must be equal, an ETag
 * that appears or disappears being a change; without an ETag, the first answer's CRC-64 must come
 * back (equal), and so must its modification time when it had one; announced CRC-64s and MD5s
 * must agree when both answers carry one. A first answer that pins no version
 * ({@link versionPinned}) can never be confirmed, so it always gets a reason.
 * @throws never
 */
export function identityChange(first: ObjectIdentity, next: ObjectIdentity): string | undefined {
  if (next.size !== first.size) return `size ${String(first.size)} became ${String(next.size)}`;
  if (next.etag !== first.etag) return `etag ${first.etag ?? "(none)"} became ${next.etag ?? "(none)"}`;
  if (first.etag === undefined) {
    if (first.crc64 === undefined) return "nothing identifies the object's version (no ETag, no CRC-64)";
    if (next.crc64 === undefined) return `crc64 ${first.crc64} became (none)`;
    if (first.lastModified !== undefined && next.lastModified !== first.lastModified) {
      const when = (ms: number | undefined): string => (ms === undefined ? "unknown" : new Date(ms).toISOString());
      return `last-modified ${when(first.lastModified)} became ${when(next.lastModified)}`;
    }
  }
  if (first.crc64 !== undefined && next.crc64 !== undefined && !crc64Equal(next.crc64, first.crc64)) return `crc64 ${first.crc64} became ${next.crc64}`;
  if (first.md5 !== undefined && next.md5 !== undefined && next.md5 !== first.md5) return `md5 ${first.md5} became ${next.md5}`;
  return undefined;
}

/**
 * The error of a body that broke (`cause`, or ended short) after `bytes` of `expected` on a read
 * that pins no version ({@link versionPinned}), so is not resumed: a retryable `ServiceInternal`
 * (reading again from the start is safe), as with `max_retries=0`.
 * @throws never
 */
export function unpinnedBreak(bytes: number, expected: number, cause: unknown): StorageError {
  return storageError(
    ErrorCode.ServiceInternal,
    `the body broke after ${bytes} of ${expected} bytes; not resumed: the object has no ETag or CRC-64, so a resumed answer could come from another version`,
    cause === undefined ? { retryable: true } : { retryable: true, cause },
  );
}

/**
 * The error of a body that ended (cleanly) after `bytes` of `expected`, with no resume left or
 * none possible: a retryable `ServiceInternal`, as a reset at the same point gives; the bytes
 * delivered are not wrong, only too few. `budget` is the read's ({@link ResumeBudget}), undefined
 * when it cannot be resumed (no ranged reads); `pairs` are the
 * storager's. The message says how many resumes were used up, and names `max_retries`, the pair
 * that sets them, only where the storager takes it (HTTP drivers: memory and fs do not, and make
 * {@link DEFAULT_READ_RESUMES}); a budget of 0 says resuming is off (`max_retries=0`).
 * @throws never
 */
export function endedShort(bytes: number, expected: number, budget: ResumeBudget | undefined, pairs: PairSet): StorageError {
  const pair = Object.values(pairs).some((def) => def.name === "max_retries");
  const used = budget?.resumes ?? 0;
  const spent = `${used === 1 ? "its 1 resume is" : `its ${used} resumes are`} used up${pair ? " (max_retries)" : ""}`;
  const why = budget === undefined ? "it cannot be resumed here" : budget.enabled ? spent : pair ? "resuming is off (max_retries=0)" : "resuming is off";
  return storageError(ErrorCode.ServiceInternal, `the body ended after ${bytes} of ${expected} bytes, and ${why}`, { retryable: true });
}

/**
 * True when a read that failed with `e` may be resumed: a retryable
 * StorageError other than `Aborted`, or a raw transient socket failure
 * (reset, premature close, timeout). Never after `signal` fired.
 * @throws never
 */
export function isResumableFailure(e: unknown, signal: AbortSignal | undefined): boolean {
  if (signal?.aborted) return false;
  if (isStorageError(e)) return e.code !== ErrorCode.Aborted && e.retryable;
  if (e instanceof Error && e.name === "AbortError") return false;
  return networkError(e).retryable;
}

/** The code of a body its reader left paused past the HTTP client's paused-body bound (network-error.ts pausedTimeoutError). */
const PAUSED_TIMEOUT = "ESTOWAGE_PAUSED_TIMEOUT";

/**
 * True when `e` (a broken body's error, or a StorageError with such a cause, up to 4 deep) is the
 * HTTP client closing a body its reader left paused for the paused-body bound
 * (`ESTOWAGE_PAUSED_TIMEOUT`): the reader held it back, nothing failed at the service.
 * @throws never
 */
export function isPausedTimeout(e: unknown): boolean {
  let at = e;
  for (let depth = 0; depth < 5 && at !== undefined && at !== null; depth++) {
    if (errnoOf(at) === PAUSED_TIMEOUT) return true;
    at = (at as { cause?: unknown }).cause;
  }
  return false;
}

/** Resumes per read when the storager has no `max_retries` (HTTP drivers' pair; memory, fs and drivers without it always make these). */
export const DEFAULT_READ_RESUMES = 3;

/**
 * The resume budget of one read: how many times a broken body may be re-requested
 * and how long to wait before each try. A resume after a paused-body timeout
 * ({@link isPausedTimeout}) does not take from it (object-read-stream.ts). Bound by the storager's `max_retries`
 * (HTTP drivers' open-time pair; 0 disables resuming), else {@link DEFAULT_READ_RESUMES},
 * with the backoff of `retry_base_delay` / `retry_max_delay` (full jitter).
 * @throws never
 */
export class ResumeBudget {
  private used = 0;
  private readonly policy: RetryPolicy;

  constructor(config: OpenConfig, private readonly random: () => number = Math.random) {
    const number = (v: unknown): number | undefined => (typeof v === "number" ? v : undefined);
    this.policy = resolveRetryPolicy({
      maxRetries: number(config["maxRetries"]) ?? DEFAULT_READ_RESUMES,
      baseDelayMs: number(config["retryBaseDelay"]),
      maxDelayMs: number(config["retryMaxDelay"]),
    });
  }

  /** Resumes this read has made so far. */
  get resumes(): number {
    return this.used;
  }

  /** False when `max_retries` is 0: the read is never resumed, not even after a paused-body timeout. */
  get enabled(): boolean {
    return this.policy.maxRetries > 0;
  }

  /** True while another resume is allowed. */
  get left(): boolean {
    return this.used < this.policy.maxRetries;
  }

  /** Takes one resume from the budget and returns the delay (ms) to wait before it. */
  take(): number {
    this.used += 1;
    return retryDelay(this.used, this.policy, undefined, this.random);
  }
}

/**
 * Waits `ms`, resolving early (with `false`) when `stop` aborts; `true` after
 * the full wait.
 * @throws never (the promise never rejects)
 */
export function waitBeforeResume(ms: number, stop: AbortSignal): Promise<boolean> {
  if (stop.aborted) return Promise.resolve(false);
  return new Promise<boolean>((resolve) => {
    const onStop = (): void => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      stop.removeEventListener("abort", onStop);
      resolve(true);
    }, ms);
    stop.addEventListener("abort", onStop, { once: true });
  });
}
