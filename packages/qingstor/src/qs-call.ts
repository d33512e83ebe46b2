import type { Readable } from "node:stream";
import type { QueryParam } from "@stowage/core";

/**
 * One QingStor API call before addressing and signing: what the client turns
 * into an HTTP request on the bucket (or the service, for bucket listing).
 */
export interface QsCall {
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
