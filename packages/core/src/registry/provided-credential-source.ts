import { ErrorCode } from "../errors/error-code.js";
import { storageError, type StorageError } from "../errors/storage-error.js";
import { thrownText } from "../errors/thrown-text.js";
import type { SigningClock } from "../http/signing-clock.js";
import { checkCredentialCharacters } from "./credential-characters.js";
import type { CredentialGetOptions, CredentialShape, CredentialSource } from "./credential-source.js";
import { ProviderCall, TIMED_OUT, transientProviderFailure } from "./provider-call.js";

/**
 * Ask a credential provider again this long before its credentials expire. Credentials that
 * arrive with less than this to live are renewed halfway through what they have left instead
 * (not on every use).
 */
export const CREDENTIAL_REFRESH_MARGIN_MS = 5 * 60 * 1000;
/** How long provided credentials without an expiration are kept before the provider is asked again. */
export const CREDENTIAL_UNDATED_TTL_MS = 5 * 60 * 1000;
/** How long a credential provider may take to answer (default of {@link ProvidedCredentialOptions.timeoutMs}). */
export const CREDENTIAL_PROVIDER_TIMEOUT_MS = 30 * 1000;
/**
 * After a provider failure while the cached credentials are still valid (they are then used
 * instead), the provider is asked again after this long at the earliest.
 */
export const CREDENTIAL_RETRY_AFTER_FAILURE_MS = 10 * 1000;
/**
 * After a provider call failed on a transient cause (a network failure, a retryable StorageError)
 * with no valid cached credentials to fall back on, the next provider call starts no sooner than
 * this after it. The HTTP client retries such a failed signature after its backoff; the operations
 * that do so together join that one call instead of each asking the provider again.
 */
export const CREDENTIAL_PROVIDER_RETRY_GAP_MS = 200;

/**
 * Numeric expirations below this (Unix ms of March 1973) are refused as Unix *seconds* (by a source
 * whose clock reads later, as a real one does): STS answers such as Tencent's `ExpiredTime` are in
 * seconds, and taken for ms they would date the credentials in 1970 (expired on arrival, so the
 * provider would be asked on every request).
 */
export const MIN_EXPIRATION_MS = 1e11;

/** Credentials a provider returns: the driver's shape, optionally dated. */
export interface DatedCredentials {
  /**
   * When they stop working: a Date, Unix **milliseconds** (a number below {@link MIN_EXPIRATION_MS}
   * looks like Unix seconds and is refused: multiply seconds by 1000; a string of digits counts as
   * that number), or an ISO 8601 string (e.g. Alibaba Cloud STS's `Expiration`). A value no date can
   * be made of counts as no expiration.
   */
  expiration?: Date | number | string | undefined;
}

/** Settings of {@link providedCredentialSource}. */
export interface ProvidedCredentialOptions {
  /**
   * How long one provider call may take, in ms (default {@link CREDENTIAL_PROVIDER_TIMEOUT_MS}).
   * A call that takes longer fails the callers waiting on it with a retryable `PermissionDenied`
   * (the HTTP client does not retry this failed signature itself: one timeout fails one call), and the
   * next `get` asks the provider again (the late answer is dropped). The timer keeps the process
   * alive while a caller waits on the call (so a provider awaiting something that holds no handle
   * still ends in that error, not in a silent exit of Node), and only then: not for a renewal
   * nobody waits on, nor once every waiting caller aborted (`get`'s `signal`).
   */
  timeoutMs?: number;
}

/**
 * Credentials from a provider function, cached until {@link CREDENTIAL_REFRESH_MARGIN_MS} before
 * they expire (halfway through their remaining lifetime when they arrive with less than that to
 * live; {@link CREDENTIAL_UNDATED_TTL_MS} when they carry no expiration), or until `invalidate` is called
 * with the very object (identity) still cached, so several requests rejected with the same
 * credentials cause one provider call. Concurrent callers share one refresh, bounded by
 * `options.timeoutMs`; a failed refresh is not cached. Credentials due for renewal but not expired
 * (and not invalidated) are returned at once while the refresh runs in the background; callers wait
 * for it only when none are valid. When a refresh fails while the cached
 * credentials have not expired yet (they were not invalidated), those are returned instead and the
 * provider is asked again after {@link CREDENTIAL_RETRY_AFTER_FAILURE_MS} (or at their expiry, if sooner).
 * After a transient failure with none to fall back on, the next provider call starts
 * {@link CREDENTIAL_PROVIDER_RETRY_GAP_MS} after it at the earliest, so the callers retrying together share it.
 * Expirations are in the service's time: each `get` judges them, and plans renewals, by `clock` plus
 * the offset of the caller's clock (`CredentialGetOptions.clock`: the HTTP client's, corrected from
 * the service's `Date`); credentials that arrive already expired by a clock no answer of the service
 * has confirmed go, uncached, to the callers of that provider call for the service to judge.
 * `clock` is injectable for tests. Each call makes a new cache; drivers share one per provider
 * function with `sharedCredentialSource`.
 * @throws StorageError `PermissionDenied` (from the source's `get`, never from this call) when the
 *   provider throws (retryable when what it threw is transient: a retryable StorageError, or a
 *   network failure such as `ECONNRESET`, which the HTTP client also retries within its retries) or returns credentials without a non-empty string in both `shape.keys` fields,
 *   or with a `securityToken` that is no string, or with a numeric `expiration` below {@link MIN_EXPIRATION_MS} (seconds, not ms) (not
 *   retryable), or returns credentials already expired by a checked clock (retryable; the message
 *   names the local time it judged by) or with a key or `securityToken`
 *   holding control characters or characters beyond Latin-1 (not retryable; the value is never
 *   shown), or does not answer within the timeout (retryable, not retried by the HTTP client), and no valid cached
 *   credentials are left to fall back on; `InvalidArgument` (from `get`) when the credentials
 *   expire before its `validUntil` even after asking the provider again; `Aborted` (from `get`) when the caller's signal aborts
 *   while it waits on the provider.
 */
export function providedCredentialSource<C extends DatedCredentials>(
  provider: () => C | Promise<C>,
  shape: Pick<CredentialShape<C>, "keys">,
  clock: () => number = Date.now,
  options: ProvidedCredentialOptions = {},
): CredentialSource<C> {
  const timeoutMs = options.timeoutMs ?? CREDENTIAL_PROVIDER_TIMEOUT_MS;
  /** `expires` is undefined for undated credentials (never used past `renewAt`). */
  let cached: { creds: C; renewAt: number; expires: number | undefined } | undefined;
  /** The refresh in flight, and the provider call it waits on. */
  let pending: { outcome: Promise<C>; call: ProviderCall<C> } | undefined;
  /** When (`performance.now()`) the last provider call failed on a transient cause; undefined once one answered. */
  let failedAt: number | undefined;
  /** The expiry (Unix ms) of each dated credentials object this source handed out. */
  const expiryOf = new WeakMap<object, number>();
  const usable = (v: unknown): boolean => typeof v === "string" && v !== "";
  /** The time to judge by for a caller on clock `by`: the source's clock plus the caller's offset from the service's. */
  const timeBy = (by: SigningClock | undefined): number => clock() + (by?.offsetMs ?? 0);
  /** The refusal of credentials that expired at `expires` by clock `by`, naming the local time it judged by. */
  const expired = (expires: number, by: SigningClock | undefined): StorageError => {
    const local = clock();
    const offset = by?.offsetMs ?? 0;
    const judged =
      offset === 0
        ? `local time ${iso(local)} (is the local clock ahead of the service's?)`
        : `local time ${iso(local)} corrected by ${Math.round(offset / 1000)} s from the service's Date to ${iso(local + offset)}`;
    return storageError(ErrorCode.PermissionDenied, `the credential provider returned credentials that expired at ${iso(expires)}, judged by the ${judged}`, { retryable: true });
  };
  const ask = async (call: ProviderCall<C>): Promise<C> => {
    try {
      const answer = await call.result;
      failedAt = undefined;
      return answer;
    } catch (e) {
      if (e === TIMED_OUT) {
        throw storageError(ErrorCode.PermissionDenied, `the credential provider did not answer within ${timeoutMs} ms`, { retryable: true });
      }
      const transient = transientProviderFailure(e);
      if (transient) failedAt = performance.now();
      throw storageError(ErrorCode.PermissionDenied, `the credential provider failed: ${thrownText(e)}`, { cause: e, retryable: transient });
    }
  };
  /** A provider call, started once the gap after a transient failure has passed (its timeout counts from then). */
  const startCall = (): ProviderCall<C> => {
    const gap = failedAt === undefined ? 0 : failedAt + CREDENTIAL_PROVIDER_RETRY_GAP_MS - performance.now();
    if (gap <= 0) return new ProviderCall(Promise.resolve().then(provider), timeoutMs);
    // Unreferenced: a caller waiting on the call holds the process through the call's own timer.
    const after = new Promise<void>((resolve) => setTimeout(resolve, gap).unref());
    return new ProviderCall(after.then(provider), timeoutMs + gap);
  };
  /** Whether `c` (the cached entry) is still valid at `now` (always when undated). */
  const valid = (c: { expires: number | undefined }, now: number): boolean => c.expires === undefined || now < c.expires;
  /** Asks the provider for the caller on clock `by`, judging the answer by that clock. */
  const refresh = async (call: ProviderCall<C>, by: SigningClock | undefined): Promise<C> => {
    const creds = await ask(call);
    if (!creds || !usable(creds[shape.keys[0]]) || !usable(creds[shape.keys[1]])) {
      throw storageError(ErrorCode.PermissionDenied, `the credential provider returned no ${shape.keys[0]}/${shape.keys[1]}`);
    }
    checkCredentialCharacters(creds, shape.keys);
    const now = timeBy(by);
    const expires = expirationTime(creds.expiration, now);
    if (expires !== undefined) expiryOf.set(creds, expires);
    if (expires !== undefined && expires <= now) {
      // Expired by a clock no answer of the service confirmed: sent for the service to judge (its
      // skew refusal teaches the client the offset), never cached; the cached ones first while valid.
      if (by?.checked === false && !(cached !== undefined && valid(cached, now))) return creds;
      throw expired(expires, by);
    }
    cached = { creds, renewAt: renewalTime(now, expires), expires };
    return creds;
  };
  /** `creds` unless they have expired by the caller's clock `by` (checked: an unchecked one lets the service judge). */
  const unexpired = (creds: C, by: SigningClock | undefined): C => {
    const expires = expiryOf.get(creds);
    if (expires !== undefined && by?.checked !== false && expires <= timeBy(by)) throw expired(expires, by);
    return creds;
  };
  /** A refresh that failed: the cached credentials while they are valid (by clock `by`), else the failure. */
  const fallBack = (error: unknown, by: SigningClock | undefined): C => {
    const now = timeBy(by);
    if (cached?.expires === undefined || now >= cached.expires) throw error;
    cached.renewAt = Math.min(cached.expires, now + CREDENTIAL_RETRY_AFTER_FAILURE_MS);
    return cached.creds;
  };
  /** Whether `c` (the cached entry) stays valid until `until` (always when undated or unasked). */
  const lasts = (c: { expires: number | undefined }, until: number | undefined): boolean => until === undefined || c.expires === undefined || c.expires >= until;
  /** `creds` when they last until `until`, else the refusal naming both times. */
  const lasting = (creds: C, until: number | undefined): C => {
    const expires = expiryOf.get(creds);
    if (until === undefined || expires === undefined || expires >= until) return creds;
    const at = new Date(expires).toISOString();
    throw storageError(
      ErrorCode.InvalidArgument,
      `a signature valid until ${new Date(until).toISOString()} outlasts the provider's credentials, which expire at ${at} (after asking the provider again): ask for a shorter expiry or have the provider return longer-lived credentials`,
    );
  };
  return {
    async get(options?: CredentialGetOptions): Promise<C> {
      const by = options?.clock;
      const now = timeBy(by);
      const until = options?.validUntil;
      // Valid too: callers on clocks with other offsets share the cache (renewAt is by the clock of the caller that asked).
      if (cached !== undefined && now < cached.renewAt && valid(cached, now) && lasts(cached, until)) return cached.creds;
      if (pending === undefined) {
        const call = startCall();
        const outcome = refresh(call, by)
          .catch((e: unknown) => fallBack(e, by))
          .finally(() => (pending = undefined));
        pending = { outcome, call };
      }
      // Due for renewal but still valid: served at once while the renewal runs, so a slow or hung
      // provider never holds up requests its cached credentials can still sign (unless `fresh`).
      if (options?.fresh !== true && until === undefined && cached?.expires !== undefined && now < cached.expires) {
        pending.outcome.catch(() => undefined);
        return cached.creds;
      }
      // This caller waits: the call's timer holds the process until it settles or the caller aborts.
      return lasting(unexpired(await pending.call.wait(pending.outcome, options?.signal), by), until);
    },
    invalidate(used: C): void {
      if (cached?.creds === used) cached = undefined;
    },
    holds(used: C): boolean {
      return cached?.creds === used;
    },
  };
}

/** `ms` (Unix ms) as an ISO 8601 string. */
function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/**
 * When credentials received at `now` that expire at `expires` (undefined: undated) are renewed:
 * {@link CREDENTIAL_REFRESH_MARGIN_MS} before expiry, or, when that moment has already passed,
 * halfway through the time they have left (so short-lived credentials are not fetched on every use).
 */
function renewalTime(now: number, expires: number | undefined): number {
  if (expires === undefined) return now + CREDENTIAL_UNDATED_TTL_MS;
  const margin = expires - CREDENTIAL_REFRESH_MARGIN_MS;
  return margin > now ? margin : now + Math.max(0, expires - now) / 2;
}

/**
 * The time (Unix ms) an `expiration` stands for; undefined when there is none or no date can be made of it.
 * `now` is the source's clock: a test clock still in 1970 may use small numbers.
 * @throws StorageError `PermissionDenied` for a number below {@link MIN_EXPIRATION_MS} (Unix seconds) when `now` is not.
 */
function expirationTime(given: unknown, now: number): number | undefined {
  if (given === undefined || given === null) return undefined;
  // A string of digits is a number (an STS answer's `ExpiredTime` read from JSON text), not a date.
  const expiration = typeof given === "string" && /^\s*\d+\s*$/.test(given) ? Number(given) : given;
  if (typeof expiration === "number" && Number.isFinite(expiration) && expiration < MIN_EXPIRATION_MS && now >= MIN_EXPIRATION_MS) {
    throw storageError(
      ErrorCode.PermissionDenied,
      `the credential provider returned expiration ${expiration}, which looks like Unix seconds: it must be Unix milliseconds (seconds × 1000), a Date or an ISO 8601 string`,
    );
  }
  const time = expiration instanceof Date || typeof expiration === "number" || typeof expiration === "string" ? new Date(expiration).getTime() : Number.NaN;
  return Number.isNaN(time) ? undefined : time;
}
