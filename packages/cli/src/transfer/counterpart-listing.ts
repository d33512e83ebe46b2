import { ErrorCode, isStorageError, type ObjectInfo, type Storager } from "@stowage/core";
import { mapLimit } from "./pool.js";

/** Directory listings of the destination in flight at once. */
const LIST_CONCURRENCY = 8;

/** What a tree walk with links yields (walk.ts): the entries a plan looks up. */
const ENTRY_MODES: ReadonlySet<string> = new Set(["file", "append", "link"]);

/**
 * The directories that hold `paths`: each path up to each of its `/` (`a/b/c` gives `a/b/` and `a/`;
 * `/a/b` gives `/a/` and `/`). Each is added once, from the deepest up, stopping at one already
 * there (whose own are then there too), so the work is linear in the paths' length, not quadratic
 * in their depth.
 * @throws nothing
 */
export function pathDirectories(paths: Iterable<string>): Set<string> {
  const dirs = new Set<string>();
  for (const path of paths) {
    for (let end = path.lastIndexOf("/"); end >= 0; end = end === 0 ? -1 : path.lastIndexOf("/", end - 1)) {
      const dir = path.slice(0, end + 1);
      if (dirs.has(dir)) break;
      dirs.add(dir);
    }
  }
  return dirs;
}

/**
 * The destination of a tree copy (`cp -r`, `mv -r`) as far as its source reaches: dir listings of
 * the work_dir and of each directory of the source that the destination has too, level by level
 * ({@link LIST_CONCURRENCY} at once). A dir listing gives a directory's direct entries, and a
 * directory below it as one entry, so the work grows with the source's directories, not with the
 * destination's size: a directory of the destination the source lacks is never listed. What it
 * finds at every path of the source, and at every directory on the way to one, is what a walk of
 * the whole destination would find there (files, appendable objects and links in
 * {@link CounterpartListing.entries}; directories, empty ones too, in {@link CounterpartListing.dirs}).
 *
 * A directory that is gone (`ObjectNotExist`), or a file (`ObjectModeInvalid`), before its listing
 * gave anything lists as empty, as a walk takes a missing work_dir: a copy then counts as new, which
 * only changes what it reports. A listing that fails later fails the plan.
 */
export class CounterpartListing {
  /** Files, appendable objects and links listed, by path relative to the work_dir. */
  readonly entries = new Map<string, ObjectInfo>();
  /** Directories listed as entries (`a/`, `a/b/`), whether or not they were listed themselves. */
  readonly dirs = new Set<string>();
  private readonly listed = new Set<string>();

  constructor(
    private readonly store: Storager,
    private readonly signal: AbortSignal | undefined,
  ) {}

  /**
   * Lists the work_dir (one dir listing, before the source is walked, as a walk of the whole
   * destination came first).
   * @throws whatever the listing throws, except as the class says
   */
  async root(): Promise<void> {
    await this.list("");
  }

  /**
   * Lists each directory holding one of `paths` (relative, the source's) that the destination has
   * too, parents first: a directory is listed only where its parent's listing showed it.
   * @throws whatever a listing throws, except as the class says
   */
  async reach(paths: Iterable<string>): Promise<void> {
    const wanted = pathDirectories(paths);
    let level = [...this.dirs].filter((d) => wanted.has(d) && !this.listed.has(d));
    while (level.length > 0) {
      const found = await mapLimit(level, LIST_CONCURRENCY, (dir) => this.list(dir));
      level = [...new Set(found.flat())].filter((d) => wanted.has(d) && !this.listed.has(d));
    }
  }

  /** Lists `dir`, recording what it holds; answers the directories found in it. */
  private async list(dir: string): Promise<string[]> {
    this.listed.add(dir);
    const found: string[] = [];
    for await (const o of this.entriesOf(dir)) {
      if (o.mode === "dir") {
        this.dirs.add(o.path);
        found.push(o.path);
      } else if (ENTRY_MODES.has(o.mode)) {
        this.entries.set(o.path, o);
      }
    }
    return found;
  }

  /**
   * The entries of `dir`'s dir listing, but never `dir` itself (a marker may list as its own
   * entry); empty when it is gone or a file before anything was listed.
   */
  private async *entriesOf(dir: string): AsyncGenerator<ObjectInfo> {
    let any = false;
    try {
      for await (const o of this.store.list(dir, { mode: "dir", ...(this.signal ? { signal: this.signal } : {}) })) {
        any = true;
        if (o.path !== dir) yield o;
      }
    } catch (e) {
      if (!any && (isStorageError(e, ErrorCode.ObjectNotExist) || isStorageError(e, ErrorCode.ObjectModeInvalid))) return;
      throw e;
    }
  }
}
