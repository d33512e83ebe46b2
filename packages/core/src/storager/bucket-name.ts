import { ErrorCode } from "../errors/error-code.js";
import { storageError } from "../errors/storage-error.js";

/** C0 controls and DEL: a connection string refuses them raw, and no service's bucket name holds one. */
const CONTROL = /[\u0000-\u001f\u007f]/;

/**
 * Checks a bucket name given to (or listed by) a servicer, for every driver alike, before the
 * driver's own rules: a non-empty string without `/` (it would be a path), `@` (URL user
 * information: what is before it may be a secret, so the message does not show the name; the same
 * rule as at open, see `resolveOpenConfig`) or a control character.
 * @throws StorageError `InvalidArgument`, never showing the name
 */
export function checkBucketName(name: unknown): asserts name is string {
  if (typeof name !== "string" || name === "" || name.includes("/")) {
    throw storageError(ErrorCode.InvalidArgument, `bucket name must be a non-empty string without "/"`);
  }
  if (name.includes("@")) {
    throw storageError(
      ErrorCode.InvalidArgument,
      'the bucket name holds "@": URL user information (a user or password and "@" before the bucket name) is not taken, and the name is not shown (it may hold a secret)',
    );
  }
  if (CONTROL.test(name)) throw storageError(ErrorCode.InvalidArgument, "the bucket name holds a control character (C0 or DEL)");
}

/**
 * A bucket name as an error's `path` or a warning may show it: as it is, except one holding `@`,
 * shown as `***@` and what follows the last `@` (what is before it may be a secret, as in
 * `cos://AK:SK@bucket`).
 * @throws nothing
 */
export function shownBucketName(name: string): string {
  const at = name.lastIndexOf("@");
  return at < 0 ? name : `***@${name.slice(at + 1)}`;
}
