import type { BigIntStats } from "node:fs";
import { lstat, readlink, symlink, unlink } from "node:fs/promises";
import { posix } from "node:path";
import { ErrorCode, isStorageError, storageError, type RawObject } from "@stowage/core";
import { replaceAtomically, syncDir } from "./atomic.js";
import { fsError, isErrno } from "./errors.js";
import { occupied } from "./if-not-exists.js";
import { linkObject } from "./objects.js";
import type { FsPaths } from "./paths.js";
import type { DirPin } from "./pinned-dir.js";

/** An entry as it is (lstat: a symlink not followed); for a symlink, the absolute path it leads to. */
export interface FoundEntry {
  st: BigIntStats;
  /** Set for a symlink: its target resolved against the link's directory (in the work_dir's terms, {@link FsPaths.placeOf}). */
  linkTarget?: string;
}

/**
 * Makes `path` a symbolic link to `target` (both absolute, inside the work_dir), atomically: a
 * symlink made under a hidden temp name in the link's pinned directory is renamed over `path`, so
 * a link or file there is replaced and a directory there is left alone (`ObjectModeInvalid`).
 * Missing parent directories are created. The link stores the target relative to its own
 * directory, so a work_dir moved as a whole keeps its links. Resolves with the link's stats. With
 * `exclusive` (`ifNotExists`) the symlink is hard-linked in instead, only where no entry of any kind
 * is at `path` (if-not-exists.ts placeNew).
 * @throws StorageError `ObjectModeInvalid` (a directory at `path`, a file in the way of a parent),
 *   `InvalidArgument` (the directory leads outside the work_dir), `Conflict` and `CapabilityInsufficient`
 *   (`exclusive`), `Aborted`, mapped fs errors.
 */
export async function makeLink(paths: FsPaths, path: string, target: string, signal?: AbortSignal, durable = false, exclusive = false): Promise<BigIntStats> {
  return replaceAtomically(
    paths,
    path,
    {
      make: async (temp, dir) => {
        const relative = posix.relative(await paths.placeOf(dir), target);
        await symlink(relative === "" ? "." : relative, temp);
      },
    },
    signal,
    durable,
    exclusive,
  );
}

/**
 * Makes `key` a symlink to `targetKey` ({@link makeLink}) and returns the link. The link's
 * directory must lie inside the work_dir, and so must the target as far as it exists.
 * @throws StorageError `InvalidArgument` (empty or dir keys, a link to itself, a reserved name, a path leading
 *   outside the work_dir), `ObjectModeInvalid` (a directory at `key`, a file in the way of a parent), `Aborted`, mapped fs errors.
 */
export async function createLinkInside(paths: FsPaths, key: string, targetKey: string, signal?: AbortSignal, durable = false): Promise<RawObject> {
  if (key === "" || key.endsWith("/") || targetKey === "" || targetKey.endsWith("/")) {
    throw storageError(ErrorCode.InvalidArgument, "a link and its target are objects, not directories");
  }
  const path = await paths.resolveEntry(key);
  const target = await paths.resolve(targetKey).catch((e: unknown) => Promise.reject(asTargetRefusal(e, targetKey)));
  if (path === target) throw storageError(ErrorCode.InvalidArgument, "a link cannot point to itself");
  if (path === paths.root) throw storageError(ErrorCode.ObjectModeInvalid, "a directory exists at this path");
  return linkObject(key, target, await makeLink(paths, path, target, signal, durable));
}

/**
 * The entry at `path` as it is, looked up in its pinned directory (a symlink swapped into the
 * path's directories after the first check leads nowhere outside); undefined when nothing is there.
 * @throws StorageError `InvalidArgument` (the directory leads outside the work_dir), mapped fs errors.
 */
export async function entryAt(paths: FsPaths, path: string): Promise<FoundEntry | undefined> {
  const dir = await paths.pinExisting(posix.dirname(path));
  if (dir === undefined) return undefined;
  try {
    return await entryIn(paths, dir, posix.basename(path));
  } finally {
    await dir.close();
  }
}

/**
 * Entry `name` of the pinned directory `dir`, as it is; a symlink's target is read (never
 * followed) and resolved against `base`, the directory's {@link FsPaths.placeOf} (looked up when
 * not given). Undefined when the entry is missing, or stopped being a symlink between the two looks.
 * @throws StorageError `InvalidArgument` (the directory lies outside the work_dir), mapped fs errors.
 */
export async function entryIn(paths: FsPaths, dir: DirPin, name: string, base?: string): Promise<FoundEntry | undefined> {
  const at = dir.at(name);
  let st: BigIntStats;
  let text: string;
  try {
    st = await lstat(at, { bigint: true });
    if (!st.isSymbolicLink()) return { st };
    text = await readlink(at);
  } catch (e) {
    if (isErrno(e, "ENOENT", "ENOTDIR", "EINVAL")) return undefined;
    throw fsError(e);
  }
  return { st, linkTarget: posix.resolve(base ?? (await paths.placeOf(dir)), text) };
}

/**
 * The symlink at entry `path` and the path it leads to, when that lies lexically inside the work_dir
 * and is not one of the driver's own names; undefined for anything else (a file, nothing, or a
 * link leading elsewhere, which a move treats as before: through what it leads to).
 * @throws StorageError `InvalidArgument` (the directory leads outside the work_dir), mapped fs errors.
 */
export async function inwardLinkAt(paths: FsPaths, path: string): Promise<string | undefined> {
  if (path === paths.root) return undefined;
  const target = (await entryAt(paths, path))?.linkTarget;
  if (target === undefined) return undefined;
  try {
    return paths.lexical(target.slice(1)) === target ? target : undefined;
  } catch (e) {
    if (isStorageError(e, ErrorCode.InvalidArgument)) return undefined;
    throw e;
  }
}

/** True when `a` and `b` are one directory entry reached by two names (a linked directory on the way): lstat of both. */
async function sameEntry(a: string, b: string): Promise<boolean> {
  const [x, y] = await Promise.all([lstat(a, { bigint: true }).catch(() => undefined), lstat(b, { bigint: true }).catch(() => undefined)]);
  return x !== undefined && y !== undefined && x.dev === y.dev && x.ino === y.ino;
}

/**
 * True when the entry `entry` (not followed) is the file `target` leads to: one file reached by
 * another name (through a linked directory). The target is looked up inside the work_dir only.
 */
async function sameFile(paths: FsPaths, entry: string, target: string): Promise<boolean> {
  const x = await lstat(entry, { bigint: true }).catch(() => undefined);
  if (x === undefined) return false;
  const y = await paths.statInside(target).catch(() => undefined);
  return y !== undefined && x.dev === y.dev && x.ino === y.ino;
}

/**
 * Moves the link at `src` (leading to `target`) to `dst`: a link to the same target is made at
 * `dst` (its relative target worked out anew), then the one at `src` is removed. With `durable`,
 * both directories are fsynced. With `exclusive` (`ifNotExists`) the new link is put in only where
 * no entry of any kind is at `dst` ({@link makeLink}); else `Conflict` and the link at `src` stays.
 * @throws StorageError `InvalidArgument` (`dst` is the link's own target, or leads outside), `ObjectModeInvalid`
 *   (a directory at `dst`), `Conflict` and `CapabilityInsufficient` (`exclusive`), `Aborted`, mapped fs errors.
 */
export async function moveLink(paths: FsPaths, src: string, target: string, dst: string, signal?: AbortSignal, durable = false, exclusive = false): Promise<void> {
  if (src === dst || (await sameEntry(src, dst))) {
    // The link is already there: that is an entry at `dst`.
    if (exclusive) throw occupied();
    return;
  }
  if (dst === target || (await sameFile(paths, dst, target))) throw storageError(ErrorCode.InvalidArgument, "a link cannot be moved onto its own target");
  await makeLink(paths, dst, target, signal, durable, exclusive);
  const dir = await paths.pinExisting(posix.dirname(src));
  if (dir === undefined) return;
  try {
    // Only the link moved: whatever took its name meanwhile stays.
    const still = await entryIn(paths, dir, posix.basename(src));
    if (still?.linkTarget !== target) return;
    await unlink(dir.at(posix.basename(src))).catch((e: unknown) => (isErrno(e, "ENOENT") ? undefined : Promise.reject(fsError(e))));
    if (durable) await syncDir(dir);
  } finally {
    await dir.close();
  }
}

/** A refusal of a link's target path, saying so and naming it (by its length, when long): `error.path` stays the link. @throws nothing */
function asTargetRefusal(e: unknown, targetKey: string): unknown {
  if (!isStorageError(e, ErrorCode.InvalidArgument)) return e;
  // A key is the path from the filesystem's root: named as core names a target, by its absolute path.
  const absolute = posix.resolve("/", targetKey);
  const named = absolute.length > 200 ? `(${absolute.length} characters)` : JSON.stringify(absolute);
  return storageError(e.code, `link target ${named}: ${e.detail}`, { cause: e.cause });
}
