import type { QueryParam } from "./http-request.js";

/**
 * The `response-content-type` / `response-content-disposition` query
 * parameters of a presigned read (the S3-style overrides COS, OSS and
 * QingStor all take, and sign as part of the resource), from the call's
 * `responseContentType` / `responseContentDisposition` options. Core has
 * checked the values (printable ASCII); the services answer the read with
 * them as `Content-Type` / `Content-Disposition`.
 *
 * @throws nothing.
 */
export function responseOverrideQuery(options: Readonly<Record<string, unknown>>): QueryParam[] {
  const query: QueryParam[] = [];
  const type = options["responseContentType"];
  const disposition = options["responseContentDisposition"];
  if (typeof type === "string") query.push(["response-content-type", type]);
  if (typeof disposition === "string") query.push(["response-content-disposition", disposition]);
  return query;
}
