import { constants } from "node:os";
import { getSystemErrorMap } from "node:util";
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
 * ENOSPC/EDQUOT/EFBIG (a full file system or quota, a file over its size limit) → ServiceInternal,
 * not retryable (it does not clear by trying again at once), EMFILE/ENFILE (too many open files)
 * → ServiceInternal, retryable, anything else → Unexpected naming the errno and the system's text
 * for it (`filesystem error EIO: i/o error`); the original is the cause. No message names a path
 * (Node's own does: the error's `path` context says it, relative to the work_dir).
 * @throws nothing (returns the error)
 */
export function fsError(e: unknown): StorageError {
  if (isStorageError(e)) return e;
  const code = errnoName(e);
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
    case "ENOSPC":
      return storageError(ErrorCode.ServiceInternal, "no space left on the file system (ENOSPC)", { ...ctx, retryable: false });
    case "EDQUOT":
      return storageError(ErrorCode.ServiceInternal, "disk quota exceeded (EDQUOT)", { ...ctx, retryable: false });
    case "EFBIG":
      return storageError(ErrorCode.ServiceInternal, "file too large for the file system (EFBIG)", { ...ctx, retryable: false });
    case "EMFILE":
    case "ENFILE":
      // Descriptors of this process (EMFILE) or of the system (ENFILE) run out: transient, as others close.
      return storageError(ErrorCode.ServiceInternal, `too many open files (${code})`, { ...ctx, retryable: true });
    default: {
      const text = code === undefined ? undefined : systemText(code);
      return storageError(ErrorCode.Unexpected, `filesystem error${code ? ` ${code}` : ""}${text ? `: ${text}` : ""}`, ctx);
    }
  }
}

/**
 * The errno name of `e`: its `code`, or, where Node knows no name for its number (its `code` is
 * `UNKNOWN`: EDQUOT, ESTALE... on Node 20), the name the OS gives that number.
 */
function errnoName(e: unknown): string | undefined {
  const code = errnoOf(e);
  if (code !== undefined && code !== "UNKNOWN") return code;
  const errno = (e as NodeJS.ErrnoException | null)?.errno;
  if (typeof errno !== "number") return code;
  const number = Math.abs(errno);
  return Object.entries(constants.errno).find(([, value]) => value === number)?.[0] ?? code;
}

/** Node's text for errno `name` (libuv's strerror: `"i/o error"`), undefined where it has none. */
function systemText(name: string): string | undefined {
  for (const [, [known, text]] of getSystemErrorMap()) if (known === name) return text;
  return undefined;
}
