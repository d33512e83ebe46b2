import type { SigningClock } from "../http/signing-clock.js";

/** Options of {@link CredentialSource.get}. */
export interface CredentialGetOptions {
  /** Renew credentials due for renewal before handing them out (presigning). */
  fresh?: boolean;
  /**
   * The caller's signal: the call stops waiting on a provider when it aborts, and no longer counts
   * as a caller waiting on it (a provider call nobody waits on does not keep the process alive).
   */
  signal?: AbortSignal | undefined;
  /**
   * Unix ms until which the credentials must stay valid (a presigned URL's expiry). Dated provider
   * credentials that expire sooner are renewed first (implies `fresh`); when the renewed ones still
   * expire sooner, `get` refuses with `InvalidArgument` naming both times. Credentials without an
   * expiration (fixed keys, undated provider answers) are not checked.
   */
  validUntil?: number | undefined;
  /**
   * The caller's clock: the HTTP client's offset from the service's `Date` (a provider's expirations
   * are in the service's time) and whether an answer confirmed it. Dated provider credentials are
   * judged expired, and renewals planned, by the source's clock plus `offsetMs`. Credentials a provider
   * returns already expired by a clock not `checked` are handed to the callers waiting on that call
   * (not cached) for the service to judge: a local clock ahead of the service's by more than their
   * life makes fresh ones look expired, and only a request sent lets the client learn the offset.
   * Default: the source's own clock, taken as checked.
   */
  clock?: SigningClock | undefined;
}

/** Something that hands out the credentials to sign with, in a driver's own shape `C`. */
export interface CredentialSource<C> {
  /**
   * Current credentials (may call a provider). With `fresh`, credentials due for renewal are
   * renewed before they are handed out (presigning: a URL must not outlive its token by much);
   * without it they are served at once while the renewal runs.
   * @throws StorageError `PermissionDenied` when a provider fails or returns nothing usable;
   *   `Aborted` when `signal` aborts while the call waits on a provider; `InvalidArgument` when the
   *   credentials expire before `validUntil`, even after a renewal.
   */
  get(options?: CredentialGetOptions): Promise<C>;
  /**
   * Reports that the service rejected `used` (a value `get` returned) before it
   * expired: the next `get` asks the provider again, unless the source has already
   * moved on from `used`. Absent on sources whose credentials cannot change.
   * Core calls it while judging a refused request ({@link SigningCredentials.renew}, from the
   * HTTP client's `renewCredentials` hook), then signs the request again with what `get` gives.
   * @throws nothing: it only drops `used`. One that throws counts as no renewal: the service's
   *   refusal (`PermissionDenied`) is what the call fails with.
   */
  invalidate?(used: C): void;
  /**
   * Whether `used` (a value `get` returned) is still what the source hands out: false once it was
   * invalidated or replaced by a renewal. Never calls a provider. Absent where credentials cannot change.
   * @throws nothing.
   */
  holds?(used: C): boolean;
}

/**
 * How a driver names the parts of an access key pair: its credential shape `C`
 * and the environment variables `credential=env` reads.
 */
export interface CredentialShape<C> {
  /** The fields of `C` holding the access key and the secret key, in that order; named in messages. */
  readonly keys: readonly [keyof C & string, keyof C & string];
  /**
   * Environment variables for each part, in order of preference. The lists line up: the names at
   * one position are one family (one tool's variables), and the parts are taken from one family
   * only, the first with both keys set. Without `securityToken` the environment supplies no token.
   */
  readonly env: {
    readonly accessKey: readonly string[];
    readonly secretKey: readonly string[];
    readonly securityToken?: readonly string[];
  };
  /**
   * Builds the driver's credentials from the parts (`securityToken` only when there is one). Core
   * calls it with parts it has checked (non-empty; from the environment, header-safe).
   * @throws nothing: a plain constructor of `C`. What it throws escapes {@link resolveStaticCredentials}
   *   as it is (at open time, `newStorager` reports it as `Unexpected`).
   */
  make(accessKey: string, secretKey: string, securityToken: string | undefined): C;
}
