import { wrongType } from "../errors/wrong-type.js";

/** How an HTTP client retries failed attempts. */
export interface RetryPolicy {
  /** Retries after the first attempt (0 disables retrying). */
  maxRetries: number;
  /** Delay ceiling of the first retry, in ms; it doubles per retry. */
  baseDelayMs: number;
  /** Largest delay between two attempts, in ms (also caps `Retry-After`). */
  maxDelayMs: number;
}

/** 3 retries, 200 ms base, 10 s cap. */
export const DEFAULT_RETRY_POLICY: Readonly<RetryPolicy> = Object.freeze({ maxRetries: 3, baseDelayMs: 200, maxDelayMs: 10_000 });

/**
 * Delay before retry number `retry` (1 for the first retry): "full jitter"
 * exponential backoff, a uniform draw in `[0, min(maxDelay, base × 2^(retry-1))]`,
 * never below a server's `Retry-After` (itself capped at `maxDelay`).
 * Pure: `random` returns a number in [0, 1).
 * @throws nothing but what a given `random` throws
 */
export function retryDelay(retry: number, policy: RetryPolicy, retryAfterMs?: number, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, retry - 1));
  const jittered = Math.floor(random() * ceiling);
  const floor = retryAfterMs === undefined ? 0 : Math.min(policy.maxDelayMs, Math.max(0, retryAfterMs));
  return Math.max(jittered, floor);
}

/**
 * A `Retry-After` header (seconds, or an HTTP date) in ms from `now`, or
 * `undefined` when absent or unreadable.
 * @throws StorageError `InvalidArgument` when `value` is neither a string nor undefined, or `now` is not a number.
 */
export function parseRetryAfter(value: string | undefined, now: number = Date.now()): number | undefined {
  if (value !== undefined && typeof value !== "string") throw wrongType("parseRetryAfter", "value", "a string or undefined", value);
  if (typeof now !== "number") throw wrongType("parseRetryAfter", "now", "a number (ms since the epoch)", now);
  if (value === undefined || value.trim() === "") return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** Completes a partial policy with the defaults and clamps it to sane bounds (0–100 retries, delays ≥ 0). @throws nothing */
export function resolveRetryPolicy(partial: Partial<RetryPolicy> | undefined): RetryPolicy {
  const p = { ...DEFAULT_RETRY_POLICY, ...stripUndefined(partial ?? {}) };
  return {
    maxRetries: clampInt(p.maxRetries, 0, 100),
    baseDelayMs: Math.max(0, p.baseDelayMs),
    maxDelayMs: Math.max(0, p.maxDelayMs),
  };
}

function clampInt(n: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, Math.floor(n)));
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  const out: Partial<T> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  return out;
}
