import { ErrorCode } from "../errors/error-code.js";
import { storageError, type StorageError } from "../errors/storage-error.js";
import type { BufferedResponse } from "./http-response.js";

/**
 * The error code an HTTP status means when the service says nothing more:
 * 404/410 → ObjectNotExist, 401/403 → PermissionDenied, 409/412 → Conflict,
 * 429 and 503 → RequestThrottled, other 5xx → ServiceInternal, and so are 408 (Request Timeout:
 * the request did not arrive in time, a proxy's usual answer) and 425 (Too Early: a request the
 * server would not risk processing yet), both worth another attempt,
 * 400/405/411/413/414/416/431 → InvalidArgument, anything else (402, 406, 415, 422, 451...) → Unexpected.
 * @throws nothing
 */
export function errorCodeForStatus(status: number): ErrorCode {
  if (status === 404 || status === 410) return ErrorCode.ObjectNotExist;
  if (status === 401 || status === 403) return ErrorCode.PermissionDenied;
  if (status === 409 || status === 412) return ErrorCode.Conflict;
  if (status === 429 || status === 503) return ErrorCode.RequestThrottled;
  if (status >= 500 || status === 408 || status === 425) return ErrorCode.ServiceInternal;
  if (status === 400 || status === 405 || status === 411 || status === 413 || status === 414 || status === 416 || status === 431) return ErrorCode.InvalidArgument;
  return ErrorCode.Unexpected;
}

/** The default mapping of a failed response: {@link errorCodeForStatus}, with status and request id. @throws nothing (returns the error) */
export function errorForStatus(response: BufferedResponse): StorageError {
  const what = response.request.operation ?? `${response.request.method} request`;
  return storageError(errorCodeForStatus(response.status), `${what} failed with HTTP ${response.status}`, {
    statusCode: response.status,
    ...(response.requestId ? { requestId: response.requestId } : {}),
  });
}
