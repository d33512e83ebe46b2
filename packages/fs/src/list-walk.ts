import { readdir, stat } from "node:fs/promises";
import { compareKeys, ErrorCode, storageError, type StorageError } from "@stowage/core";
import { fsErrnoOf, fsError, isErrno } from "./errors.js";
import { whenDescriptorsFree } from "./descriptor-wait.js";
import type { FsPaths } from "./paths.js";
import type { DirPin } from "./pinned-dir.js";
import { classifyReserved } from "./reserved-entries.js";
import { isLockGuardName, isOwnLockName, isReserved } from "./reserved-names.js";

// The walk behind a listing (lister.ts): each directory read once, its visible entries sorted by
// key; the walk is a generator a listing keeps from page to page (list-cursors.ts), so a listing
// of any length reads and sorts each directory once.

/** One directory entry, typed by what it is itself (a symlink is a link, whatever it leads to). Its path is {@link pathOf} its key. */
export interface Entry {
  key: string;
  dir: boolean;
  /** A symlink: listed as a link with its target, never followed nor walked into (no escapes, no cycles). */
  link: boolean;
  /** The read of its directory: the append locks it held, by which a file is described as committed (committed.ts). */
  read: DirRead;
}

/** Entries a directory read left out (unlisted.ts), with the directory's key and path. */
export interface LeftOut {
  dirKey: string;
  dirPath: string;
  unaddressable: Buffer[];
  reserved: Buffer[];
}

/** Within this long (ns) after a directory's last change, its times may not move for the next one (one tick of the kernel's coarse clock, with a wide margin). */
const SETTLED_NS = 1_000_000_000n;

/**
 * What one read of a directory saw of append locks (a file whose lock is among them is described
 * as committed: committed.ts), and the directory's times then. A listing reads a directory once,
 * yet describes its files page by page: a later page trusts the names read only while the
 * directory's mtime and ctime are as they were (no entry made or removed since: an append's lock
 * is an entry) and its last change before the read was long enough before it for the times to
 * tell ({@link SETTLED_NS}); otherwise it looks for each file's lock by name ({@link DirRead.locksNow}).
 * So each page sees the locks as they were when it started, at most one lookup per file it
 * describes, never a second read of the directory.
 */
export class DirRead {
  constructor(
    private readonly locks: ReadonlySet<string>,
    private readonly mtimeNs: bigint,
    private readonly ctimeNs: bigint,
    private readonly settled: boolean,
    /** The page (of the listing's cursor) that read the directory: that page trusts what it read. */
    private readonly page: number,
  ) {}

  /**
   * The append locks of the directory (pinned as `dir`) as of page `page` of the listing: the names
   * read, while they still tell; undefined when each file's lock must be looked for by name.
   * @throws nothing.
   */
  async locksNow(dir: DirPin, page: number): Promise<ReadonlySet<string> | undefined> {
    if (page === this.page) return this.locks;
    if (!this.settled) return undefined;
    const st = await stat(dir.self, { bigint: true }).catch(() => undefined);
    return st !== undefined && st.mtimeNs === this.mtimeNs && st.ctimeNs === this.ctimeNs ? this.locks : undefined;
  }
}

/** The absolute path of `entry`: `/` and its key (a storage key), without a directory's `/`. @throws nothing. */
export function pathOf(entry: Entry): string {
  return "/" + (entry.dir ? entry.key.slice(0, -1) : entry.key);
}

/** The entries of one directory level, sorted, after `token`; what it left out goes to `leftOut`; `page` says which page of the listing reads. */
export async function* level(paths: FsPaths, dirKey: string, dirPath: string, namePrefix: string, token: string | undefined, leftOut: LeftOut[], page: () => number): AsyncGenerator<Entry> {
  for (const entry of await entries(paths, dirKey, dirPath, namePrefix, leftOut, page())) {
    if (token === undefined || compareKeys(entry.key, token) > 0) yield entry;
  }
}

/** Every file below `dirPath`, depth first in key order, after `token`; what the directories read left out goes to `leftOut`. */
export async function* walk(paths: FsPaths, dirKey: string, dirPath: string, namePrefix: string, token: string | undefined, leftOut: LeftOut[], page: () => number): AsyncGenerator<Entry> {
  for (const entry of await entries(paths, dirKey, dirPath, namePrefix, leftOut, page())) {
    if (!entry.dir) {
      if (token === undefined || compareKeys(entry.key, token) > 0) yield entry;
    } else {
      // Every key below starts with entry.key: skip the subtree when all of them are <= token.
      if (token !== undefined && !token.startsWith(entry.key) && compareKeys(entry.key, token) < 0) continue;
      yield* walk(paths, entry.key, pathOf(entry), "", token, leftOut, page);
    }
  }
}

/**
 * The visible entries of a directory whose names start with `namePrefix`, sorted by key (dirs end
 * with `/`). Entries left out that a user may have meant as objects (names no key can address,
 * reserved names on entries the driver did not make) go to `leftOut`, to be reported (unlisted.ts).
 * A directory that cannot be read fails the listing ({@link unreadable}): it is never left out.
 * @throws StorageError `PermissionDenied`, `InvalidArgument` (deeper than PATH_MAX), mapped fs errors; each naming the directory.
 */
async function entries(paths: FsPaths, dirKey: string, dirPath: string, namePrefix: string, leftOut: LeftOut[], page: number): Promise<Entry[]> {
  let dirents;
  let times: { mtimeNs: bigint; ctimeNs: bigint };
  let readAt: bigint;
  try {
    // The names come from the directory that was checked and held open, not whatever its path names by now.
    const dir = await paths.pinExisting(dirPath);
    if (dir === undefined) return [];
    try {
      readAt = BigInt(Date.now()) * 1_000_000n;
      times = await stat(dir.self, { bigint: true });
      dirents = await whenDescriptorsFree(() => readdir(dir.self, { withFileTypes: true, encoding: "buffer" }));
    } finally {
      await dir.close();
    }
  } catch (e) {
    if (isErrno(e, "ENOENT", "ENOTDIR")) return [];
    throw unreadable(e, pathBelowRoot(paths, dirKey));
  }
  const out: Entry[] = [];
  const unaddressable: Buffer[] = [];
  const reserved: Buffer[] = [];
  const prefixBytes = Buffer.from(namePrefix, "utf8");
  // Filled as the names go by, before any entry is described.
  const locks = new Set<string>();
  const read = new DirRead(locks, times.mtimeNs, times.ctimeNs, readAt - times.ctimeNs >= SETTLED_NS, page);
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
    out.push({ key: dirKey + name + (dir ? "/" : ""), dir, link, read });
  }
  if (unaddressable.length + reserved.length > 0) leftOut.push({ dirKey, dirPath, unaddressable, reserved });
  return out.sort((a, b) => compareKeys(a.key, b.key));
}

/**
 * The error of a directory a listing cannot read, naming it (`below`: its path relative to the
 * work_dir, with its `/`; empty for the work_dir itself, which the listing's own path names). A
 * listing never leaves a directory out: a copy, sync or delete built on a listing that silently
 * missed one would miss, or delete, what it holds.
 * @throws nothing.
 */
function unreadable(e: unknown, below: string): StorageError {
  // A StorageError made of an fs error (FsPaths.pinDir) says which.
  const code = fsErrnoOf(e);
  const ctx = below === "" ? { cause: e } : { cause: e, path: below };
  const named = below === "" ? "the work_dir" : `directory "${below}"`;
  if (code === "EACCES" || code === "EPERM") {
    return storageError(ErrorCode.PermissionDenied, `cannot read ${named} (${code}): the listing stops there rather than leave it out`, ctx);
  }
  if (code === "ENAMETOOLONG") {
    // Its path, over 4,000 bytes, is the error's path, not repeated here.
    return storageError(ErrorCode.InvalidArgument, "a directory lies deeper than this system's path limit (PATH_MAX, ENAMETOOLONG): it cannot be listed, nor its files addressed; the listing stops there rather than leave it out", ctx);
  }
  return below === "" ? fsError(e) : fsError(e).withContext({ path: below });
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
