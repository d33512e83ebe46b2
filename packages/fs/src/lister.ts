import { lstat, readdir } from "node:fs/promises";
import { posix } from "node:path";
import { compareKeys, ErrorCode, isStorageError, type DriverListPage, type DriverListRequest, type RawObject } from "@stowage/core";
import { committedStats } from "./committed-view.js";
import { fsError, isErrno } from "./errors.js";
import { entryIn } from "./links.js";
import { dirObject, fileObject, linkObject } from "./objects.js";
import type { FsPaths } from "./paths.js";
import { classifyReserved } from "./reserved-entries.js";
import { isLockGuardName, isOwnLockName, isReserved, lockName } from "./reserved-names.js";
import { reportUnlisted } from "./unlisted.js";
import type { DirPin } from "./pinned-dir.js";

/** One directory entry, typed by what it is itself (a symlink is a link, whatever it leads to). */
interface Entry {
  key: string;
  path: string;
  dir: boolean;
  /** A symlink: listed as a link with its target, never followed nor walked into (no escapes, no cycles). */
  link: boolean;
  /** The names of the append locks its directory held when read: a file whose lock is among them is described as committed (committed.ts). */
  locks: ReadonlySet<string>;
}

/** Entries a directory read left out (unlisted.ts), with the directory's key and path. */
interface LeftOut {
  dirKey: string;
  dirPath: string;
  unaddressable: Buffer[];
  reserved: Buffer[];
}

/** Stats fetched at once when filling a page. */
const STAT_BATCH = 64;

/**
 * One page of a listing. With delimiter `/`: the files and sub-directories
 * directly in the prefix's directory whose names start with the rest of the
 * prefix. Without: every file below, depth first in key order (a raw string
 * prefix; directories are not items). Items are sorted by key; the token is
 * the last key returned (core hands back only tokens this driver produced for
 * the same prefix and mode, listing/list-token.ts). Symlinks are `link` items in both modes, never
 * followed. The driver's own entries (reserved names, paths.ts isReserved) are never shown; others
 * under a reserved name are left out too, and reported (unlisted.ts): once per directory per
 * listing (see {@link reportLeftOut}). A missing directory lists as empty.
 * @throws StorageError `InvalidArgument` (prefix outside the work_dir), or mapped fs errors.
 */
export async function listFiles(paths: FsPaths, request: DriverListRequest): Promise<DriverListPage> {
  const limit = Math.max(1, request.limit);
  const slash = request.prefix.lastIndexOf("/");
  const baseKey = request.prefix.slice(0, slash + 1);
  const namePrefix = request.prefix.slice(slash + 1);
  const basePath = await paths.resolve(baseKey);
  // Tokens are keys: `startAfter` places a first page the same way.
  const token = request.token || request.startAfter || undefined;
  const leftOut: LeftOut[] = [];
  const source =
    request.delimiter === undefined ? walk(paths, baseKey, basePath, namePrefix, token, leftOut) : level(paths, baseKey, basePath, namePrefix, token, leftOut);
  const picked: Entry[] = [];
  let more = false;
  for await (const entry of source) {
    if (picked.length === limit) {
      more = true;
      break;
    }
    picked.push(entry);
  }
  const last = more && picked.length > 0 ? picked[picked.length - 1]!.key : undefined;
  reportLeftOut(leftOut, request, last);
  const items: RawObject[] = [];
  for (const item of await describeAll(paths, picked)) if (item !== undefined) items.push(item);
  return last !== undefined ? { items, nextToken: last } : { items };
}

/**
 * Reports (unlisted.ts) what the directories read for this page left out, each directory once per
 * listing, although every page reads again the directories that hold its token: a directory is
 * reported by the page that reaches it, that is, whose range of keys (after the request's token,
 * up to `last`, the page's last key, or to the end on the last page) holds the directory's key.
 * The page before (whose last key is the request's token) reported those at or before its token;
 * a directory read only to see whether more keys follow (after `last`) is the next page's. On a
 * first page with `startAfter`, the names at or before it are not the listing's and are not named.
 * @throws nothing.
 */
function reportLeftOut(leftOut: readonly LeftOut[], request: DriverListRequest, last: string | undefined): void {
  const token = request.token || undefined;
  const after = token === undefined && request.startAfter ? Buffer.from(request.startAfter, "utf8") : undefined;
  for (const dir of leftOut) {
    if (token !== undefined && compareKeys(dir.dirKey, token) < 0) continue;
    if (last !== undefined && compareKeys(dir.dirKey, last) >= 0) continue;
    const keyBytes = Buffer.from(dir.dirKey, "utf8");
    const inRange = (raw: Buffer): boolean => after === undefined || Buffer.compare(Buffer.concat([keyBytes, raw]), after) > 0;
    reportUnlisted(dir.dirPath, dir.unaddressable.filter(inRange), dir.reserved.filter(inRange));
  }
}

/** The entries of one directory level, sorted, after `token`; what it left out goes to `leftOut`. */
async function* level(paths: FsPaths, dirKey: string, dirPath: string, namePrefix: string, token: string | undefined, leftOut: LeftOut[]): AsyncGenerator<Entry> {
  for (const entry of await entries(paths, dirKey, dirPath, namePrefix, leftOut)) {
    if (token === undefined || compareKeys(entry.key, token) > 0) yield entry;
  }
}

/** Every file below `dirPath`, depth first in key order, after `token`; what the directories read left out goes to `leftOut`. */
async function* walk(paths: FsPaths, dirKey: string, dirPath: string, namePrefix: string, token: string | undefined, leftOut: LeftOut[]): AsyncGenerator<Entry> {
  for (const entry of await entries(paths, dirKey, dirPath, namePrefix, leftOut)) {
    if (!entry.dir) {
      if (token === undefined || compareKeys(entry.key, token) > 0) yield entry;
    } else {
      // Every key below starts with entry.key: skip the subtree when all of them are <= token.
      if (token !== undefined && !token.startsWith(entry.key) && compareKeys(entry.key, token) < 0) continue;
      yield* walk(paths, entry.key, entry.path, "", token, leftOut);
    }
  }
}

/**
 * The visible entries of a directory whose names start with `namePrefix`, sorted by key (dirs end
 * with `/`). Entries left out that a user may have meant as objects (names no key can address,
 * reserved names on entries the driver did not make) go to `leftOut`, to be reported (unlisted.ts).
 */
async function entries(paths: FsPaths, dirKey: string, dirPath: string, namePrefix: string, leftOut: LeftOut[]): Promise<Entry[]> {
  let dirents;
  try {
    // The names come from the directory that was checked and held open, not whatever its path names by now.
    const dir = await paths.pinExisting(dirPath);
    if (dir === undefined) return [];
    try {
      dirents = await readdir(dir.self, { withFileTypes: true, encoding: "buffer" });
    } finally {
      await dir.close();
    }
  } catch (e) {
    if (isErrno(e, "ENOENT", "ENOTDIR")) return [];
    // Named by the directory that failed (a listing's own path may be far above it), as a path
    // relative to the work_dir like every other path the storager reports; the work_dir itself is
    // left to the listing's own path.
    const below = pathBelowRoot(paths, dirKey);
    throw below === "" ? fsError(e) : fsError(e).withContext({ path: below });
  }
  const out: Entry[] = [];
  const unaddressable: Buffer[] = [];
  const reserved: Buffer[] = [];
  const prefixBytes = Buffer.from(namePrefix, "utf8");
  const locks = new Set<string>();
  for (const d of dirents) {
    const raw = d.name as unknown as Buffer;
    const name = addressableName(raw);
    if (name === undefined) {
      if (raw.subarray(0, prefixBytes.length).equals(prefixBytes)) unaddressable.push(raw);
      continue;
    }
    if (isOwnLockName(name) && !isLockGuardName(name)) locks.add(name);
    if (!name.startsWith(namePrefix)) continue;
    if (isReserved(name)) {
      if ((await classifyReserved(paths, dirPath, name, d)) === "foreign") reserved.push(raw);
      continue;
    }
    const dir = d.isDirectory();
    const link = d.isSymbolicLink();
    if (!dir && !link && !d.isFile()) continue; // sockets, fifos, devices: not objects
    out.push({ key: dirKey + name + (dir ? "/" : ""), path: posix.join(dirPath, name), dir, link, locks });
  }
  if (unaddressable.length + reserved.length > 0) leftOut.push({ dirKey, dirPath, unaddressable, reserved });
  return out.sort((a, b) => compareKeys(a.key, b.key));
}

/** `key` (a storage key: the absolute path without its leading `/`) relative to the work_dir, as the storager's paths are. */
function pathBelowRoot(paths: FsPaths, key: string): string {
  const root = paths.keyOf(paths.root, true);
  return key.startsWith(root) ? key.slice(root.length) : key;
}

/**
 * A directory entry's name as a key segment, or `undefined` when no key can name it: a name
 * with `\` (core reads `\` as `/`, so its key would address another file) or one that is not
 * valid UTF-8 (its decoded name is another file's, or none). Such entries are not listed, and
 * reported (unlisted.ts).
 */
function addressableName(raw: Buffer): string | undefined {
  const name = raw.toString("utf8");
  if (name.includes("\\") || !Buffer.from(name, "utf8").equals(raw)) return undefined;
  return name;
}

/**
 * The objects for `entries` (undefined for one that vanished meanwhile), {@link STAT_BATCH} at a
 * time. Entries are looked up in their parent directory, pinned once per directory
 * (FsPaths.pinDir), so their sizes and times are those of the entries the listing named; a
 * symlink's target is read there too, and resolved against where that directory really is.
 */
async function describeAll(paths: FsPaths, entries: readonly Entry[]): Promise<Array<RawObject | undefined>> {
  const byDir = new Map<string, Entry[]>();
  for (const entry of entries) {
    const dir = posix.dirname(entry.path);
    const group = byDir.get(dir);
    if (group === undefined) byDir.set(dir, [entry]);
    else group.push(entry);
  }
  const found = new Map<Entry, RawObject | undefined>();
  for (const [dirPath, group] of byDir) {
    const dir = await paths.pinExisting(dirPath);
    try {
      const base = dir !== undefined && group.some((entry) => entry.link) ? await paths.placeOf(dir) : undefined;
      for (let at = 0; at < group.length; at += STAT_BATCH) {
        const slice = group.slice(at, at + STAT_BATCH);
        const described = await Promise.all(slice.map((entry) => describe(paths, entry, dir, base)));
        slice.forEach((entry, i) => found.set(entry, described[i]));
      }
    } finally {
      await dir?.close();
    }
  }
  return entries.map((entry) => found.get(entry));
}

/** The object for one entry of `dir` (undefined: the directory or the entry vanished, or changed kind). */
async function describe(paths: FsPaths, entry: Entry, dir: DirPin | undefined, base: string | undefined): Promise<RawObject | undefined> {
  if (dir === undefined) return undefined;
  const name = posix.basename(entry.path);
  try {
    if (entry.link) {
      const found = await entryIn(paths, dir, name, base);
      return found?.linkTarget === undefined ? undefined : linkObject(entry.key, found.linkTarget, found.st);
    }
    const st = await lstat(dir.at(name), { bigint: true });
    if (st.isSymbolicLink()) return undefined;
    if (entry.dir) return dirObject(entry.key, st);
    // A file an append was writing to when the directory was read: as committed.
    const look = (): Promise<typeof st> => lstat(dir.at(name), { bigint: true });
    return fileObject(entry.key, entry.locks.has(lockName(st.ino)) ? await committedStats(st, look, dir.self) : st);
  } catch (e) {
    if (isErrno(e, "ENOENT", "ENOTDIR") || isStorageError(e, ErrorCode.InvalidArgument)) return undefined;
    throw fsError(e);
  }
}
