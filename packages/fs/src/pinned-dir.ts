import { constants } from "node:fs";
import { open, readlink, type FileHandle } from "node:fs/promises";
import { posix } from "node:path";

/**
 * Where Linux shows a process's open files: `<FD_DIR>/<fd>` is a link to what
 * the descriptor really is, and a path through it (`<FD_DIR>/<fd>/name`) starts
 * at the open directory itself, whatever its path has become since.
 */
const FD_DIR = "/proc/self/fd";

let fdPaths: Promise<boolean> | undefined;

/**
 * True when this platform reaches open directories through {@link FD_DIR}
 * (Linux with /proc mounted): checked once, by opening `/` and reading its link.
 */
export function fdPathsWork(): Promise<boolean> {
  fdPaths ??= (async () => {
    try {
      const handle = await open("/", constants.O_RDONLY | constants.O_DIRECTORY);
      try {
        return (await readlink(`${FD_DIR}/${handle.fd}`)) === "/";
      } finally {
        await handle.close();
      }
    } catch {
      return false;
    }
  })();
  return fdPaths;
}

/** The path an open file or directory really has now (needs {@link fdPathsWork}). */
export function realPathOf(handle: FileHandle): Promise<string> {
  return readlink(`${FD_DIR}/${handle.fd}`);
}

/** A path that reaches what `handle` has open, not whatever `path` names now (`path` itself where the platform has no such paths). */
export async function openedPath(handle: FileHandle, path: string): Promise<string> {
  return (await fdPathsWork()) ? `${FD_DIR}/${handle.fd}` : path;
}

/**
 * A directory held open after its real path was checked (FsPaths.pinDir).
 * Names in it are reached through the open handle, so a directory of its
 * path swapped for a symlink afterwards changes nothing: creating, renaming
 * and removing entries happen in the very directory that was checked (the
 * system calls' `*at` forms, which Node does not offer, reached through
 * /proc). Where the platform has no /proc paths, `handle` is undefined and
 * names are joined to the path: checked, but not pinned.
 */
export class DirPin {
  constructor(
    /** The directory's path as the driver addressed it. */
    readonly path: string,
    private readonly handle: FileHandle | undefined,
  ) {}

  /** The path of entry `name` of this directory. */
  at(name: string): string {
    return this.handle === undefined ? posix.join(this.path, name) : `${FD_DIR}/${this.handle.fd}/${name}`;
  }

  /** A path of the directory itself (to list it, or fsync it). */
  get self(): string {
    return this.handle === undefined ? this.path : `${FD_DIR}/${this.handle.fd}`;
  }

  /** Closes the handle (errors ignored). */
  async close(): Promise<void> {
    await this.handle?.close().catch(() => undefined);
  }
}
