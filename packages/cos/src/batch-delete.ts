import { ErrorCode, storageError, type DriverCallOptions, type KeyDeleteFailure } from "@stowage/core";
import type { CosClient } from "./client.js";
import { cosError } from "./errors.js";
import { deleteObjects } from "./requests.js";
import { parseDeleteErrors, parseErrorBody } from "./responses.js";

/**
 * One POST Bucket?delete (quiet) of `keys` (1 to 1,000 that XML can carry): the keys COS reports
 * as not deleted (`NoSuchKey` is no failure), each with its StorageError. Only a `<DeleteResult>`
 * document is an answer: a 200 carrying an `<Error>` fails as that error (`InternalError` is a
 * retryable `ServiceInternal`, which the client retries: a batch delete is idempotent), another
 * document as a retryable `ServiceInternal`, a body that is no XML (or empty) as a retryable
 * `Unexpected`.
 * @throws StorageError `PermissionDenied`, `ServiceInternal`, `Unexpected`, `Aborted`, ...
 */
export async function deleteBatch(client: CosClient, keys: string[], options: DriverCallOptions): Promise<KeyDeleteFailure[]> {
  let failed: Array<{ key: string; code: string; message: string }> = [];
  const res = await client.sendBuffered(deleteObjects(keys), {
    signal: options.signal,
    validate: async (answer) => {
      const error = await parseErrorBody(answer.body);
      if (error !== undefined) return cosError(answer.status, error, "delete_objects", answer.requestId);
      const reported = await parseDeleteErrors(answer.body);
      if (reported === undefined) return storageError(ErrorCode.ServiceInternal, "delete_objects: the service answered 200 without a DeleteResult document", { retryable: true });
      failed = reported.filter((e) => e.code !== "NoSuchKey");
      return undefined;
    },
  });
  return failed.map((e) => ({ key: e.key, serviceCode: e.code, error: cosError(res.status, { code: e.code, message: e.message }, "delete_objects", res.requestId) }));
}
