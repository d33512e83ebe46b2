import { ErrorCode, contextOf, isStorageError, sameEtag, storageError, type DriverCallOptions, type Part, type StorageError } from "@stowage/core";
import type { QingStorClient } from "./client.js";
import { listPartsPage } from "./lister.js";
import { UPLOAD_PARTS_MAXIMUM } from "./part-numbers.js";

/** Most ListMultipart pages read to explain a refusal (every part an upload can hold, 1,000 a page). */
const MAX_PAGES = Math.ceil(UPLOAD_PARTS_MAXIMUM / 1000);

/**
 * True for QingStor's bare 400 `invalid_argument`: its answer to a Complete naming a part that was
 * not uploaded or whose ETag is not the uploaded part's (QingStor has no InvalidPart code), and to
 * malformed requests alike.
 * @throws nothing.
 */
export function isInvalidArgumentAnswer(e: unknown): e is StorageError {
  return isStorageError(e, ErrorCode.InvalidArgument) && e.statusCode === 400 && e.serviceCode === "invalid_argument";
}

/**
 * Explains a Complete of `parts` refused with `invalid_argument` ({@link isInvalidArgumentAnswer}):
 * the upload's parts are listed, and a part of `parts` that is not among them, or whose ETag or size
 * is not the listed one (a part uploaded again meanwhile), makes the refusal `Conflict`, as
 * docs/errors.md says of such a part on every driver (nothing completed, the upload kept). A listing
 * that finds no such upload (completed or aborted meanwhile, as by a concurrent resume) makes it
 * `ObjectNotExist`. Otherwise, or when the listing fails another way, `error` stands.
 * @throws StorageError `Aborted` (the caller aborted the listing); otherwise nothing (returns the error).
 */
export async function completeRefusal(client: QingStorClient, key: string, uploadId: string, parts: readonly Part[], error: StorageError, options: DriverCallOptions): Promise<StorageError> {
  const last = parts.reduce((n, p) => Math.max(n, p.index), -1);
  const uploaded = new Map<number, Part>();
  try {
    let token: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const listed = await listPartsPage(client, key, uploadId, token, { signal: options.signal });
      for (const p of listed.items) uploaded.set(p.index, p);
      // Done once the listing ends or has passed the highest part named (the parts come sorted).
      const highest = listed.items[listed.items.length - 1]?.index;
      if (listed.nextToken === undefined || highest === undefined || highest >= last) break;
      token = listed.nextToken;
    }
  } catch (e) {
    if (isStorageError(e, ErrorCode.Aborted)) throw e;
    // The upload is gone: another Complete of it (a second resume) or an abort came first. Said as
    // every driver says a Complete of an upload that is no more, not as the caller's bad argument.
    if (isStorageError(e, ErrorCode.ObjectNotExist)) {
      return storageError(ErrorCode.ObjectNotExist, `complete_multipart_upload: the upload is gone (completed or aborted meanwhile): ${e.detail}`, {
        // The listing's answer (404 upload_not_exists), under the Complete's op.
        ...contextOf(e),
        ...(error.op === undefined ? {} : { op: error.op }),
        cause: error,
      });
    }
    return error;
  }
  for (const p of parts) {
    const have = uploaded.get(p.index);
    const unlike = have === undefined ? "was not uploaded to this upload" : p.size !== have.size || (p.etag !== "" && !sameEtag(p.etag, have.etag)) ? `is not the uploaded part (etag ${have.etag}, size ${have.size})` : undefined;
    if (unlike !== undefined) {
      return storageError(ErrorCode.Conflict, `complete_multipart_upload: part ${p.index} ${unlike}; nothing was completed, the upload is kept`, { ...contextOf(error), cause: error });
    }
  }
  return error;
}
