import { realpathSync, statSync } from "node:fs";
import nativePaths from "node:path";
import { ErrorCode, isStorageError, storageError, type StorageError } from "@stowage/core";

/** The path functions used (node:path; `path.win32` in tests of Windows paths). */
export type PathApi = Pick<typeof nativePaths, "isAbsolute" | "parse" | "resolve" | "dirname" | "join">;

// A local operand holding `..` names what the kernel would reach, not what dropping the segment
// before it gives: `p/g/..` with `g` a file names nothing (rm(1): "Not a directory"), and
// `p/link/..` is the parent of where the link leads. A lexical resolve turned both into `p`, so
// `stowage rm -r p/g/..` deleted what `p` holds.

/** Why `before` cannot be gone through: `errno` is the failed read's code, undefined for a file. */
function cannotPass(arg: string, before: string, errno: string | undefined): StorageError {
  const [code, what] =
    errno === "ENOENT"
      ? [ErrorCode.ObjectNotExist, "does not exist"]
      : errno === "EACCES" || errno === "EPERM"
        ? [ErrorCode.PermissionDenied, "cannot be read (permission denied)"]
        : [ErrorCode.ObjectModeInvalid, errno === undefined || errno === "ENOTDIR" ? "is not a directory" : `cannot be read (${errno})`];
  return storageError(code, `${arg}: ${before} ${what}, so the ".." after it names nothing`, { op: "resolve", service: "fs", path: before });
}

/** Where `dir` really is (links resolved), or the reason it cannot be gone through. */
function realDirectory(arg: string, dir: string): string {
  let real: string;
  try {
    if (!statSync(dir).isDirectory()) throw cannotPass(arg, dir, undefined);
    real = realpathSync.native(dir);
  } catch (e) {
    if (isStorageError(e)) throw e;
    throw cannotPass(arg, dir, String((e as NodeJS.ErrnoException).code ?? "unknown error"));
  }
  return real;
}

/**
 * The absolute native path a local operand names, resolved against `cwd` as the kernel does: a
 * `..` goes to the parent of the directory before it, through symbolic links, and the name before
 * it must be a directory. An operand without `..` is resolved lexically (nothing is read).
 * @throws StorageError `ObjectNotExist` when a name before a `..` does not exist,
 *   `ObjectModeInvalid` when it is not a directory (a file, a link to one), `PermissionDenied`
 *   when it cannot be read
 */
export function resolveLocalPath(cwd: string, arg: string, paths: PathApi = nativePaths): string {
  // The root as written (`/`, `C:\`, `\\server\share\`) is not a segment to join.
  const absolute = paths.isAbsolute(arg);
  const root = absolute ? paths.parse(arg).root : "";
  const segments = arg.slice(root.length).split(/[\\/]/);
  if (!segments.includes("..")) return paths.resolve(cwd, arg);
  let at = absolute ? paths.resolve(root) : paths.resolve(cwd);
  for (const segment of segments) {
    if (segment === "" || segment === ".") continue;
    at = segment === ".." ? paths.dirname(realDirectory(arg, at)) : paths.join(at, segment);
  }
  return at;
}
