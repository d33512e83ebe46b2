import { ErrorCode, storageError, type Credential } from "@stowage/core";
import type { CosCredentialProvider, CosCredentials } from "./config.js";

/** Ask a provider again this long before its credentials expire. */
export const REFRESH_MARGIN_MS = 5 * 60 * 1000;
/** How long credentials without an expiration are kept before the provider is asked again. */
export const UNDATED_TTL_MS = 5 * 60 * 1000;

/** Environment variables read by `credential=env`, in order of preference. */
export const ENV_NAMES = {
  secretId: ["TENCENTCLOUD_SECRET_ID", "COS_SECRET_ID"],
  secretKey: ["TENCENTCLOUD_SECRET_KEY", "COS_SECRET_KEY"],
  securityToken: ["TENCENTCLOUD_SESSION_TOKEN", "COS_SECURITY_TOKEN"],
} as const;

/** Something that hands out the credentials to sign with. */
export interface CredentialSource {
  /** Current credentials (may call a provider). @throws StorageError `PermissionDenied` when a provider fails or returns nothing usable */
  get(): Promise<CosCredentials>;
}

function firstEnv(names: readonly string[], env: NodeJS.ProcessEnv): string | undefined {
  for (const n of names) {
    const v = env[n];
    if (v !== undefined && v !== "") return v;
  }
  return undefined;
}

/**
 * Fixed credentials from the `credential` pair (`hmac:<secret_id>:<secret_key>[:<token>]`,
 * or `env`) and an optional `security_token` pair (which wins over a token in the credential).
 * @throws StorageError `PairRequired` when `env` finds no secret id or key.
 */
export function staticCredentials(credential: Credential, securityToken: string | undefined, env: NodeJS.ProcessEnv = process.env): CredentialSource {
  let creds: CosCredentials;
  if (credential.protocol === "env") {
    const secretId = firstEnv(ENV_NAMES.secretId, env);
    const secretKey = firstEnv(ENV_NAMES.secretKey, env);
    if (secretId === undefined || secretKey === undefined) {
      throw storageError(ErrorCode.PairRequired, `credential=env needs ${ENV_NAMES.secretId.join(" or ")} and ${ENV_NAMES.secretKey.join(" or ")} in the environment`);
    }
    const token = securityToken ?? firstEnv(ENV_NAMES.securityToken, env);
    creds = { secretId, secretKey, ...(token === undefined ? {} : { securityToken: token }) };
  } else {
    const token = securityToken ?? credential.securityToken;
    creds = { secretId: credential.accessKey, secretKey: credential.secretKey, ...(token === undefined ? {} : { securityToken: token }) };
  }
  const fixed = Promise.resolve(creds);
  return { get: () => fixed };
}

/**
 * Credentials from a provider function, cached until {@link REFRESH_MARGIN_MS}
 * before they expire ({@link UNDATED_TTL_MS} when they carry no expiration).
 * Concurrent callers share one refresh. `clock` is injectable for tests.
 */
export function providedCredentials(provider: CosCredentialProvider, clock: () => number = Date.now): CredentialSource {
  let cached: { creds: CosCredentials; renewAt: number } | undefined;
  let pending: Promise<CosCredentials> | undefined;
  const refresh = async (): Promise<CosCredentials> => {
    let creds: CosCredentials;
    try {
      creds = await provider();
    } catch (e) {
      throw storageError(ErrorCode.PermissionDenied, `the credential provider failed: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }
    if (!creds || typeof creds.secretId !== "string" || creds.secretId === "" || typeof creds.secretKey !== "string" || creds.secretKey === "") {
      throw storageError(ErrorCode.PermissionDenied, "the credential provider returned no secretId/secretKey");
    }
    const expires = creds.expiration === undefined ? undefined : new Date(creds.expiration).getTime();
    const renewAt = expires === undefined || Number.isNaN(expires) ? clock() + UNDATED_TTL_MS : expires - REFRESH_MARGIN_MS;
    cached = { creds, renewAt };
    return creds;
  };
  return {
    get(): Promise<CosCredentials> {
      if (cached !== undefined && clock() < cached.renewAt) return Promise.resolve(cached.creds);
      pending ??= refresh().finally(() => (pending = undefined));
      return pending;
    },
  };
}
