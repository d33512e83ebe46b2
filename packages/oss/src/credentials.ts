import { ErrorCode, storageError, type Credential } from "@stowage/core";
import type { OssCredentialProvider, OssCredentials } from "./config.js";

/** Ask a provider again this long before its credentials expire. */
export const REFRESH_MARGIN_MS = 5 * 60 * 1000;
/** How long credentials without an expiration are kept before the provider is asked again. */
export const UNDATED_TTL_MS = 5 * 60 * 1000;

/** Environment variables read by `credential=env`, in order of preference (the OSS SDKs' names, then Alibaba Cloud's). */
export const ENV_NAMES = {
  accessKeyId: ["OSS_ACCESS_KEY_ID", "ALIBABA_CLOUD_ACCESS_KEY_ID"],
  accessKeySecret: ["OSS_ACCESS_KEY_SECRET", "ALIBABA_CLOUD_ACCESS_KEY_SECRET"],
  securityToken: ["OSS_SESSION_TOKEN", "ALIBABA_CLOUD_SECURITY_TOKEN"],
} as const;

/** Something that hands out the credentials to sign with. */
export interface CredentialSource {
  /** Current credentials (may call a provider). @throws StorageError `PermissionDenied` when a provider fails or returns nothing usable */
  get(): Promise<OssCredentials>;
}

function firstEnv(names: readonly string[], env: NodeJS.ProcessEnv): string | undefined {
  for (const n of names) {
    const v = env[n];
    if (v !== undefined && v !== "") return v;
  }
  return undefined;
}

/**
 * Fixed credentials from the `credential` pair (`hmac:<access_key_id>:<access_key_secret>[:<token>]`,
 * or `env`) and an optional `security_token` pair (which wins over a token in the credential).
 * @throws StorageError `PairRequired` when `env` finds no key id or secret.
 */
export function staticCredentials(credential: Credential, securityToken: string | undefined, env: NodeJS.ProcessEnv = process.env): CredentialSource {
  let creds: OssCredentials;
  if (credential.protocol === "env") {
    const accessKeyId = firstEnv(ENV_NAMES.accessKeyId, env);
    const accessKeySecret = firstEnv(ENV_NAMES.accessKeySecret, env);
    if (accessKeyId === undefined || accessKeySecret === undefined) {
      throw storageError(ErrorCode.PairRequired, `credential=env needs ${ENV_NAMES.accessKeyId.join(" or ")} and ${ENV_NAMES.accessKeySecret.join(" or ")} in the environment`);
    }
    const token = securityToken ?? firstEnv(ENV_NAMES.securityToken, env);
    creds = { accessKeyId, accessKeySecret, ...(token === undefined ? {} : { securityToken: token }) };
  } else {
    const token = securityToken ?? credential.securityToken;
    creds = { accessKeyId: credential.accessKey, accessKeySecret: credential.secretKey, ...(token === undefined ? {} : { securityToken: token }) };
  }
  const fixed = Promise.resolve(creds);
  return { get: () => fixed };
}

/**
 * Credentials from a provider function, cached until {@link REFRESH_MARGIN_MS}
 * before they expire ({@link UNDATED_TTL_MS} when they carry no expiration).
 * Concurrent callers share one refresh. `clock` is injectable for tests.
 */
export function providedCredentials(provider: OssCredentialProvider, clock: () => number = Date.now): CredentialSource {
  let cached: { creds: OssCredentials; renewAt: number } | undefined;
  let pending: Promise<OssCredentials> | undefined;
  const refresh = async (): Promise<OssCredentials> => {
    let creds: OssCredentials;
    try {
      creds = await provider();
    } catch (e) {
      throw storageError(ErrorCode.PermissionDenied, `the credential provider failed: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }
    const usable = (v: unknown): boolean => typeof v === "string" && v !== "";
    if (!creds || !usable(creds.accessKeyId) || !usable(creds.accessKeySecret)) {
      throw storageError(ErrorCode.PermissionDenied, "the credential provider returned no accessKeyId/accessKeySecret");
    }
    const expires = creds.expiration === undefined ? undefined : new Date(creds.expiration).getTime();
    const renewAt = expires === undefined || Number.isNaN(expires) ? clock() + UNDATED_TTL_MS : expires - REFRESH_MARGIN_MS;
    cached = { creds, renewAt };
    return creds;
  };
  return {
    get(): Promise<OssCredentials> {
      if (cached !== undefined && clock() < cached.renewAt) return Promise.resolve(cached.creds);
      pending ??= refresh().finally(() => (pending = undefined));
      return pending;
    },
  };
}
