import { lstat } from "node:fs/promises";
import { posix } from "node:path";
import { compareKeys, ErrorCode, isStorageError, type DriverListPage, type DriverListRequest, type RawObject } from "@stowage/core";
import { committedStats } from "./committed-view.js";
import { fsError, isErrno } from "./errors.js";
import { cursorToken, newCursorId, parseToken, type ListCursor, type ListCursors } from "./list-cursors.js";
import { level, pathOf, walk, type Entry, type LeftOut } from "./list-walk.js";
import { entryIn } from "./links.js";
import { dirObject, fileObject, linkObject } from "./objects.js";
import type { FsPaths } from "./paths.js";
import { lockName } from "./reserved-names.js";
import { reportUnlisted } from "./unlisted.js";
import type { DirPin } from "./pinned-dir.js";
import { refuseFileWorkDir } from "./work-dir.js";

/** Stats fetched at once when filling a page. */
const STAT_BATCH = 64;

/**
 * One page of a listing. With delimiter `/`: the files and sub-directories
 * directly in the prefix's directory whose names start with the rest of the
 * prefix. Without: every file below, depth first in key order (a raw string
 * prefix; directories are not items). Items are sorted by key; the token is
 * the last key returned, and the id of the listing's walk kept in `cursors`
 * (list-cursors.ts) for the next page, which goes on with it: each directory is read
 * and sorted once per listing. A token whose walk is gone (dropped, or of another
 * process) starts one from its key, reading the directories that hold it again (core hands back only
 * tokens this driver produced for the same prefix and mode, listing/list-token.ts). Symlinks are `link` items in both modes, never
 * followed. The driver's own entries (reserved names, paths.ts isReserved) are never shown; others
 * under a reserved name are left out too, and reported (unlisted.ts): once per directory per
 * listing (see {@link reportLeftOut}). A missing directory lists as empty; a work_dir that is no
 * directory fails (work-dir.ts); a directory that cannot be read fails the listing, named (list-walk.ts).
 * @throws StorageError `InvalidArgument` (prefix outside the work_dir; a directory deeper than
 *   PATH_MAX), `ObjectModeInvalid` (the work_dir is a file), `PermissionDenied` (a directory that
 *   cannot be read), or mapped fs errors.
 */
export async function listFiles(paths: FsPaths, request: DriverListRequest, cursors: ListCursors): Promise<DriverListPage> {
  const limit = Math.max(1, request.limit);
  const delimiter = request.delimiter;
  const given = request.token ? parseToken(request.token) : undefined;
  let cursor = given?.id === undefined ? undefined : cursors.take(given.id, request.prefix, delimiter, given.after);
  if (cursor === undefined) cursor = await startWalk(paths, request, given?.after);
  cursor.page++;
  const picked: Entry[] = [];
  let more = false;
  for (;;) {
    const entry = cursor.pending ?? (await nextOf(cursor.source));
    cursor.pending = undefined;
    if (entry === undefined) break;
    if (picked.length === limit) {
      cursor.pending = entry;
      more = true;
      break;
    }
    picked.push(entry);
  }
  const last = more && picked.length > 0 ? picked[picked.length - 1]!.key : undefined;
  // The walk adds to this very array: what is left for later pages is kept in it.
  const later = reportLeftOut(cursor.leftOut, request, given?.after, last);
  cursor.leftOut.splice(0, cursor.leftOut.length, ...later);
  const items: RawObject[] = [];
  for (const item of await describeAll(paths, picked, cursor.page)) if (item !== undefined) items.push(item);
  if (last === undefined) {
    if (items.length === 0) await refuseFileWorkDir(paths);
    return { items };
  }
  cursor.last = last;
  cursors.keep(cursor);
  return { items, nextToken: cursorToken(last, cursor.id) };
}

/** A new walk of the listing `request` asks for, after the key `after` (a token's, or `startAfter`). */
async function startWalk(paths: FsPaths, request: DriverListRequest, after: string | undefined): Promise<ListCursor> {
  const slash = request.prefix.lastIndexOf("/");
  const baseKey = request.prefix.slice(0, slash + 1);
  const namePrefix = request.prefix.slice(slash + 1);
  const basePath = await paths.resolve(baseKey);
  // Tokens are keys: `startAfter` places a first page the same way.
  const token = after ?? (request.startAfter || undefined);
  const leftOut: LeftOut[] = [];
  // A generator runs nothing before its first `next`: `cursor` is set by then.
  let cursor: ListCursor | undefined;
  const page = (): number => cursor?.page ?? 0;
  const source = (request.delimiter === undefined ? walk : level)(paths, baseKey, basePath, namePrefix, token, leftOut, page);
  cursor = { id: newCursorId(), prefix: request.prefix, delimiter: request.delimiter, source, pending: undefined, leftOut, last: "", page: 0, keptAt: 0 };
  return cursor;
}

/** The walk's next entry, undefined at its end. */
async function nextOf(source: AsyncGenerator<Entry>): Promise<Entry | undefined> {
  const next = await source.next();
  return next.done === true ? undefined : next.value;
}

/**
 * Reports (unlisted.ts) what the directories read for this page left out, each directory once per
 * listing: a directory is reported by the page that reaches it, that is, whose range of keys (after
 * `after`, the request's token, up to `last`, the page's last key, or to the end on the last page)
 * holds the directory's key. A page walked afresh from its token reads again the directories that
 * hold it: the pages before reported those (at or before the token). A directory read only to see
 * whether more keys follow (after `last`) is the next page's: returned, to be kept with the
 * listing's walk. On a first page with `startAfter`, the names at or before it are not the
 * listing's and are not named.
 * @throws nothing.
 */
function reportLeftOut(leftOut: readonly LeftOut[], request: DriverListRequest, after: string | undefined, last: string | undefined): LeftOut[] {
  const startAfter = after === undefined && request.startAfter ? Buffer.from(request.startAfter, "utf8") : undefined;
  const later: LeftOut[] = [];
  for (const dir of leftOut) {
    if (after !== undefined && compareKeys(dir.dirKey, after) < 0) continue;
    if (last !== undefined && compareKeys(dir.dirKey, last) >= 0) {
      later.push(dir);
      continue;
    }
    const keyBytes = Buffer.from(dir.dirKey, "utf8");
    const inRange = (raw: Buffer): boolean => startAfter === undefined || Buffer.compare(Buffer.concat([keyBytes, raw]), startAfter) > 0;
    reportUnlisted(dir.dirPath, dir.unaddressable.filter(inRange), dir.reserved.filter(inRange));
  }
  return later;
}

/**
 * The objects for `entries` (undefined for one that vanished meanwhile), {@link STAT_BATCH} at a
 * time. Entries are looked up in their parent directory, pinned once per directory
 * (FsPaths.pinDir), so their sizes and times are those of the entries the listing named; a
 * symlink's target is read there too, and resolved against where that directory really is. A
 * file is described as committed when its directory holds its append lock as of page `page` of the
 * listing (list-walk.ts DirRead: the names read, or a lookup by name).
 */
async function describeAll(paths: FsPaths, entries: readonly Entry[], page: number): Promise<Array<RawObject | undefined>> {
  const byDir = new Map<string, Entry[]>();
  for (const entry of entries) {
    const dir = posix.dirname(pathOf(entry));
    const group = byDir.get(dir);
    if (group === undefined) byDir.set(dir, [entry]);
    else group.push(entry);
  }
  const found = new Map<Entry, RawObject | undefined>();
  for (const [dirPath, group] of byDir) {
    const dir = await paths.pinExisting(dirPath);
    try {
      const base = dir !== undefined && group.some((entry) => entry.link) ? await paths.placeOf(dir) : undefined;
      const file = group.find((entry) => !entry.dir && !entry.link);
      const locks = dir !== undefined && file !== undefined ? await file.read.locksNow(dir, page) : undefined;
      for (let at = 0; at < group.length; at += STAT_BATCH) {
        const slice = group.slice(at, at + STAT_BATCH);
        const described = await Promise.all(slice.map((entry) => describe(paths, entry, dir, base, locks)));
        slice.forEach((entry, i) => found.set(entry, described[i]));
      }
    } finally {
      await dir?.close();
    }
  }
  return entries.map((entry) => found.get(entry));
}

/**
 * The object for one entry of `dir`, whose append locks are `locks` (undefined: each file's looked
 * for by name, list-walk.ts DirRead). Undefined: the directory or the entry vanished, or changed kind.
 */
async function describe(paths: FsPaths, entry: Entry, dir: DirPin | undefined, base: string | undefined, locks: ReadonlySet<string> | undefined): Promise<RawObject | undefined> {
  if (dir === undefined) return undefined;
  const name = posix.basename(pathOf(entry));
  try {
    if (entry.link) {
      const found = await entryIn(paths, dir, name, base);
      return found?.linkTarget === undefined ? undefined : linkObject(entry.key, found.linkTarget, found.st);
    }
    const st = await lstat(dir.at(name), { bigint: true });
    if (st.isSymbolicLink()) return undefined;
    if (entry.dir) return dirObject(entry.key, st);
    // A file an append was writing to when the page started: as committed.
    const look = (): Promise<typeof st> => lstat(dir.at(name), { bigint: true });
    const lock = lockName(st.ino);
    const locked = locks === undefined ? await lstat(dir.at(lock)).then(() => true, () => false) : locks.has(lock);
    return fileObject(entry.key, locked ? await committedStats(st, look, dir.self) : st);
  } catch (e) {
    if (isErrno(e, "ENOENT", "ENOTDIR") || isStorageError(e, ErrorCode.InvalidArgument)) return undefined;
    throw fsError(e);
  }
}
