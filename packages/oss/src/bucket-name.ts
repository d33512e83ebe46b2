import { checkHostLocation, ErrorCode, storageError } from "@stowage/core";
import { normalizeRegion } from "./addressing.js";

/** An OSS bucket name: 3–63 lower-case letters, digits and hyphens, not starting or ending with a hyphen. */
const BUCKET = /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/;

/**
 * Refuses a bucket OSS cannot address: a name that is not 3-63 lower-case letters, digits and
 * hyphens (not starting or ending with a hyphen), and a `location` that is not a region name (it
 * goes into host names and V4 scopes). The one check of storagers (`newStorager`, `Servicer.get`
 * and `create`) and of `Servicer.delete` and `list`.
 * @throws StorageError `InvalidArgument`
 */
export function checkOssBucket(name: string, location: string | undefined): void {
  if (!BUCKET.test(name)) {
    throw storageError(ErrorCode.InvalidArgument, `OSS bucket ${JSON.stringify(name)} must be 3-63 lower-case letters, digits and hyphens, not starting or ending with a hyphen`);
  }
  checkHostLocation(normalizeRegion(location), "OSS region");
}
