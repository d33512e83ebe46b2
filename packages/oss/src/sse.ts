import { ErrorCode, storageError, type DriverCallOptions } from "@stowage/core";

/**
 * SSE headers of a new object (`protocols.md` §2.7): `x-oss-server-side-encryption`
 * (AES256, KMS or SM4) and, with KMS only, `x-oss-server-side-data-encryption`
 * (SM4) and `x-oss-server-side-encryption-key-id`. OSS has no customer-provided keys.
 * @throws StorageError `InvalidArgument` for a data algorithm or key id without KMS.
 */
export function sseHeaders(options: DriverCallOptions): Record<string, string> {
  const mode = options.serverSideEncryption;
  const data = options.serverSideDataEncryption;
  const keyId = options.serverSideEncryptionKeyId;
  if (mode !== "KMS" && (data !== undefined || keyId !== undefined)) {
    throw storageError(ErrorCode.InvalidArgument, "server_side_data_encryption and server_side_encryption_key_id need server_side_encryption=KMS");
  }
  if (mode === undefined) return {};
  const out: Record<string, string> = { "x-oss-server-side-encryption": String(mode) };
  if (typeof data === "string") out["x-oss-server-side-data-encryption"] = data;
  if (typeof keyId === "string") out["x-oss-server-side-encryption-key-id"] = keyId;
  return out;
}
