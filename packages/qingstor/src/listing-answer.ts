import { parsedAnswer, type DriverCallOptions } from "@stowage/core";
import type { QingStorClient } from "./client.js";
import { qingstorErrorFromResponse } from "./errors.js";
import type { QsCall } from "./qs-call.js";
import { parseErrorBody } from "./responses.js";

/**
 * Sends a listing `call` (ListObjects, ListMultipartUploads, ListMultipart, ListBuckets) and
 * parses its answer with `parse` inside the client's retry loop: a 200 whose body is an error
 * document (a string `code`) is the error it says (QingStor error table: `internal_server_error`
 * is a retryable `ServiceInternal`, `bucket_not_exists` is `ObjectNotExist`, ...), and a 200 that
 * `parse` refuses (not a JSON object, no `has_more`, ...) is retried like a 5xx while retries
 * remain. Neither ever reads as an empty last page.
 * @throws StorageError mapped from QingStor's answer, `Unexpected` (retryable) from `parse` once
 *   retries are spent, `ServiceInternal` (network), `Aborted`
 */
export async function sendListing<T>(client: QingStorClient, call: QsCall, options: DriverCallOptions, parse: (body: Buffer) => T): Promise<T> {
  const answer = parsedAnswer(
    call.operation,
    (response) => {
      const error = parseErrorBody(response.body);
      return error === undefined ? undefined : qingstorErrorFromResponse(response, error);
    },
    parse,
  );
  await client.sendBuffered(call, { signal: options.signal, validate: answer.validate });
  return answer.value();
}
