import { constants, type BigIntStats } from "node:fs";
import { lstat, open, rename, unlink, type FileHandle } from "node:fs/promises";
import { posix } from "node:path";
import { ErrorCode, isStorageError, storageError, throwIfAborted } from "@stowage/core";
import { whenDescriptorsFree } from "./descriptor-wait.js";
import { fsError, isErrno } from "./errors.js";
import { lstatRegular } from "./files.js";
import { occupied, placeNew } from "./if-not-exists.js";
import { attributesToKeep, giveAttributes } from "./kept-attributes.js";
import { openRegular } from "./open-regular.js";
import type { FsPaths } from "./paths.js";
import { tempName } from "./reserved-names.js";
import { inRemadeDir } from "./remade-dir.js";
import { unplace } from "./source-name.js";
import type { DirPin } from "./pinned-dir.js";
import type { Within } from "./within.js";
import { stampNewFile, stampWriteTime } from "./write-time.js";

/**
 * Flushes `path` (a file, or a directory's entries) to stable storage with
 * fsync. A directory the platform cannot fsync (EINVAL, EISDIR) is left as is.
 * @throws the fs error of open or fsync (callers map it).
 */
export async function syncPath(path: string): Promise<void> {
  const handle = await whenDescriptorsFree(() => open(path, "r"));
  try {
    await handle.sync();
  } catch (e) {
    if (!isErrno(e, "EINVAL", "EISDIR")) throw e;
  } finally {
    await handle.close().catch(() => undefined);
  }
}

/**
 * Flushes the entries of the pinned directory `dir` to stable storage (fsync, as {@link syncPath}),
 * after `entry` (a name in it) was placed or renamed there. A directory this process may enter but
 * not read (pinned-dir.ts openDirFd) cannot be opened, so not fsynced: the regular file at `entry`
 * is fsynced instead, once more, which on ext4, xfs and btrfs commits its rename (or link) with it
 * (POSIX does not promise it); without `entry` (a name removed), or where that file cannot be
 * opened either, nothing more is done (README: the fsync pair).
 * @throws StorageError mapped fs errors (other than the EACCES of such a directory).
 */
export async function syncDir(dir: DirPin, entry?: string): Promise<void> {
  try {
    await syncPath(dir.self);
  } catch (e) {
    if (!isErrno(e, "EACCES")) throw fsError(e);
    if (entry !== undefined) await syncPlaced(dir.at(entry));
  }
}

/** fsync of the regular file at `path` (never opening anything else), read-only or else write-only; left as is where it cannot be opened. */
async function syncPlaced(path: string): Promise<void> {
  for (const flags of [constants.O_RDONLY, constants.O_WRONLY]) {
    let handle: FileHandle;
    try {
      handle = (await openRegular(path, flags, true, async () => undefined)).handle;
    } catch (e) {
      if (isErrno(e, "EACCES")) continue;
      if (isErrno(e, "ENOENT", "ELOOP") || isStorageError(e, ErrorCode.ObjectModeInvalid)) return;
      throw fsError(e);
    }
    try {
      await handle.sync();
      return;
    } catch (e) {
      throw fsError(e);
    } finally {
      await handle.close().catch(() => undefined);
    }
  }
}

/**
 * What a replace puts under its temp name. Either a regular file: {@link replaceIn} makes it
 * (`O_EXCL`), `fill` writes the contents through the handle it is given (open for writing, at
 * its start; replaceIn closes it), and replaceIn gives it its mode and owner through that handle;
 * or (`make`) an entry that is no regular file, which `make` makes at the path it is given (a
 * symbolic link, links.ts): the temp path, or with `exclusive` the entry's own ({@link makeNew}).
 */
export type Produce = FillTemp | { make: (temp: string, dir: DirPin) => Promise<void> };

/** A regular file a replace makes and fills ({@link Produce}). */
export interface FillTemp {
  /** Writes the new file's contents through `file`. Runs after the file is made: a body is read only then. */
  fill: (file: FileHandle, dir: DirPin) => Promise<void>;
  /** The new file's permission bits where it keeps none (nothing replaced, or `keep` false): 0o666 unless given (a copy: the source's), less the umask unless `exact`. */
  mode?: number;
  /** Whether a regular file replaced passes its permission bits and owner on (default true); false for the driver's own files (a multipart upload's, `mode` 0o600). */
  keep?: boolean;
  /** `mode` exactly, the umask not applied, and nothing kept (a move across filesystems: the moved file's own bits, as mv(1)). */
  exact?: boolean;
}

/** Permission bits of a temp file while it is written over a file it replaces, or to be given `mode` exactly: this process's user only. */
const WHILE_WRITTEN = 0o600;

/**
 * Replaces `target` atomically: `produce` fills a hidden temp file in the same
 * directory (given pinned, as `dir`), which is then renamed over `target`. Readers see the old file or
 * the new one, never a part. If `produce` fails or `signal` aborts, the temp
 * file is removed and `target` is untouched. Parent directories are created (`dirMode`: the
 * permission bits, less the umask, of `target`'s directory where it is made; others get 0o777 less the umask).
 * The directory is pinned (FsPaths.pinDir): the temp file is created, and
 * renamed, in the very directory whose real path was checked. With `durable`,
 * the temp file is fsynced before the rename and the directory after it, so a
 * completed call survives a crash or power loss (a symlink made as the temp file has
 * no data of its own to fsync: its directory's fsync keeps it). Before that the new entry gets a
 * modification time of its own (write-time.ts), so its ETag names this version. Resolves with the new entry's stats.
 * With `exclusive` (a conditional write, `ifNotExists`) nothing is replaced: the temp file is
 * hard-linked in as `target` only where no entry of any kind is there (if-not-exists.ts placeNew),
 * else `Conflict` and the temp file is removed (an entry `make` makes is made at `target` itself,
 * {@link makeNew}). With `within` (a copy's `destinationWithin`) the
 * directory, and each one made for it, must really lie inside it too (FsPaths.pinDir). A directory
 * removed meanwhile (another call's `deleteDir` of it, empty) is made again and the write done
 * there, up to 4 times (remade-dir.ts): the file is stored, as on the cloud services; a directory
 * removed each time fails the call `Conflict`, retryable. Replacing a
 * regular file, the new one is made 0600 and, once written, given the old file's permission bits
 * and owner through its descriptor (kept-attributes.ts), as cp(1) onto an existing file keeps them,
 * unless {@link FillTemp.keep} or {@link FillTemp.exact} say otherwise.
 * @throws StorageError `ObjectModeInvalid` (target is a directory or a parent a file), `InvalidArgument`
 *   (the directory leads outside the work_dir or `within`), `Conflict` and `CapabilityInsufficient` (`exclusive`,
 *   see placeNew; `Conflict`, retryable: the directory removed each time it was made), `Aborted`,
 *   whatever `produce` throws, or the mapped fs error.
 */
export async function replaceAtomically(
  paths: FsPaths,
  target: string,
  produce: Produce,
  signal?: AbortSignal,
  durable = false,
  exclusive = false,
  within?: Within,
  dirMode?: number,
): Promise<BigIntStats> {
  throwIfAborted(signal);
  // Removed before the temp file was made in it (only an empty directory can be): the temp file is
  // made before a byte of a body is read, so it is all done again (a fetch asks its URL again).
  return inRemadeDir(paths, posix.dirname(target), (dir) => replaceIn(dir, posix.basename(target), produce, signal, durable, exclusive), { within, mode: dirMode });
}

/**
 * {@link replaceAtomically} of the entry `name` of the directory `dir`, already pinned by the
 * caller (which closes it): nothing is created but the temp file and, by the rename, the entry.
 * A directory removed meanwhile (its pin then names a directory without a name) takes no new
 * entries: the call fails `ObjectNotExist` and leaves nothing. A regular file replaced passes its
 * permission bits and owner on to the new one ({@link fillTemp}).
 * @throws StorageError as {@link replaceAtomically}.
 */
export async function replaceIn(dir: DirPin, name: string, produce: Produce, signal?: AbortSignal, durable = false, exclusive = false): Promise<BigIntStats> {
  throwIfAborted(signal);
  if (exclusive && "make" in produce) return makeNew(dir, name, produce.make, durable);
  const temp = dir.at(tempName());
  let st: BigIntStats;
  try {
    if ("make" in produce) {
      await produce.make(temp, dir);
      throwIfAborted(signal);
      // A modification time of its own (write-time.ts): with its inode, the ETag tells this version from any other.
      await stampWriteTime(temp);
      // No data of its own to fsync (a symlink): the directory's fsync keeps it.
      st = await lstat(temp, { bigint: true });
    } else {
      st = await fillTemp(temp, dir, name, produce, signal, durable, exclusive);
    }
    if (exclusive) await placeNew(temp, dir.at(name));
    else await rename(temp, dir.at(name));
  } catch (e) {
    await unlink(temp).catch(() => undefined);
    if (isStorageError(e)) throw e;
    if (isErrno(e, "EISDIR", "ENOTEMPTY", "EEXIST")) throw storageError(ErrorCode.ObjectModeInvalid, "a directory exists at this path", { cause: e });
    throw fsError(e);
  }
  if (durable) await syncDir(dir, name);
  return st;
}

/**
 * {@link replaceIn} with `exclusive` of an entry that is no regular file (a symbolic link): `make`
 * makes it at `name` itself, which fails with EEXIST where any entry is there (symlink(2), as
 * link(2) would), so nothing is replaced. Never made under a temp name and hard-linked in: link(2)
 * follows a symbolic link on macOS and the BSDs, which would place a hard link of what the link
 * leads to. Then it gets its own modification time (write-time.ts); where that fails, it is taken
 * away again.
 * @throws StorageError `Conflict` (statusCode 409: an entry is at `name`), what `make` throws, mapped fs errors.
 */
async function makeNew(dir: DirPin, name: string, make: (path: string, dir: DirPin) => Promise<void>, durable: boolean): Promise<BigIntStats> {
  const entry = dir.at(name);
  let made: BigIntStats;
  try {
    await make(entry, dir);
    made = await lstat(entry, { bigint: true });
  } catch (e) {
    if (isStorageError(e)) throw e;
    throw isErrno(e, "EEXIST") ? occupied(e) : fsError(e);
  }
  try {
    await stampWriteTime(entry);
  } catch (e) {
    await unplace(entry, made);
    throw fsError(e);
  }
  const st = await lstat(entry, { bigint: true }).catch((e: unknown) => Promise.reject(fsError(e)));
  if (durable) await syncDir(dir, name);
  return st;
}

/**
 * Makes the regular file `temp` in `dir` and fills it (`spec.fill`), to be put in place as the
 * entry `name`; resolves with its stats as it will be placed. It is made 0600 where a regular file
 * is at `name` (unless `spec.keep` is false) or `spec.exact` is set, so the bytes that are to
 * replace a file are open to no one that file was closed to while they are written; else with
 * `spec.mode` (0o666), less the umask. Once written, through the same descriptor and never by a
 * name: stamped with its own modification time (write-time.ts), given the bits and owner of the
 * regular file at `name` by then (kept-attributes.ts) or `spec.mode` exactly, and fsynced
 * (`durable`). A file at `name` when the write began and gone when it ended leaves the new one
 * 0600. With `exclusive` nothing is replaced, so nothing is kept.
 * @throws StorageError `Aborted`, what `spec.fill` throws; raw fs errors (the caller maps them).
 */
async function fillTemp(temp: string, dir: DirPin, name: string, spec: FillTemp, signal: AbortSignal | undefined, durable: boolean, exclusive: boolean): Promise<BigIntStats> {
  const mode = spec.mode ?? 0o666;
  const keep = spec.keep !== false && spec.exact !== true && !exclusive;
  const replacing = keep && (await lstatRegular(dir.at(name))) !== undefined;
  const file = await whenDescriptorsFree(() => open(temp, "wx", spec.exact === true || replacing ? WHILE_WRITTEN : mode));
  let done = false;
  try {
    await spec.fill(file, dir);
    throwIfAborted(signal);
    await stampNewFile(file);
    // An overwrite keeps the file's permission bits and owner: those of the file at `name` as the new one goes in.
    const kept = keep ? await attributesToKeep(dir.at(name)) : undefined;
    if (kept !== undefined) await giveAttributes(file, kept);
    else if (spec.exact === true && ((await file.stat()).mode & 0o7777) !== mode) await file.chmod(mode);
    // The new entry's stats (its ETag): neither fsync nor the rename (nor a link) changes its size, mtime or inode.
    const st = await file.stat({ bigint: true });
    if (durable) await file.sync();
    done = true;
    return st;
  } finally {
    // A close that fails (NFS may report a failed write only there) fails the write; after another failure it is ignored.
    if (done) await file.close();
    else await file.close().catch(() => undefined);
  }
}
