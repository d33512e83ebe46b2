import { ErrorCode, storageError } from "@stowage/core";
import { SIGNED_SUBRESOURCES, type QsSignInput } from "./signer.js";

/**
 * The option a signed query parameter comes from, as the caller named it: `response-content-disposition`
 * is `responseContentDisposition`, `upload_id` is `multipartId`, `part_number` is `index`.
 */
function optionOf(param: string): string {
  if (param === "upload_id") return "multipartId";
  if (param === "part_number") return "index";
  return param.replace(/[-_]([a-z])/g, (_, c: string) => c.toUpperCase());
}

/**
 * Refuses an `&` in the value of a parameter a QingStor presigned URL signs. QingStor signs the
 * canonical resource `<path>?<sub-resources>` with the values unescaped, joined by `&`
 * (`protocols.md` §3.1), so whoever holds a URL signed for
 * `responseContentDisposition: "inline&response-content-type=text/html"` could turn the encoded
 * `%26…%3D…` into a real `&`: a second signed parameter, here an override of the answer's
 * Content-Type, with the same signature. The key is signed percent-encoded (a `?` in it is `%3F`),
 * so it needs no check. Header-signed requests need none either: the driver itself sends them, to
 * the path and query it signed, and their signature is no bearer token handed out for others to reuse.
 * Values are not echoed (a multipartId or an override may be sensitive); the parameter is named.
 *
 * @throws StorageError `InvalidArgument` for an `&` in a signed parameter's value.
 */
export function checkPresignQuery(query: QsSignInput["query"]): void {
  for (const [name, value] of query) {
    if (value === undefined || !SIGNED_SUBRESOURCES.has(name) || !value.includes("&")) continue;
    const hint = name.startsWith("response-")
      ? ` (percent-encode it where the header allows, e.g. a file name as filename*=UTF-8''a%26b.txt, RFC 5987)`
      : "";
    throw storageError(
      ErrorCode.InvalidArgument,
      `${optionOf(name)} contains "&", which a QingStor presigned URL signs unescaped: whoever holds the URL could split it into other signed parameters${hint}`,
    );
  }
}
