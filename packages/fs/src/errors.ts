import { ErrorCode, isStorageError, storageError, type StorageError } from "@stowage/core";

/** The errno code (`"ENOENT"`...) of a Node fs error, if it has one. */
export function errnoOf(e: unknown): string | undefined {
  const code = (e as NodeJS.ErrnoException | null)?.code;
  return typeof code === "string" ? code : undefined;
}

/** True when `e` is a Node fs error with one of `codes`. */
export function isErrno(e: unknown, ...codes: string[]): boolean {
  const code = errnoOf(e);
  return code !== undefined && codes.includes(code);
}

/**
 * Maps a Node fs error to a StorageError (StorageErrors pass through):
 * ENOENT → ObjectNotExist, EACCES/EPERM/EROFS → PermissionDenied,
 * EISDIR/ENOTDIR → ObjectModeInvalid, ENOTEMPTY → Conflict,
 * ELOOP (a symlink loop), ENAMETOOLONG (said as "name too long"), invalid arguments → InvalidArgument,
 * anything else → Unexpected with the original as cause.
 * @throws nothing (returns the error)
 */
export function fsError(e: unknown): StorageError {
  if (isStorageError(e)) return e;
  const code = errnoOf(e);
  const error = mapped(code, { cause: e });
  if (code !== undefined) errnos.set(error, code);
  return error;
}

/** The errno each StorageError {@link fsError} made stands for (its `cause`, a redacted copy, may not keep it). */
const errnos = new WeakMap<StorageError, string>();

/**
 * The errno `e` stands for: a Node fs error's own, or that of the fs error a StorageError was made
 * of by {@link fsError} (undefined for any other StorageError).
 * @throws nothing.
 */
export function fsErrnoOf(e: unknown): string | undefined {
  return isStorageError(e) ? errnos.get(e) : errnoOf(e);
}

/** The StorageError of errno `code`, as {@link fsError} maps it. */
function mapped(code: string | undefined, ctx: { cause: unknown }): StorageError {
  switch (code) {
    case "ENOENT":
      return storageError(ErrorCode.ObjectNotExist, "no such file or directory", ctx);
    case "EACCES":
    case "EPERM":
    case "EROFS":
      return storageError(ErrorCode.PermissionDenied, `the filesystem refused access (${code})`, ctx);
    case "EISDIR":
      return storageError(ErrorCode.ObjectModeInvalid, "the path is a directory", ctx);
    case "ENOTDIR":
      return storageError(ErrorCode.ObjectModeInvalid, "a parent of the path is not a directory", ctx);
    case "ENOTEMPTY":
      return storageError(ErrorCode.Conflict, "the directory is not empty", ctx);
    case "ELOOP":
      return storageError(ErrorCode.InvalidArgument, "too many symbolic links in a row (a loop?)", ctx);
    case "ENAMETOOLONG":
      return storageError(ErrorCode.InvalidArgument, "name too long for this filesystem (ENAMETOOLONG: a name over 255 bytes, or a path over its limit)", ctx);
    case "ERR_INVALID_ARG_VALUE":
    case "ERR_INVALID_ARG_TYPE":
      return storageError(ErrorCode.InvalidArgument, "the path is not valid on this filesystem", ctx);
    default:
      return storageError(ErrorCode.Unexpected, `filesystem error${code ? ` ${code}` : ""}`, ctx);
  }
}
