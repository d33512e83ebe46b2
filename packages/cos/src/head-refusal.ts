import { contextOf, ErrorCode, isStorageError, probeRefusedHead, storageError, type HttpClient, type HttpRequest } from "@stowage/core";
import { isCosCredentialRejection } from "./credentials.js";
import { parseErrorBody, type CosErrorBody } from "./responses.js";

/**
 * What COS answers refused HEAD `head` sent again as a GET of the object's first byte (core
 * `probeRefusedHead`): its status and, for a 401 or 403, the error document naming the refusal's
 * code. Undefined on a network failure, a timeout or an abort (`signal`).
 * @throws nothing.
 */
export async function cosHeadProbe(http: HttpClient, head: HttpRequest, signal: AbortSignal | undefined): Promise<{ status: number; error?: CosErrorBody } | undefined> {
  const answer = await probeRefusedHead(http, head, signal);
  if (answer?.body === undefined) return answer;
  const error = await parseErrorBody(answer.body);
  return error === undefined ? { status: answer.status } : { status: answer.status, error };
}

/**
 * `e`, or, for a HEAD refused with a 403 that names no code (every HEAD's refusal: it has no body),
 * the same refusal with the code a {@link cosHeadProbe} GET names when that says the credential
 * itself was refused (`isCosCredentialRejection`): `credentialRefused` set and that code as
 * `serviceCode`, so a caller (the CLI's transfers) can tell a revoked key or an expired token from a
 * policy refusing this one object. One GET more, on a refused HEAD only (with a credential provider,
 * whose renewal sent the same GET first, two).
 * @throws nothing (it resolves to the error for the caller to throw).
 */
export async function namedHeadRefusal(http: HttpClient, head: HttpRequest, e: unknown, signal: AbortSignal | undefined): Promise<unknown> {
  if (!isStorageError(e, ErrorCode.PermissionDenied) || e.statusCode !== 403 || e.serviceCode !== undefined || e.credentialRefused) return e;
  if (signal?.aborted) return e;
  const error = (await cosHeadProbe(http, head, signal))?.error;
  if (!isCosCredentialRejection(error)) return e;
  const operation = e.detail.split(":", 1)[0];
  return storageError(e.code, `${operation}: HTTP ${e.statusCode}, ${error!.code} (named by a GET of the object's first byte: a HEAD's refusal has no body): the credential itself was refused`, {
    ...contextOf(e, true),
    serviceCode: error!.code!,
    credentialRefused: true,
    retryable: e.retryable,
    ...(e.cause === undefined ? {} : { cause: e.cause }),
  });
}
