import { conditionValue, type OssCall } from "./requests.js";

/**
 * `call` (a CopyObject or an UploadPartCopy) with `x-oss-copy-source-if-match: <sourceEtag>` (see
 * `conditionValue`): OSS then copies only that version of the source and answers 412
 * `PreconditionFailed` when it changed. The same call when no ETag is given.
 * @throws nothing.
 */
export function pinCopySource(call: OssCall, sourceEtag: string | undefined): OssCall {
  if (sourceEtag === undefined) return call;
  return { ...call, headers: { ...call.headers, "x-oss-copy-source-if-match": conditionValue(sourceEtag) } };
}
