import { ErrorCode } from "../errors/error-code.js";
import { storageError } from "../errors/storage-error.js";
import type { Credential } from "./credential.js";

/** Ask a credential provider again this long before its credentials expire. */
export const CREDENTIAL_REFRESH_MARGIN_MS = 5 * 60 * 1000;
/** How long provided credentials without an expiration are kept before the provider is asked again. */
export const CREDENTIAL_UNDATED_TTL_MS = 5 * 60 * 1000;

/** Something that hands out the credentials to sign with, in a driver's own shape `C`. */
export interface CredentialSource<C> {
  /**
   * Current credentials (may call a provider).
   * @throws StorageError `PermissionDenied` when a provider fails or returns nothing usable.
   */
  get(): Promise<C>;
  /**
   * Reports that the service rejected `used` (a value `get` returned) before it
   * expired: the next `get` asks the provider again, unless the source has already
   * moved on from `used`. Absent on sources whose credentials cannot change.
   */
  invalidate?(used: C): void;
}

/**
 * How a driver names the parts of an access key pair: its credential shape `C`
 * and the environment variables `credential=env` reads.
 */
export interface CredentialShape<C> {
  /** The fields of `C` holding the access key and the secret key, in that order; named in messages. */
  readonly keys: readonly [keyof C & string, keyof C & string];
  /** Environment variables for each part, in order of preference. Without `securityToken` the environment supplies no token. */
  readonly env: {
    readonly accessKey: readonly string[];
    readonly secretKey: readonly string[];
    readonly securityToken?: readonly string[];
  };
  /** Builds the driver's credentials from the parts (`securityToken` only when there is one). */
  make(accessKey: string, secretKey: string, securityToken: string | undefined): C;
}

/** Credentials a provider returns: the driver's shape, optionally dated. */
export interface DatedCredentials {
  /** When they stop working (a Date or Unix ms). */
  expiration?: Date | number;
}

/** The first non-empty value among `names` in `env`, if any. */
function firstEnv(names: readonly string[], env: NodeJS.ProcessEnv): string | undefined {
  for (const n of names) {
    const v = env[n];
    if (v !== undefined && v !== "") return v;
  }
  return undefined;
}

/**
 * The fixed credentials of a `credential` pair (`hmac:<access_key>:<secret_key>[:<token>]`, or
 * `env`, read through `shape.env`), with an optional `securityToken` (the `security_token`
 * pair) that wins over a token in the credential or the environment.
 * @throws StorageError `PairRequired` when `env` finds no access key or secret key.
 */
export function resolveStaticCredentials<C>(
  credential: Credential,
  shape: CredentialShape<C>,
  securityToken: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): C {
  if (credential.protocol === "env") {
    const accessKey = firstEnv(shape.env.accessKey, env);
    const secretKey = firstEnv(shape.env.secretKey, env);
    if (accessKey === undefined || secretKey === undefined) {
      throw storageError(ErrorCode.PairRequired, `credential=env needs ${shape.env.accessKey.join(" or ")} and ${shape.env.secretKey.join(" or ")} in the environment`);
    }
    const token = securityToken ?? (shape.env.securityToken === undefined ? undefined : firstEnv(shape.env.securityToken, env));
    return shape.make(accessKey, secretKey, token);
  }
  return shape.make(credential.accessKey, credential.secretKey, securityToken ?? credential.securityToken);
}

/**
 * A source handing out the fixed credentials of {@link resolveStaticCredentials}.
 * @throws StorageError `PairRequired` when `env` finds no access key or secret key.
 */
export function staticCredentialSource<C>(
  credential: Credential,
  shape: CredentialShape<C>,
  securityToken: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): CredentialSource<C> {
  const fixed = Promise.resolve(resolveStaticCredentials(credential, shape, securityToken, env));
  return { get: () => fixed };
}

/**
 * Credentials from a provider function, cached until {@link CREDENTIAL_REFRESH_MARGIN_MS}
 * before they expire ({@link CREDENTIAL_UNDATED_TTL_MS} when they carry no expiration),
 * or until `invalidate` is called with the very object (identity) still cached, so
 * several requests rejected with the same credentials cause one provider call.
 * Concurrent callers share one refresh; a failed refresh is not cached. `clock` is injectable for tests.
 * @throws StorageError `PermissionDenied` (from the source's `get`, never from this call) when the
 *   provider throws or returns credentials without a non-empty string in both `shape.keys` fields.
 */
export function providedCredentialSource<C extends DatedCredentials>(
  provider: () => C | Promise<C>,
  shape: Pick<CredentialShape<C>, "keys">,
  clock: () => number = Date.now,
): CredentialSource<C> {
  let cached: { creds: C; renewAt: number } | undefined;
  let pending: Promise<C> | undefined;
  const usable = (v: unknown): boolean => typeof v === "string" && v !== "";
  const refresh = async (): Promise<C> => {
    let creds: C;
    try {
      creds = await provider();
    } catch (e) {
      throw storageError(ErrorCode.PermissionDenied, `the credential provider failed: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }
    if (!creds || !usable(creds[shape.keys[0]]) || !usable(creds[shape.keys[1]])) {
      throw storageError(ErrorCode.PermissionDenied, `the credential provider returned no ${shape.keys[0]}/${shape.keys[1]}`);
    }
    const expires = creds.expiration === undefined ? undefined : new Date(creds.expiration).getTime();
    const renewAt = expires === undefined || Number.isNaN(expires) ? clock() + CREDENTIAL_UNDATED_TTL_MS : expires - CREDENTIAL_REFRESH_MARGIN_MS;
    cached = { creds, renewAt };
    return creds;
  };
  return {
    get(): Promise<C> {
      if (cached !== undefined && clock() < cached.renewAt) return Promise.resolve(cached.creds);
      pending ??= refresh().finally(() => (pending = undefined));
      return pending;
    },
    invalidate(used: C): void {
      if (cached?.creds === used) cached = undefined;
    },
  };
}
