import { ErrorCode } from "../errors/error-code.js";
import { storageError } from "../errors/storage-error.js";
import { parseXml, xmlText, type XmlValue } from "../http/xml.js";

/** An XML listing answer checked by {@link parseListingXml}: its root element's value and whether more follows. */
export interface ListingDocument {
  value: XmlValue;
  truncated: boolean;
}

/**
 * Whether `IsTruncated` must be present (object, upload and part listings always carry it) or may
 * be left out (bucket listings: OSS sends it only when paging, COS's GET Service without a marker may omit it).
 */
export type TruncationFlag = "required" | "optional";

/**
 * The document of an XML listing answer (GET Bucket, ListObjectsV2, ListMultipartUploads,
 * ListParts, GET Service), checked before any entry is read: the root element must be `root`
 * and `IsTruncated` must say `true` or `false`. A 200 carrying anything else (an `<Error>`
 * document from the service, a proxy or a gateway; another document) lists nothing, and taking
 * it for an empty last page would end the listing short as a success: a `sync --delete` would
 * then delete what the source still holds.
 * @param flag `"optional"`: an absent `IsTruncated` means the last page (a present one must still be `true` or `false`)
 * @throws StorageError `Unexpected` (retryable: a later answer may be whole) when the body is not
 *   well-formed XML, has another root, or has no `IsTruncated` (when required) or one that is
 *   neither `true` nor `false`.
 */
export async function parseListingXml(body: Buffer | string, root: string, flag: TruncationFlag = "required"): Promise<ListingDocument> {
  const doc = await parseXml(body);
  if (doc.root !== root) {
    throw storageError(ErrorCode.Unexpected, `the service answered a listing with a <${doc.root.slice(0, 60)}> document, not <${root}>: the listing cannot go on`, { retryable: true });
  }
  const text = xmlText(doc.value, "IsTruncated")?.trim();
  if (text === "true" || text === "false") return { value: doc.value, truncated: text === "true" };
  if (text === undefined && flag === "optional") return { value: doc.value, truncated: false };
  const what = text === undefined ? "no IsTruncated" : `IsTruncated ${JSON.stringify(text.slice(0, 20))}`;
  throw storageError(ErrorCode.Unexpected, `the service answered a <${root}> listing with ${what}: whether more follows is not known`, { retryable: true });
}
