import { checkHostLocation, ErrorCode, storageError } from "@stowage/core";

/** A QingStor bucket name: 6–63 lower-case letters, digits and hyphens, starting and ending with a letter or digit. */
export const BUCKET_NAME = /^[a-z\d][a-z\d-]{4,61}[a-z\d]$/;

/**
 * Refuses a bucket QingStor cannot address: a name that is not 6-63 lower-case letters, digits and
 * hyphens (starting and ending with a letter or digit), and a `location` that is not a zone name
 * (it goes into host names). The one check of storagers (`newStorager`, `Servicer.get` and
 * `create`) and of `Servicer.delete` and `list`.
 * @throws StorageError `InvalidArgument`
 */
export function checkQingStorBucket(name: string, location: string | undefined): void {
  if (!BUCKET_NAME.test(name)) {
    throw storageError(ErrorCode.InvalidArgument, `QingStor bucket ${JSON.stringify(name)} must be 6 to 63 lower-case letters, digits and hyphens, starting and ending with a letter or digit`);
  }
  checkHostLocation(location, "QingStor zone");
}
