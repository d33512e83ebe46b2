import type { BufferedResponse } from "../http/http-response.js";
import { quoted } from "../storager/unlisted-keys.js";

/**
 * The `code` of the process warning a driver emits (through {@link warnInitiateRetried}) when an
 * InitiateMultipartUpload was sent again after an attempt the service may have acted on: that
 * attempt's upload, which no answer named, may be left at the key.
 */
export const UPLOAD_LEFT_WARNING = "STOWAGE_UPLOAD_LEFT";

/**
 * Emits one process warning (`code` {@link UPLOAD_LEFT_WARNING}, type `StowageWarning`) when
 * `answer`, the answer an InitiateMultipartUpload got, came from a retry after an attempt that may
 * have been applied (`earlierAttemptMayHaveApplied`: its connection broke once the request was
 * sent, or it was answered 5xx other than throttling, or 2xx without an upload id). The service
 * may have made an upload for that attempt, which holds no parts and which no answer named; the
 * call goes on with the one `answer` names. The warning names `service` (as people write it,
 * "COS"), `key` (the object's key on the service, quoted and escaped as JSON, controls too), the
 * upload `answer` named, how many uploads may be left at most (one per earlier attempt) and how
 * to remove them. Nothing is aborted: another writer's upload of the same key cannot be told
 * from such a leftover. Emits nothing for an answer to a first attempt, or to a retry after
 * attempts that did nothing (refused before sending, throttled).
 * @throws nothing.
 */
export function warnInitiateRetried(answer: Pick<BufferedResponse, "attempts" | "earlierAttemptMayHaveApplied">, service: string, key: string, multipartId: string): void {
  if (!answer.earlierAttemptMayHaveApplied) return;
  const most = Math.max(1, answer.attempts - 1);
  const what = most === 1 ? "an empty upload" : `up to ${most} empty uploads`;
  const them = most === 1 ? "it" : "them";
  process.emitWarning(
    `${service} InitiateMultipartUpload of key ${quoted(key)} was sent again after an attempt whose answer was lost or failed, which the service may have acted on: ${what} of that key that no answer named may be left there besides upload ${quoted(multipartId)}, the one the call went on with. Stowage does not abort ${them}, as another writer's upload of the same key looks the same: once no upload of that key is under way, remove ${them} with \`stowage uploads --abort\` (or list in part mode and delete with multipartId), or let a lifecycle rule that aborts incomplete multipart uploads after some days remove ${them}`,
    { code: UPLOAD_LEFT_WARNING, type: "StowageWarning" },
  );
}
