import type { QueryParam } from "./http-request.js";

/** Options of a presigned read that override an answer's header, with their S3-style query parameters. */
const OVERRIDES: ReadonlyArray<readonly [string, string]> = [
  ["responseContentType", "response-content-type"],
  ["responseContentDisposition", "response-content-disposition"],
  ["responseCacheControl", "response-cache-control"],
  ["responseContentEncoding", "response-content-encoding"],
  ["responseContentLanguage", "response-content-language"],
  ["responseExpires", "response-expires"],
];

/**
 * The `response-*` query parameters of a presigned read (the S3-style overrides COS, OSS and
 * QingStor all take, and sign as part of the resource), from the call's `responseContentType`,
 * `responseContentDisposition`, `responseCacheControl`, `responseContentEncoding`,
 * `responseContentLanguage` and `responseExpires` options. Core has checked the values
 * (printable ASCII); the services answer the read with them as the headers they name.
 *
 * @throws nothing.
 */
export function responseOverrideQuery(options: Readonly<Record<string, unknown>>): QueryParam[] {
  const query: QueryParam[] = [];
  for (const [option, param] of OVERRIDES) {
    const value = options[option];
    if (typeof value === "string") query.push([param, value]);
  }
  return query;
}
