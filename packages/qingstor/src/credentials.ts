import { ErrorCode, resolveStaticCredentials, storageError, type Credential, type CredentialShape } from "@stowage/core";

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

/** QingStor names of the key pair's parts; the environment supplies no token. */
const QINGSTOR_SHAPE: CredentialShape<QingStorCredentials> = {
  keys: ["accessKeyId", "secretAccessKey"],
  env: { accessKey: [ENV_NAMES.accessKeyId], secretKey: [ENV_NAMES.secretAccessKey] },
  make: (accessKeyId, secretAccessKey) => ({ accessKeyId, secretAccessKey }),
};

/**
 * The key pair of the `credential` pair: `hmac:<access_key_id>:<secret_access_key>`,
 * or `env` ({@link ENV_NAMES}).
 * @throws StorageError `PairRequired` when `env` finds no key pair, `InvalidArgument`
 *   for a security token (QingStor signatures have no token).
 */
export function resolveCredentials(credential: Credential, env: NodeJS.ProcessEnv = process.env): QingStorCredentials {
  if (credential.protocol === "hmac" && credential.securityToken !== undefined) {
    // Worded so that redactSecrets (which hides anything shaped like hmac:x:y) leaves it readable.
    throw storageError(ErrorCode.InvalidArgument, 'QingStor credentials take no security token: expected "env" or "hmac" followed by :<access_key_id>:<secret_access_key>');
  }
  return resolveStaticCredentials(credential, QINGSTOR_SHAPE, undefined, env);
}
