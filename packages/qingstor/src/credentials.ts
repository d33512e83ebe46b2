import { ErrorCode, storageError, type Credential } from "@stowage/core";

/** Environment variables read by `credential=env` (the names the QingStor SDKs use). */
export const ENV_NAMES = {
  accessKeyId: "QINGSTOR_ACCESS_KEY_ID",
  secretAccessKey: "QINGSTOR_SECRET_ACCESS_KEY",
} as const;

/** An access key pair to sign with. */
export interface QingStorCredentials {
  accessKeyId: string;
  secretAccessKey: string;
}

/**
 * The key pair of the `credential` pair: `hmac:<access_key_id>:<secret_access_key>`,
 * or `env` ({@link ENV_NAMES}).
 * @throws StorageError `PairRequired` when `env` finds no key pair, `InvalidArgument`
 *   for a security token (QingStor signatures have no token).
 */
export function resolveCredentials(credential: Credential, env: NodeJS.ProcessEnv = process.env): QingStorCredentials {
  if (credential.protocol === "env") {
    const accessKeyId = env[ENV_NAMES.accessKeyId];
    const secretAccessKey = env[ENV_NAMES.secretAccessKey];
    if (!accessKeyId || !secretAccessKey) {
      throw storageError(ErrorCode.PairRequired, `credential=env needs ${ENV_NAMES.accessKeyId} and ${ENV_NAMES.secretAccessKey} in the environment`);
    }
    return { accessKeyId, secretAccessKey };
  }
  if (credential.securityToken !== undefined) {
    throw storageError(ErrorCode.InvalidArgument, "QingStor credentials are hmac:<access_key_id>:<secret_access_key>; they take no security token");
  }
  return { accessKeyId: credential.accessKey, secretAccessKey: credential.secretKey };
}
