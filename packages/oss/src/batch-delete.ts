import { ErrorCode, parseXml, storageError, type DriverCallOptions, type KeyDeleteFailure } from "@stowage/core";
import type { OssClient } from "./client.js";
import { ossError } from "./errors.js";
import { deleteObjects } from "./requests.js";
import { parseErrorBody } from "./responses.js";

/**
 * One DeleteMultipleObjects (quiet, Content-MD5) of `keys` (1 to 1,000 that XML can carry). In
 * quiet mode OSS reports no key (it has no per-key error element), so a 200 means every key is
 * gone, but only with a `<DeleteResult>` document or an empty body: a 200 carrying an `<Error>`
 * fails as that error (`InternalError` is a retryable `ServiceInternal`, which the client retries:
 * a batch delete is idempotent), another document as a retryable `ServiceInternal`, a body that is
 * no XML as a retryable `Unexpected`.
 * @throws StorageError `PermissionDenied`, `ServiceInternal`, `Unexpected`, `Aborted`, ...
 */
export async function deleteBatch(client: OssClient, keys: string[], options: DriverCallOptions): Promise<KeyDeleteFailure[]> {
  await client.sendBuffered(deleteObjects(keys), {
    signal: options.signal,
    validate: async (answer) => {
      if (answer.body.toString("utf8").trim() === "") return undefined;
      const error = await parseErrorBody(answer.body);
      if (error !== undefined) return ossError(answer.status, error, "delete_objects", answer.requestId);
      const { root } = await parseXml(answer.body);
      return root === "DeleteResult" ? undefined : storageError(ErrorCode.ServiceInternal, "delete_objects: the service answered 200 without a DeleteResult document", { retryable: true });
    },
  });
  return [];
}
