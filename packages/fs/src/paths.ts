import { randomBytes } from "node:crypto";
import { realpath } from "node:fs/promises";
import { posix } from "node:path";
import { ErrorCode, storageError } from "@stowage/core";
import { fsError, isErrno } from "./errors.js";

/** Names starting with this are the driver's own (temp files, multipart staging): never listed, never addressable. */
export const HIDDEN_PREFIX = ".stowage-";

/** The multipart staging directory's name inside the work_dir. */
export const STAGING_NAME = ".stowage-multipart";

/** True for the driver's own hidden entries. */
export function isHidden(name: string): boolean {
  return name.startsWith(HIDDEN_PREFIX);
}

/** A fresh hidden temp file path in `dir`. */
export function tempPath(dir: string): string {
  return posix.join(dir, `${HIDDEN_PREFIX}tmp-${randomBytes(12).toString("hex")}`);
}

/** True when `path` is `root` or below it. */
function inside(path: string, root: string): boolean {
  return root === "/" || path === root || path.startsWith(root + "/");
}

function escape(): never {
  throw storageError(ErrorCode.InvalidArgument, "path escapes work_dir");
}

/**
 * Maps keys to files ("/" + key) and confines every access to the work_dir.
 * A path is refused unless it lies below the work_dir both lexically and
 * after resolving the real path of its deepest existing ancestor, so a
 * symlink inside the store that points outside is refused before anything
 * is touched. (A symlink swapped in between the check and the use is not
 * caught: the work_dir must not be writable by someone you don't trust.)
 */
export class FsPaths {
  /** The work_dir as an absolute path without trailing `/` (`/` for the filesystem root). */
  readonly root: string;
  /** The multipart staging directory. */
  readonly staging: string;
  private rootReal: string | undefined;

  constructor(workDir: string) {
    this.root = posix.resolve("/", workDir);
    this.staging = posix.join(this.root, STAGING_NAME);
  }

  /**
   * The absolute path of `key` (a file or dir key), checked to lie inside the work_dir.
   * @throws StorageError `InvalidArgument` (escapes the work_dir, a reserved `.stowage-` name, NUL),
   *   `PermissionDenied` or `Unexpected` when a real path can't be resolved.
   */
  async resolve(key: string): Promise<string> {
    if (key.includes("\0")) throw storageError(ErrorCode.InvalidArgument, "path must not contain NUL");
    const path = posix.resolve("/", key);
    if (!inside(path, this.root)) escape();
    const below = path.slice(this.root === "/" ? 1 : this.root.length + 1);
    if (below !== "" && below.split("/").some(isHidden)) {
      throw storageError(ErrorCode.InvalidArgument, `names starting with ${HIDDEN_PREFIX} are reserved`);
    }
    if (!(await this.confined(path))) escape();
    return path;
  }

  /** True when the real path of `path` (as far as it exists) lies inside the work_dir's real path. */
  async confined(path: string): Promise<boolean> {
    const [real, root] = await Promise.all([realish(path), this.realRoot()]);
    return inside(real, root);
  }

  /** The storage key of an absolute path inside the work_dir (`dir` adds the trailing `/`). */
  keyOf(path: string, dir = false): string {
    const key = path.slice(1);
    return dir && key !== "" ? key + "/" : key;
  }

  private async realRoot(): Promise<string> {
    if (this.rootReal !== undefined) return this.rootReal;
    const real = await realish(this.root);
    // Cache only once the work_dir exists: before that its real path may still change.
    if (await exists(this.root)) this.rootReal = real;
    return real;
  }
}

/** The real path of the deepest existing ancestor of `path`, joined with the rest of `path`. */
async function realish(path: string): Promise<string> {
  const rest: string[] = [];
  let current = path;
  for (;;) {
    try {
      const real = await realpath(current);
      return rest.length === 0 ? real : posix.join(real, ...rest.reverse());
    } catch (e) {
      if (!isErrno(e, "ENOENT", "ENOTDIR") || current === "/") throw fsError(e);
      rest.push(posix.basename(current));
      current = posix.dirname(current);
    }
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await realpath(path);
    return true;
  } catch {
    return false;
  }
}
