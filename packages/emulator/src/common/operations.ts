import type { ProtocolError } from "./protocol-error.js";

/** The emulated providers. */
export type Provider = "cos" | "oss" | "qingstor";

/** Every provider this package emulates. */
export const PROVIDERS: readonly Provider[] = ["cos", "oss", "qingstor"];

/**
 * Provider-neutral operation names, used by fault rules and stats. Not every
 * provider has every operation (only QingStor moves and fetches, only OSS has symlinks, only COS
 * and OSS restore archived objects).
 */
export const OPERATIONS = [
  "ListBuckets",
  "CreateBucket",
  "DeleteBucket",
  "HeadBucket",
  "GetBucketLocation",
  "ListObjects",
  "PutObject",
  "GetObject",
  "HeadObject",
  "DeleteObject",
  "DeleteObjects",
  "CopyObject",
  "MoveObject",
  "FetchObject",
  "AppendObject",
  "InitiateMultipartUpload",
  "UploadPart",
  "UploadPartCopy",
  "CompleteMultipartUpload",
  "AbortMultipartUpload",
  "ListParts",
  "ListMultipartUploads",
  "PutSymlink",
  "GetSymlink",
  "RestoreObject",
] as const;

/** One of {@link OPERATIONS}. */
export type OperationName = (typeof OPERATIONS)[number];

/** What a front-end's router made of a request, before authentication. */
export interface Route {
  operation: OperationName;
  /** Absent for service-level operations (list buckets). */
  bucket?: string;
  /** Decoded object key, absent for bucket and service operations. */
  key?: string;
  /** True when the bucket came from the Host header. */
  vhost: boolean;
  /**
   * Region the Host header names: a virtual host (`<bucket>.cos.<region>.myqcloud.com`,
   * `<bucket>.oss-<region>.aliyuncs.com`) or a region endpoint addressed path style
   * (`cos.<region>.myqcloud.com`, `oss-<region>.aliyuncs.com`). Absent for hosts that name none
   * (an IP address, localhost, acceleration hosts): the emulator's own endpoint.
   */
  hostRegion?: string;
  /**
   * A refusal routing decided: a sub-resource the emulator does not implement (`acl`,
   * `x-oss-process`...: 501 `NotImplemented`) or a method the resource does not allow (405
   * `MethodNotAllowed`). The request is authenticated first, as a service would, then answered
   * with it, and gets no faults. `operation` then names what it addresses (`ListBuckets`,
   * `HeadBucket` or `HeadObject`) and is never performed.
   */
  refused?: ProtocolError;
}
