import { contextOf, ErrorCode, isStorageError, storageError, type HttpClient, type HttpRequest } from "@stowage/core";
import { isCosCredentialRejection } from "./credentials.js";
import { parseErrorBody, type CosErrorBody } from "./responses.js";

/**
 * What COS answers a GET of the first byte of a refused HEAD's object: the same request (same
 * headers, so SSE-C keys too), without its `If-Match` / `If-None-Match` (a condition that does not
 * hold would answer 412 or 304 instead of the refusal's code), signed afresh by `http`. A HEAD's
 * refusal has no body to name its code; this answer's error document does. Its answer is never
 * retried (`once`) nor read beyond an error document. Undefined on a network failure or an abort (`signal`).
 * @throws nothing.
 */
export async function probeRefusedHead(http: HttpClient, head: HttpRequest, signal: AbortSignal | undefined): Promise<{ status: number; error?: CosErrorBody } | undefined> {
  const headers: Record<string, string> = { ...head.headers, range: "bytes=0-0" };
  delete headers["authorization"];
  delete headers["if-match"];
  delete headers["if-none-match"];
  const probe: HttpRequest = { ...head, method: "GET", headers, operation: "probe_refused_head" };
  delete probe.body;
  try {
    const res = await http.send(probe, { accept: () => true, signal, once: true });
    if (res.status !== 403) {
      res.stream().destroy();
      return { status: res.status };
    }
    const error = await parseErrorBody(await res.buffer(64 * 1024));
    return error === undefined ? { status: res.status } : { status: res.status, error };
  } catch {
    return undefined;
  }
}

/**
 * `e`, or, for a HEAD refused with a 403 that names no code (every HEAD's refusal: it has no body),
 * the same refusal with the code a {@link probeRefusedHead} GET names when that says the credential
 * itself was refused (`isCosCredentialRejection`): `credentialRefused` set and that code as
 * `serviceCode`, so a caller (the CLI's transfers) can tell a revoked key or an expired token from a
 * policy refusing this one object. One GET more, on a refused HEAD only (with a credential provider,
 * whose renewal sent the same GET first, two).
 * @throws nothing (it resolves to the error for the caller to throw).
 */
export async function namedHeadRefusal(http: HttpClient, head: HttpRequest, e: unknown, signal: AbortSignal | undefined): Promise<unknown> {
  if (!isStorageError(e, ErrorCode.PermissionDenied) || e.statusCode !== 403 || e.serviceCode !== undefined || e.credentialRefused) return e;
  if (signal?.aborted) return e;
  const error = (await probeRefusedHead(http, head, signal))?.error;
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
