import { ErrorCode } from "../errors/error-code.js";
import { storageError } from "../errors/storage-error.js";

/**
 * The UploadId of an Initiate's answer, read with the driver's `parse` (undefined: none in it),
 * for an answer check that core's HTTP client retries (`parsedAnswer`): a malformed answer is a
 * retryable `Unexpected` whose message says the uploads `service` may have made for it, one per
 * attempt, are left unnamed (and how to remove them), never a success without an id.
 * @throws StorageError `Unexpected` (retryable): `parse` threw (not a readable document), or found no UploadId
 */
export async function initiatedUploadId(body: Buffer, service: string, parse: (body: Buffer) => Promise<string | undefined>): Promise<string> {
  let id: string | undefined;
  let cause: unknown;
  try {
    id = await parse(body);
  } catch (e) {
    cause = e;
  }
  if (id) return id;
  const why = cause === undefined ? "no InitiateMultipartUploadResult with an UploadId" : "not well-formed XML";
  throw storageError(
    ErrorCode.Unexpected,
    `initiate_multipart_upload: the answer carries no UploadId (${why}); the uploads ${service} may have made for it, one per attempt, are left unnamed (stowage uploads --abort removes them)`,
    { retryable: true, ...(cause === undefined ? {} : { cause }) },
  );
}
