import { contextOf, ErrorCode, isStorageError, probeRefusedHead, storageError, type HttpClient, type HttpRequest } from "@stowage/core";
import { parseErrorBody } from "./responses.js";

/** The QingStor code of a request refused for its access key itself (revoked, rotated). */
const KEY_REFUSED = "invalid_access_key_id";

/**
 * `e`, or, for a HEAD refused with a 401 or 403 that names no code (every HEAD's refusal: it has no
 * body), the same refusal named by a GET of the object's first byte (core `probeRefusedHead`: sent
 * once, read no further than an error document) when that GET's answer says the access key itself was refused
 * (`invalid_access_key_id`): `credentialRefused` set and that code as `serviceCode`, so a caller
 * (the CLI's transfers) can tell a revoked key from a policy refusing this one object. One GET more,
 * on a refused HEAD only; a network failure or an abort of it leaves `e` as it is.
 * @throws nothing (it resolves to the error for the caller to throw).
 */
export async function namedHeadRefusal(http: HttpClient, head: HttpRequest, e: unknown, signal: AbortSignal | undefined): Promise<unknown> {
  if (!isStorageError(e, ErrorCode.PermissionDenied) || (e.statusCode !== 401 && e.statusCode !== 403) || e.serviceCode !== undefined || signal?.aborted) return e;
  const answer = await probeRefusedHead(http, head, signal);
  const code = answer?.body === undefined ? undefined : parseErrorBody(answer.body)?.code;
  if (code !== KEY_REFUSED) return e;
  const operation = e.detail.split(":", 1)[0];
  return storageError(e.code, `${operation}: HTTP ${e.statusCode}, ${code} (named by a GET of the object's first byte: a HEAD's refusal has no body): the access key itself was refused`, {
    ...contextOf(e, true),
    serviceCode: code,
    credentialRefused: true,
    retryable: e.retryable,
    ...(e.cause === undefined ? {} : { cause: e.cause }),
  });
}
