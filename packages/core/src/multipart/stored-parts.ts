import type { StorageDriver } from "../driver/storage-driver.js";
import { ErrorCode } from "../errors/error-code.js";
import { storageError } from "../errors/storage-error.js";
import { crc64Equal } from "../integrity/crc64.js";
import { paginate } from "../listing/page-lister.js";
import { sameEtag } from "../object/etag.js";
import type { Part } from "../object/object-info.js";

/** The parts {@link checkStoredParts} passed, and which of their CRC-64s the service listed. */
export interface StoredParts {
  /** The parts as given, in order, each with the listed CRC-64 where the caller had none. */
  readonly parts: Part[];
  /** Indexes of the parts whose CRC-64 the service listed (the caller's, where given, is that one). */
  readonly listedCrc64: ReadonlySet<number>;
}

/**
 * Checks the parts a caller wants to complete an upload with against the parts the service
 * holds (one listing, 1,000 parts a page): each must have been uploaded, with the same size, and
 * the same ETag and CRC-64 where both sides know one. A caller's part with a wrong size would
 * otherwise complete into an object whose size the result misstates, or whose combined CRC-64
 * no longer matches, after which the stored object would be deleted with the upload consumed.
 * Returns the parts as given, in order, each with the stored CRC-64 where the caller had none,
 * and the indexes whose CRC-64 the service listed. A driver that lists no parts: `parts` as given,
 * no CRC-64 listed. The error names the field that differs (size, ETag or CRC-64).
 *
 * A part missing from the listing is looked at once more: the upload is listed again (its first
 * page), so that an upload aborted or completed while it was listed (a listing that came out partial
 * as its parts were removed) is `ObjectNotExist`, never a `Conflict` that says the upload is kept.
 *
 * @throws StorageError `Conflict` (a part not uploaded to the upload, which still exists, or unlike the
 *   one uploaded: nothing is completed, the upload is kept), `ObjectNotExist` (no such upload, also one
 *   that ended while it was listed), `Aborted`.
 */
export async function checkStoredParts(driver: StorageDriver, key: string, multipartId: string, parts: readonly Part[], signal?: AbortSignal): Promise<StoredParts> {
  if (driver.listParts === undefined) return { parts: [...parts], listedCrc64: new Set() };
  const options = signal === undefined ? {} : { signal };
  const stored = new Map<number, Part>();
  for await (const part of paginate((token) => driver.listParts!(key, multipartId, token, options), options)) stored.set(part.index, part);
  const missing = parts.find((given) => !stored.has(given.index));
  // Still there (the driver's ObjectNotExist, thrown, when it is not): only then is the part not uploaded to it.
  if (missing !== undefined) await driver.listParts(key, multipartId, undefined, options);
  const listedCrc64 = new Set<number>();
  const checked = parts.map((given) => {
    const have = stored.get(given.index);
    if (have === undefined) throw storageError(ErrorCode.Conflict, `part ${given.index} was not uploaded to this upload`);
    const unlike: string[] = [];
    if (have.size !== given.size) unlike.push(`size given ${given.size} bytes, uploaded ${have.size}`);
    if (given.etag && have.etag && !sameEtag(given.etag, have.etag)) unlike.push(`etag given ${given.etag}, uploaded ${have.etag}`);
    if (given.crc64 !== undefined && have.crc64 !== undefined && !crc64Equal(given.crc64, have.crc64)) unlike.push(`crc64 given ${given.crc64}, uploaded ${have.crc64}`);
    if (unlike.length > 0) throw storageError(ErrorCode.Conflict, `part ${given.index} does not match the uploaded part (${unlike.join("; ")})`);
    if (have.crc64 !== undefined) listedCrc64.add(given.index);
    // As given (its ETag in the form the driver returned it), with the stored CRC-64 when the caller had none.
    return given.crc64 === undefined && have.crc64 !== undefined ? { ...given, crc64: have.crc64 } : { ...given };
  });
  return { parts: checked, listedCrc64 };
}
