import type { Readable } from "node:stream";
import type { QueryParam } from "./http-request.js";
import { ErrorCode } from "../errors/error-code.js";
import { storageError } from "../errors/storage-error.js";
import type { PresignedMethod } from "../storager-results.js";

/**
 * One API call of an HTTP driver before addressing and signing: what the driver's client turns
 * into an HTTP request on the bucket (or the service, for bucket listing). The drivers' pure
 * request builders return these (`CosCall`, `OssCall`, `QsCall` are this type).
 */
export interface DriverCall {
  /** snake_case API name for logs and errors (`put_object`). */
  operation: string;
  method: "GET" | "HEAD" | "PUT" | "POST" | "DELETE";
  /** Object key; absent for bucket-level calls. */
  key?: string;
  query: QueryParam[];
  headers: Record<string, string>;
  body?: Buffer | Readable;
}

/** A request body and its Content-MD5 (base64). */
export interface CallBody {
  data: Buffer | Readable;
  size: number;
  contentMd5?: string | undefined;
}

/**
 * A driver call's method as a presigned request carries it: presigned requests are never `HEAD`
 * (no presignable operation stats), so a builder that produced one is a driver bug, reported
 * rather than signed.
 * @throws StorageError `InvalidArgument` for `HEAD`.
 */
export function presignedMethod(method: DriverCall["method"]): PresignedMethod {
  if (method === "HEAD") throw storageError(ErrorCode.InvalidArgument, "a HEAD request cannot be presigned");
  return method;
}
