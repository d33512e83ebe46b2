import { realpathSync } from "node:fs";
import { homedir } from "node:os";
import { posix } from "node:path";
import type { CliContext } from "./context.js";
import { UsageError } from "./errors.js";
import type { Location } from "./locations.js";

// Local directories a whole-tree delete never touches, however they are written (rm(1)'s
// --preserve-root, extended): the file system's root and the home directory for `rm -r` and the
// destination of `sync --delete`, and for an unfiltered `rm -r` also the current directory and
// its parents (rm(1) refuses `.` and `..`). Only fs locations are checked: the root of a bucket or
// store is an ordinary (and confirmed) target.

/** `path` (POSIX, absolute) without trailing slashes; the root is `/` (or `C:/` on Windows). */
function trimmed(path: string): string {
  const t = path.replace(/\/+$/, "");
  return t === "" || /^[A-Za-z]:$/.test(t) ? `${t}/` : t;
}

/** True for a file system root (`/`, `C:/`). */
function isFsRoot(path: string): boolean {
  return /^([A-Za-z]:)?\/$/.test(trimmed(path));
}

/** A native path as a POSIX one (`C:\x` → `C:/x`). */
function posixOf(path: string): string {
  return path.split("\\").join("/");
}

/**
 * Where `path` really is: symbolic links resolved, the last one only when `follow` (`rm -r link`
 * deletes the link, never what it leads to). A path that does not exist is taken as written.
 */
function realOf(path: string, follow: boolean): string {
  const t = trimmed(path);
  try {
    if (follow || isFsRoot(t)) return trimmed(posixOf(realpathSync.native(t)));
    return trimmed(posix.join(posixOf(realpathSync.native(posix.dirname(t))), posix.basename(t)));
  } catch {
    return t;
  }
}

/** `dir` as written and where it really is. */
function both(dir: string): string[] {
  const t = trimmed(posixOf(dir));
  return [t, realOf(t, true)];
}

/** True when `inner` is `outer` or below it. */
function within(inner: string, outer: string): boolean {
  return inner === outer || inner.startsWith(outer.endsWith("/") ? outer : `${outer}/`);
}

/** What {@link refuseProtectedDir} checks besides the root and the home directory. */
export interface ProtectedDirOptions {
  /** The command's name and how it acts, for the message (`rm -r`, `sync --delete`). */
  readonly command: string;
  /** Also refuse the current directory and its parents (an unfiltered `rm -r`, which deletes the directory itself). */
  readonly cwdAndParents: boolean;
  /**
   * Whether the command goes through a symbolic link the location ends in even without a trailing
   * `/` (`sync --delete`, `mv -r`: they list and delete what it leads to); `rm -r link` removes the
   * link itself, so by default only a trailing `/` follows it.
   */
  readonly throughLink?: boolean;
}

/**
 * Refuses, before anything is listed or deleted, a whole-tree delete of a local (fs) location that
 * is the file system's root or the home directory (`$HOME`), or with `cwdAndParents` the current
 * directory or one of its parents: as written (`/`, `/..`, `../../..`, `fs:///`, a profile whose
 * directory is `/`) and where it leads through symbolic links (the last component followed when the
 * operand ends in `/` or with `throughLink`). Locations of other services are never refused.
 * @throws UsageError (exit 2), naming the operand and the directory it resolves to
 */
export function refuseProtectedDir(ctx: CliContext, loc: Location, options: ProtectedDirOptions): void {
  if (loc.type !== "fs") return;
  const written = trimmed(loc.path);
  const real = realOf(loc.path, options.throughLink === true || loc.path.endsWith("/"));
  const paths = [written, real];
  const what = (reason: string): UsageError =>
    new UsageError(`${options.command} ${JSON.stringify(loc.display)}: refused, it is ${reason}${real === written ? "" : ` (${real})`}: nothing was listed or deleted`);
  if (paths.some(isFsRoot)) throw what("the file system's root");
  const home = ctx.io.env["HOME"] ?? homedir();
  if (home !== "" && paths.some((p) => both(home).includes(p))) throw what("the home directory");
  if (!options.cwdAndParents) return;
  const cwd = both(ctx.io.cwd);
  if (paths.some((p) => cwd.includes(p))) throw what("the current directory (rm -r . deletes it: name what is in it instead)");
  if (paths.some((p) => cwd.some((c) => within(c, p)))) throw what("a parent of the current directory");
}
