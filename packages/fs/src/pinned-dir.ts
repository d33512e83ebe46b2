import { closeSync, constants, open, openSync, readlinkSync } from "node:fs";
import { lstat } from "node:fs/promises";
import { posix } from "node:path";
import { whenDescriptorsFree } from "./descriptor-wait.js";
import { isErrno } from "./errors.js";

/**
 * Where Linux shows a process's open files: `<FD_DIR>/<fd>` is a link to what
 * the descriptor really is, and a path through it (`<FD_DIR>/<fd>/name`) starts
 * at the open directory itself, whatever its path has become since.
 */
const FD_DIR = "/proc/self/fd";

let fdPaths: boolean | undefined;

/**
 * True when this platform reaches open directories through {@link FD_DIR}
 * (Linux with /proc mounted): checked by opening `/` and reading its link, once it answers. A
 * probe that meets a process or system out of descriptors (EMFILE, ENFILE) says false for this
 * call only: remembered, it would keep every later operation off the /proc paths.
 * @throws nothing
 */
export function fdPathsWork(): boolean {
  if (fdPaths === undefined) {
    try {
      const fd = openSync("/", constants.O_RDONLY | constants.O_DIRECTORY);
      try {
        fdPaths = readlinkSync(`${FD_DIR}/${fd}`) === "/";
      } finally {
        closeSync(fd);
      }
    } catch (e) {
      if (isErrno(e, "EMFILE", "ENFILE")) return false;
      fdPaths = false;
    }
  }
  return fdPaths;
}

/**
 * The path the open file or directory `fd` really has now (needs {@link fdPathsWork}).
 * Synchronous: /proc answers from memory, without touching the filesystem.
 */
export function realPathOf(fd: number): string {
  return readlinkSync(`${FD_DIR}/${fd}`);
}

/**
 * Linux's `O_PATH` (not in Node's `fs.constants`; the same on every architecture Node runs Linux
 * on): a descriptor that names a file or directory without opening it for reading or writing. It
 * needs search permission on the path only, never opens a device or counts as a fifo's reader, and
 * serves fstat, readlink of `/proc/self/fd/<fd>` and paths through it (`<fd>/name`).
 */
export const O_PATH = 0o10000000;

/** True where {@link O_PATH} descriptors are used: Linux with /proc paths ({@link fdPathsWork}). @throws nothing. */
export function pathDescriptorsWork(): boolean {
  return process.platform === "linux" && fdPathsWork();
}

/** Opens `path` with numeric `flags` and resolves with the descriptor (waiting for descriptors: descriptor-wait.ts). @throws raw fs errors. */
export function openFd(path: string, flags: number): Promise<number> {
  return whenDescriptorsFree(() => new Promise((resolve, reject) => open(path, flags, (error, fd) => (error ? reject(error) : resolve(fd)))));
}

/**
 * Opens directory `dir` (following symlinks, unless `noFollow`: then a link there fails) and
 * resolves with its descriptor. A directory this process may enter but not read (search `x`
 * without `r`: a drop box, 0733 or 1733; a home directory, 0711) is opened with {@link O_PATH}
 * where that works: the kernel lets stat, create, rename and unlink its entries by name, which is
 * all a pin is used for but a listing (readdir) and an fsync, which then fail with EACCES as the
 * kernel answers them (atomic.ts syncDir fsyncs the entry placed instead).
 * @throws raw fs errors (EACCES where even O_PATH is refused or not available, ENOENT, ENOTDIR, ELOOP).
 */
export async function openDirFd(dir: string, noFollow = false): Promise<number> {
  const flags = constants.O_DIRECTORY | (noFollow ? constants.O_NOFOLLOW : 0);
  try {
    return await openFd(dir, constants.O_RDONLY | flags);
  } catch (e) {
    if (!isErrno(e, "EACCES") || !pathDescriptorsWork()) throw e;
    return openFd(dir, O_PATH | flags);
  }
}

/**
 * A directory held open after its real path was checked (FsPaths.pinDir).
 * Names in it are reached through the open handle, so a directory of its
 * path swapped for a symlink afterwards changes nothing: creating, renaming
 * and removing entries happen in the very directory that was checked (the
 * system calls' `*at` forms, which Node does not offer, reached through
 * /proc). Where the platform has no /proc paths, `fd` is undefined and
 * names are joined to the path: checked, but not pinned. A directory this
 * process may enter but not read is held by an `O_PATH` descriptor (Linux),
 * which pins it all the same; listing it, or fsyncing it, fails with EACCES.
 */
export class DirPin {
  /** @throws nothing */
  constructor(
    /** The directory's path as the driver addressed it. */
    readonly path: string,
    private readonly fd: number | undefined,
  ) {}

  /** The path of entry `name` of this directory. @throws nothing */
  at(name: string): string {
    return this.fd === undefined ? posix.join(this.path, name) : `${FD_DIR}/${this.fd}/${name}`;
  }

  /** The directory's real path now, read from its handle (undefined where there is no handle to read it from). */
  get realPath(): string | undefined {
    return this.fd === undefined ? undefined : realPathOf(this.fd);
  }

  /** A path of the directory itself (to list it, or fsync it). */
  get self(): string {
    return this.fd === undefined ? this.path : `${FD_DIR}/${this.fd}`;
  }

  /**
   * Pins the subdirectory `name` of this directory, never following a symlink there: undefined
   * when there is no such entry, or it is a link or not a directory. Being an entry of this
   * (checked) directory, it lies where this one does. Where the platform has no /proc paths the
   * entry is lstat'ed and its path joined (checked, not pinned). Close the pin when done.
   * @throws raw fs errors other than ENOENT, ENOTDIR and ELOOP.
   */
  async pinChild(name: string): Promise<DirPin | undefined> {
    const path = posix.join(this.path, name);
    const gone = (e: unknown): undefined => {
      const code = (e as NodeJS.ErrnoException | null)?.code;
      if (code === "ENOENT" || code === "ENOTDIR" || code === "ELOOP") return undefined;
      throw e;
    };
    if (this.fd === undefined) {
      const st = await lstat(path).catch(gone);
      return st?.isDirectory() ? new DirPin(path, undefined) : undefined;
    }
    const fd = await openDirFd(this.at(name), true).catch(gone);
    return fd === undefined ? undefined : new DirPin(path, fd);
  }

  /** Closes the directory (errors ignored; closing a directory never waits on the disk). @throws nothing */
  async close(): Promise<void> {
    if (this.fd === undefined) return;
    try {
      closeSync(this.fd);
    } catch {
      // already closed
    }
  }
}
