import type { Readable } from "node:stream";
import type { QueryParam } from "./http-request.js";

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
