import { ErrorCode, givenObjectHeaders, snakeCase, storageError, type DriverCallOptions, type ObjectHeaders } from "@stowage/core";
import { QINGSTOR_TYPE } from "./config.js";

// QingStor stores Cache-Control and Content-Encoding with an object only when a single PutObject
// sends them (`protocols.md` §3.3): InitiateMultipartUpload takes Content-Type, SSE-C, storage class
// and metadata, AppendObject Content-Type and storage class. Content-Disposition and Expires are
// documented on no write (features `contentDisposition` and `httpExpires` are off: core refuses them).

/** The QingStor requests that take none of the {@link ObjectHeaders}. */
export type HeaderlessRequest = "multipart" | "append" | "multipartCopy";

const WHY: Record<HeaderlessRequest, string> = {
  multipart:
    "QingStor stores Cache-Control and Content-Encoding only with a single PutObject, and its multipart uploads take neither " +
    "(a write larger than multipart_threshold, or resuming an upload, goes in parts: a multipart_threshold above the size, up to 5 GiB, keeps it a single PutObject)",
  append: "QingStor stores Cache-Control and Content-Encoding only with a single PutObject, and AppendObject takes neither",
  multipartCopy:
    "QingStor stores Cache-Control and Content-Encoding only with a single PutObject, and a copy of a source larger than 5 GiB goes as a multipart copy, " +
    "whose InitiateMultipartUpload takes neither (copy with content type and metadata only, or write the headers with a single PutObject)",
};

/**
 * `options` without the {@link ObjectHeaders}, for a QingStor request that cannot carry them
 * (InitiateMultipartUpload: `createMultipart`, a multipart `write`, a presigned `createMultipart`, a
 * part of a resumed write, a multipart `copy`; AppendObject: `createAppend`). Checked before anything is sent:
 * - filled in from an open-time default (`default_cache_control`, named in `options.defaulted`):
 *   dropped, so a default applies to the writes that can carry it and leaves the others alone;
 * - given by the call: refused, unless the storager is `loose` (`enable_loose_pair`), which drops them.
 * Returns `options` itself when there is nothing to drop.
 * @throws StorageError `PairUnsupported` (a header the call gave, naming the pairs; nothing sent)
 */
export function withoutObjectHeaders(options: DriverCallOptions, request: HeaderlessRequest, loose: boolean): DriverCallOptions {
  const present = givenObjectHeaders(options);
  if (present.length === 0) return options;
  const defaulted = options.defaulted ?? [];
  const given = present.filter((field) => !defaulted.includes(field));
  if (given.length > 0 && !loose) {
    const names = given.map((field) => `"${field}" (${snakeCase(field)})`).join(", ");
    throw storageError(ErrorCode.PairUnsupported, `option${given.length > 1 ? "s" : ""} ${names} cannot be stored here: ${WHY[request]}; the request was not sent`, {
      service: QINGSTOR_TYPE,
    });
  }
  const out: DriverCallOptions = { ...options };
  for (const field of present) delete out[field];
  return out;
}
