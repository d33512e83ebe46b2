import { ErrorCode } from "../errors/error-code.js";
import { storageError, type StorageError } from "../errors/storage-error.js";

/**
 * The error for a listing answer that says more follows (truncated, `has_more`) but gives no way
 * to ask for it: no next marker or continuation token, and (where the driver may continue after
 * the page's last entry) no entry. Ending the listing there would pass a partial listing off as
 * complete, so it fails instead; retryable, as a later answer may be whole.
 * @param what what was being listed, e.g. `"objects"`, `"buckets"`
 * @param detail why no marker could be used (default: none was given)
 * @throws never
 */
export function truncatedWithoutMarker(what: string, detail = "it gave no marker and no entry to continue after"): StorageError {
  return storageError(ErrorCode.Unexpected, `the service said the ${what} listing continues, but ${detail}: the rest cannot be listed`, { retryable: true });
}
