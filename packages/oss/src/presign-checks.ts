import { ErrorCode, storageError, type QueryParam } from "@stowage/core";
import { isSubresource } from "./signer.js";

/**
 * The option a signed query parameter comes from, as the caller named it: `response-content-disposition`
 * is `responseContentDisposition`, `uploadId` is `multipartId`; any other is its own name.
 */
function optionOf(param: string): string {
  if (param === "uploadId") return "multipartId";
  if (!param.startsWith("response-")) return param;
  return param.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

/**
 * Refuses what would make an OSS V1 presigned URL stand for more requests than the one it was made
 * for. V1 signs the canonical resource `/<bucket>/<key>?<sub-resources>` with the key and the
 * sub-resource values unescaped, joined by `&` (as OSS computes it, `protocols.md` §2.1), so:
 * - an `&` in a signed value (`responseContentDisposition: "inline&response-content-type=text/html"`)
 *   lets whoever holds the URL turn the encoded `%26…%3D…` into a real `&`: a second signed
 *   parameter, here an override of the answer's Content-Type, with the same signature;
 * - a `?` in the key (work_dir included) lets the URL for key `k?uploadId=<id>` serve the request
 *   `k?uploadId=<id>` (a presigned delete then aborts `k`'s upload; a read serves `k` with overrides).
 * V4 signs every query parameter percent-encoded and the path encoded, so it needs neither check.
 * Header-signed requests do not either: the driver itself sends them, to the path and query it signed,
 * and their signature is no bearer token handed out for others to reuse.
 * Values are not echoed (a multipartId or an override may be sensitive); the parameter is named.
 *
 * @param resource `/<bucket>/<raw key>` as V1 signs it.
 * @param query the call's own query parameters (decoded values), before the security token.
 * @throws StorageError `InvalidArgument` for a `?` in the key or an `&` in a signed parameter's value.
 */
export function checkV1Presign(resource: string, query: readonly QueryParam[]): void {
  if (resource.includes("?")) {
    throw storageError(
      ErrorCode.InvalidArgument,
      'a key containing "?" cannot be presigned with OSS V1 signatures, which sign the key unescaped: ' +
        'the URL would also be valid for the key before the "?" with the rest as signed parameters; ' +
        "open the storager with signature_version=v4 to presign such keys",
    );
  }
  for (const [name, value] of query) {
    if (value === undefined || !isSubresource(name) || !value.includes("&")) continue;
    const option = optionOf(name);
    const hint = name.startsWith("response-")
      ? ` (percent-encode it where the header allows, e.g. a file name as filename*=UTF-8''a%26b.txt, RFC 5987)`
      : "";
    throw storageError(
      ErrorCode.InvalidArgument,
      `${option} contains "&", which an OSS V1 presigned URL signs unescaped: whoever holds the URL could split it into ` +
        `other signed parameters${hint}; or open the storager with signature_version=v4`,
    );
  }
}
