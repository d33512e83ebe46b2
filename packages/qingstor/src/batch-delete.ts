import type { DriverCallOptions, KeyDeleteFailure } from "@stowage/core";
import type { QingStorClient } from "./client.js";
import { qingstorError } from "./errors.js";
import { deleteObjects } from "./requests.js";
import { parseDeleteErrors, parseErrorBody } from "./responses.js";

/**
 * One DeleteMultipleObjects (quiet, Content-MD5) of `keys` (1 to 1,000): the keys QingStor
 * reports as not deleted (`object_not_exists` is no failure), each with its StorageError. A 200
 * carrying an error document (a JSON object with a string `code`) fails as that error
 * (`internal_server_error` is a retryable `ServiceInternal`, which the client retries: a batch
 * delete is idempotent); an empty body, one that is no JSON object, or a `deleted`/`errors` field
 * that is no list, as a retryable `Unexpected`. Any other JSON object is a result: its `errors`
 * list, or no failure without one (quiet mode leaves `deleted` out, and QingStor's SDKs treat both
 * lists as optional, so `{}` is a successful quiet answer).
 * @throws StorageError `PermissionDenied`, `ServiceInternal`, `Unexpected`, `Aborted`, ...
 */
export async function deleteBatch(client: QingStorClient, keys: string[], options: DriverCallOptions): Promise<KeyDeleteFailure[]> {
  let failed: Array<{ key: string; code: string; message: string }> = [];
  const res = await client.sendBuffered(deleteObjects(keys), {
    signal: options.signal,
    validate: (answer) => {
      const error = parseErrorBody(answer.body);
      if (error !== undefined) return qingstorError(answer.status, error, "delete_multiple_objects", answer.requestId);
      failed = parseDeleteErrors(answer.body).filter((e) => e.code !== "object_not_exists");
      return undefined;
    },
  });
  return failed.map((e) => ({ key: e.key, serviceCode: e.code, error: qingstorError(res.status, { code: e.code, message: e.message }, "delete_multiple_objects", res.requestId) }));
}
