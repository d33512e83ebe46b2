import { parsedAnswer, type DriverCallOptions } from "@stowage/core";
import type { OssClient } from "./client.js";
import { ossErrorFromResponse } from "./errors.js";
import type { OssCall } from "./requests.js";
import { parseErrorBody } from "./responses.js";

/**
 * Sends a listing `call` (ListObjectsV2, ListMultipartUploads, ListParts, ListBuckets) and parses
 * its answer with `parse` inside the client's retry loop: a 200 whose body is an `<Error>`
 * document is the error it says (OSS error table: `InternalError` is a retryable
 * `ServiceInternal`, `NoSuchBucket` is `ObjectNotExist`, ...), and a 200 that `parse` refuses (not
 * the listing's document, no `IsTruncated`, not well-formed) is retried like a 5xx while retries
 * remain. Neither ever reads as an empty last page.
 * @throws StorageError mapped from OSS's answer, `Unexpected` (retryable) from `parse` once retries
 *   are spent, `ServiceInternal` (network), `Aborted`
 */
export async function sendListing<T>(client: OssClient, call: OssCall, options: DriverCallOptions, parse: (body: Buffer) => Promise<T>): Promise<T> {
  const answer = parsedAnswer(
    call.operation,
    async (response) => {
      const error = await parseErrorBody(response.body);
      return error === undefined ? undefined : ossErrorFromResponse(response, error);
    },
    parse,
  );
  await client.sendBuffered(call, { signal: options.signal, validate: answer.validate });
  return answer.value();
}
