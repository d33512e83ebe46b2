import type { StorageError, StorageErrorContext } from "./storage-error.js";

/**
 * What the service's answer behind `e` said (statusCode, requestId, serviceCode, credentialRefused), only the fields
 * it has: for an error built from `e` about the same answer that leaves op, service and path to
 * the caller's context (the storager fills in the ones missing). The service's code word kept so
 * lets `isMissingBucket` and the like still read the error built.
 * @throws never
 */
export function answerOf(e: StorageError): Pick<StorageErrorContext, "statusCode" | "requestId" | "serviceCode" | "credentialRefused"> {
  return {
    ...(e.statusCode === undefined ? {} : { statusCode: e.statusCode }),
    ...(e.requestId === undefined ? {} : { requestId: e.requestId }),
    ...(e.serviceCode === undefined ? {} : { serviceCode: e.serviceCode }),
    ...(e.credentialRefused === true ? { credentialRefused: true } : {}),
  };
}
