import { closeSync, fstat, type BigIntStats } from "node:fs";
import { lstat, mkdir, stat, type FileHandle } from "node:fs/promises";
import { posix } from "node:path";
import { ErrorCode, isStorageError, storageError } from "@stowage/core";
import { fsError, isErrno } from "./errors.js";
import { notExist } from "./files.js";
import { statOrUndefined } from "./objects.js";
import { openRegular } from "./open-regular.js";
import { DirPin, fdPathsWork, O_PATH, openDirFd, openFd, pathDescriptorsWork, realPathOf } from "./pinned-dir.js";
import { inside, KeptRealPaths, realish } from "./real-paths.js";
import { escapesWithin, type Within } from "./within.js";
import { refuseOverlongPath } from "./path-limit.js";
import { isReserved, RESERVED_NAMES, STAGING_NAME } from "./reserved-names.js";

function escape(): never {
  throw storageError(ErrorCode.InvalidArgument, "path escapes work_dir");
}

/**
 * Maps keys to files ("/" + key) and confines every access to the work_dir.
 * A path is refused unless it lies below the work_dir both lexically and
 * after resolving the real path of its deepest existing ancestor, so a
 * symlink inside the store that points outside is refused before anything
 * is touched. On Linux the check is repeated where it cannot be raced: on
 * what was really opened ({@link FsPaths.openInside}; what a symlink
 * stat'ed through leads to, {@link FsPaths.statInside}), and on the directory
 * an entry is created, renamed or removed in, which is then held open and
 * addressed through its handle ({@link FsPaths.pinDir}), so a symlink swapped
 * in after the first check changes nothing. Elsewhere (no /proc) that window
 * stays open.
 */
export class FsPaths {
  /** The work_dir as an absolute path without trailing `/` (`/` for the filesystem root). */
  readonly root: string;
  /** The multipart staging directory. */
  readonly staging: string;
  /** Real paths of the work_dir and of confinement directories, kept once they exist ({@link FsPaths.keptRealPath}). */
  private readonly keptReals: KeptRealPaths;

  /** @throws nothing */
  constructor(workDir: string) {
    this.root = posix.resolve("/", workDir);
    this.staging = posix.join(this.root, STAGING_NAME);
    this.keptReals = new KeptRealPaths(this.root);
  }

  /**
   * The absolute path of `key` (a file or dir key), checked to lie inside the work_dir.
   * @throws StorageError `InvalidArgument` (escapes the work_dir, a name the driver reserves for itself (reserved-names.ts `isReserved`), NUL,
   *   a path longer than the system takes (path-limit.ts)),
   *   `PermissionDenied` or `Unexpected` when a real path can't be resolved.
   */
  async resolve(key: string): Promise<string> {
    const path = this.lexical(key);
    if (!(await this.confined(path))) escape();
    return path;
  }

  /**
   * The absolute path of the entry `key` names, where only its directory must really lie inside
   * the work_dir: the entry itself is never followed, so a symlink there (whatever it leads to) is
   * what stat reports, delete removes and createLink replaces.
   * @throws StorageError as {@link FsPaths.resolve}.
   */
  async resolveEntry(key: string): Promise<string> {
    const path = this.lexical(key);
    if (!(await this.confined(path === this.root ? path : posix.dirname(path)))) escape();
    return path;
  }

  /**
   * The absolute path of `key`, checked lexically only (inside the work_dir, no reserved name, no NUL,
   * no longer than the system takes: path-limit.ts).
   * @throws StorageError `InvalidArgument`.
   */
  lexical(key: string): string {
    if (key.includes("\0")) throw storageError(ErrorCode.InvalidArgument, "path must not contain NUL");
    const path = posix.resolve("/", key);
    if (!inside(path, this.root)) escape();
    refuseOverlongPath(path);
    const below = path.slice(this.root === "/" ? 1 : this.root.length + 1);
    const reserved = below === "" ? undefined : below.split("/").find(isReserved);
    if (reserved !== undefined) {
      throw storageError(ErrorCode.InvalidArgument, `"${reserved}" is a name the fs driver reserves for its own files (${RESERVED_NAMES})`);
    }
    return path;
  }

  /**
   * Where the pinned directory `dir` really is, said in the work_dir's terms: its real path with
   * the work_dir's real path swapped for {@link FsPaths.root}. The kernel resolves a relative
   * symlink target from there (not from the path the link was addressed by, which may pass
   * through a symlinked directory), so link targets are made and read relative to it.
   * @throws StorageError `InvalidArgument` (it lies outside the work_dir), mapped fs errors.
   */
  async placeOf(dir: DirPin): Promise<string> {
    const [real, root] = await Promise.all([dir.realPath ?? realish(dir.path), this.realRoot()]);
    if (!inside(real, root)) escape();
    return root === "/" ? posix.join(this.root, real) : this.root + real.slice(root.length);
  }

  /**
   * True when the real path of `path` (as far as it exists) lies inside the work_dir's real path.
   * @throws StorageError mapped fs errors of resolving a real path (`PermissionDenied`; `InvalidArgument` for a symlink loop or NUL; `Unexpected`)
   */
  async confined(path: string): Promise<boolean> {
    const [real, root] = await Promise.all([realish(path), this.realRoot()]);
    return inside(real, root);
  }

  /**
   * Opens directory `dir` (a path inside the work_dir), checks where it really
   * is, and holds it open (without /proc: looks at it and holds its path, checked but not pinned,
   * pinned-dir.ts DirPin); with `create`, missing directories are made first,
   * each inside its own checked parent. With `within` (a copy's or move's `sourceWithin` or
   * `destinationWithin`, within.ts), every directory at or below `within.path` that is opened or made
   * a parent of must also really lie inside `within.real`, checked the same way (on what was opened).
   * `mode`: the permission bits (less the umask) `dir` itself is made with, where it is made (a
   * multipart upload's directory: 0o700); the parents made for it get 0o777 less the umask.
   * Close the pin when done.
   * @throws StorageError `InvalidArgument` (it leads outside the work_dir, or outside `within`),
   *   `ObjectNotExist` (missing, without `create`), `ObjectModeInvalid` (a file in the way), mapped fs errors.
   */
  async pinDir(dir: string, create = false, within?: Within, mode?: number): Promise<DirPin> {
    if (!inside(dir, this.root)) escape();
    let fd: number | undefined;
    try {
      fd = await holdDir(dir);
    } catch (e) {
      if (!create || !isErrno(e, "ENOENT")) throw isErrno(e, "ENOTDIR") ? await this.notMade(dir, e) : dirError(e);
      await this.makeDir(dir, within, mode);
      fd = await holdDir(dir).catch(async (err: unknown) => Promise.reject(await this.notMade(dir, err)));
    }
    const pin = new DirPin(dir, fd);
    try {
      // Where it really is: as its handle says; without /proc, as its path resolves now (it exists: exactly).
      const [real, root] = await Promise.all([pin.realPath ?? realish(dir), this.realRoot()]);
      if (!inside(real, root)) escape();
      if (within !== undefined && inside(dir, within.path) && !inside(real, within.real)) escapesWithin(within);
    } catch (e) {
      await pin.close();
      throw e;
    }
    return pin;
  }

  /**
   * {@link FsPaths.pinDir} of an existing directory, or undefined when it is missing or a file
   * is in its way (nothing there to list, stat or remove).
   * @throws StorageError `InvalidArgument` (it leads outside the work_dir), mapped fs errors.
   */
  async pinExisting(dir: string): Promise<DirPin | undefined> {
    try {
      return await this.pinDir(dir);
    } catch (e) {
      if (isStorageError(e, ErrorCode.ObjectNotExist) || isStorageError(e, ErrorCode.ObjectModeInvalid)) return undefined;
      throw e;
    }
  }

  /**
   * Opens the existing regular file `path` (symlinks followed) with `flags`, checked to lie inside
   * the work_dir before it is opened: on Linux it is looked at through an `O_PATH` descriptor first
   * (open-regular.ts), so a fifo, socket or device is refused without being opened.
   * @throws StorageError `ObjectNotExist`, `ObjectModeInvalid` (not a regular file), `InvalidArgument` (it lies outside), mapped fs errors.
   */
  async openInside(path: string, flags: number): Promise<FileHandle> {
    return (await this.openFileInside(path, flags)).handle;
  }

  /**
   * {@link FsPaths.openInside}, resolving with the file's stats as it was looked at too (the inode
   * opened), so the caller need not fstat it again.
   * @throws StorageError as {@link FsPaths.openInside}.
   */
  async openFileInside(path: string, flags: number): Promise<{ handle: FileHandle; st: BigIntStats }> {
    try {
      return await openRegular(path, flags, false, (fd) => this.checkOpenedFd(fd));
    } catch (e) {
      if (isErrno(e, "ENOENT", "ENOTDIR")) throw notExist();
      throw fsError(e);
    }
  }

  /**
   * Pins the directory the open file `handle` (opened from `path`, checked to lie inside) really
   * lies in, and names the file there (a file reached through a symlink lies where the link
   * leads): on Linux as its handle says now, elsewhere as `path` resolves now (its real path).
   * Every reader looks for an append's lock there too (committed.ts lockDirOf).
   * @throws StorageError `InvalidArgument` (it lies outside the work_dir), `ObjectNotExist`, mapped fs errors.
   */
  async pinPlaceOf(handle: FileHandle, path: string): Promise<{ dir: DirPin; name: string }> {
    const [real, root] = await Promise.all([fdPathsWork() ? realPathOf(handle.fd) : realish(path), this.realRoot()]);
    if (!inside(real, root)) escape();
    const place = root === "/" ? posix.join(this.root, real) : this.root + real.slice(root.length);
    return { dir: await this.pinDir(posix.dirname(place)), name: posix.basename(place) };
  }

  /**
   * The stats of `path` (a symlink followed), or undefined when nothing is there (a dangling
   * symlink included). An entry that is not a symlink is looked up in its pinned parent directory.
   * A symlink there is followed by opening what it leads to (Linux: an `O_PATH` descriptor, which
   * opens nothing for reading, not even a fifo or device), whose real path is checked to lie inside
   * the work_dir before the stats are taken from that descriptor: what is reported is what was
   * checked, however the link is swapped meanwhile. Where descriptors have no paths (no /proc),
   * `path` is stat'ed by path, following links: the work_dir's checks are then the ones made by path
   * before (README, Races).
   * @throws StorageError `InvalidArgument` (it leads outside the work_dir; a loop of symlinks), mapped fs errors.
   */
  async statInside(path: string): Promise<BigIntStats | undefined> {
    if (path === this.root || !fdPathsWork()) return statOrUndefined(path);
    const dir = await this.pinExisting(posix.dirname(path));
    if (dir === undefined) return undefined;
    try {
      const entry = dir.at(posix.basename(path));
      const st = await lstat(entry, { bigint: true }).catch((e: unknown) => (isErrno(e, "ENOENT", "ENOTDIR") ? undefined : Promise.reject(fsError(e))));
      if (st === undefined || !st.isSymbolicLink()) return st;
      return await this.statFollowed(entry);
    } finally {
      await dir.close();
    }
  }

  /**
   * The stats of what the symlink `entry` leads to now, or undefined when nothing is there. On
   * Linux it is opened with `O_PATH` (followed once, by the kernel), the real path of that
   * descriptor checked to lie inside the work_dir ({@link FsPaths.checkOpenedFd}), then fstat'ed.
   * Where descriptors have paths but are not `O_PATH` ones (not Linux: no {@link pathDescriptorsWork}),
   * its real path is checked, then it is stat'ed by path (a target swapped in between is not caught).
   * @throws StorageError `InvalidArgument` (it lies outside the work_dir; a loop of symlinks), mapped fs errors.
   */
  private async statFollowed(entry: string): Promise<BigIntStats | undefined> {
    if (!pathDescriptorsWork()) {
      if (!(await this.confined(entry))) escape();
      return statOrUndefined(entry);
    }
    let fd: number;
    try {
      fd = await openFd(entry, O_PATH);
    } catch (e) {
      if (isErrno(e, "ENOENT", "ENOTDIR")) return undefined;
      throw fsError(e);
    }
    try {
      await this.checkOpenedFd(fd);
      return await fstatOf(fd).catch((e: unknown) => Promise.reject(fsError(e)));
    } finally {
      closeSync(fd);
    }
  }

  /**
   * Checks that what `handle` has open lies inside the work_dir (Linux; elsewhere a no-op).
   * @throws StorageError `InvalidArgument` when it does not.
   */
  async checkOpened(handle: FileHandle): Promise<void> {
    if (fdPathsWork()) await this.checkOpenedFd(handle.fd);
  }

  /**
   * Checks that what descriptor `fd` has open lies inside the work_dir (Linux; elsewhere a no-op).
   * @throws StorageError `InvalidArgument` when it does not.
   */
  async checkOpenedFd(fd: number): Promise<void> {
    if (!fdPathsWork()) return;
    const root = await this.realRoot();
    if (!inside(realPathOf(fd), root)) escape();
  }

  /**
   * Why directory `dir` failed to open with `e` (ENOTDIR; or ENOENT once made, or found made, in
   * its pinned parent): an entry there that is a symbolic link leading to no directory (dangling,
   * or to a file: mkdir answered EEXIST, and it is left as it is) is named as such; anything else
   * as {@link dirError} says.
   * @throws nothing.
   */
  private async notMade(dir: string, e: unknown): Promise<Error> {
    if (!isErrno(e, "ENOENT", "ENOTDIR") || !(await lstat(dir).then((st) => st.isSymbolicLink(), () => false))) return dirError(e);
    const below = dir.slice(this.root === "/" ? 1 : this.root.length + 1);
    return storageError(ErrorCode.ObjectModeInvalid, `a symbolic link that leads to no directory (dangling, or to a file) is in the way of the directory "${below}/": nothing was made through it`, { cause: e });
  }

  /** Makes directory `dir` (with `mode`, less the umask: 0o777 by default) inside its pinned parent (the work_dir itself with all its parents), checked against `within` too. */
  private async makeDir(dir: string, within?: Within, mode?: number): Promise<void> {
    if (dir === this.root) return makeDirsUnpinned(dir);
    const parent = await this.pinDir(posix.dirname(dir), true, within);
    try {
      await mkdir(parent.at(posix.basename(dir)), mode);
    } catch (e) {
      if (!isErrno(e, "EEXIST")) throw dirError(e);
    } finally {
      await parent.close();
    }
  }

  /** The storage key of an absolute path inside the work_dir (`dir` adds the trailing `/`). @throws nothing */
  keyOf(path: string, dir = false): string {
    const key = path.slice(1);
    return dir && key !== "" ? key + "/" : key;
  }

  private realRoot(): Promise<string> {
    return this.keptRealPath(this.root);
  }

  /**
   * The real path of directory `path` (the work_dir, or one inside it), looked up once it exists
   * and kept for the life of this storager (real-paths.ts KeptRealPaths): a directory renamed
   * away and replaced by a link later moves neither the work_dir nor what a copy's or move's
   * `sourceWithin` / `destinationWithin` confines to (confinement.ts).
   * What does not exist yet is taken as far as it exists (real-paths.ts realish).
   * @throws StorageError mapped fs errors (no permission, a loop).
   */
  keptRealPath(path: string): Promise<string> {
    return this.keptReals.of(path);
  }
}

/** A failure to open or make a directory, as a StorageError. */
function dirError(e: unknown): Error {
  if (isErrno(e, "ENOENT")) return notExist();
  if (isErrno(e, "ENOTDIR", "EEXIST")) return storageError(ErrorCode.ObjectModeInvalid, "a file is in the way of the directory", { cause: e });
  return fsError(e);
}

/**
 * Holds directory `dir` (symlinks followed) for {@link FsPaths.pinDir}: opened, resolving with its
 * descriptor, where the platform has /proc paths (pinned-dir.ts fdPathsWork); elsewhere looked at
 * (stat), resolving with no descriptor, so a missing directory or a file in its place fails as
 * opening it would: the pin is then its path, checked but not held.
 * @throws raw fs errors (ENOENT; ENOTDIR: not a directory, or a file in the way; EACCES, ELOOP).
 */
async function holdDir(dir: string): Promise<number | undefined> {
  if (fdPathsWork()) return openDirFd(dir);
  if (!(await stat(dir)).isDirectory()) throw Object.assign(new Error(`ENOTDIR: not a directory, stat '${dir}'`), { code: "ENOTDIR", syscall: "stat", path: dir });
  return undefined;
}

/** fstat of descriptor `fd` (an `O_PATH` one too), as bigint stats. @throws raw fs errors. */
function fstatOf(fd: number): Promise<BigIntStats> {
  return new Promise((resolve, reject) => fstat(fd, { bigint: true }, (error, st) => (error ? reject(error) : resolve(st))));
}

/** `mkdir -p dir`, following the path as it is: the work_dir itself, with its missing parents. */
async function makeDirsUnpinned(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true }).catch((e: unknown) => Promise.reject(dirError(e)));
}
