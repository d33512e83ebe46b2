import { ErrorCode, isStorageError, keyToPath, resolvePath, type ListMode, type ObjectInfo, type Storager } from "@stowage/core";
import { uncounted } from "../unlisted.js";

/** Entry modes a transfer copies. */
const FILE_MODES = new Set(["file", "append"]);

/**
 * Every object below the storager's work_dir, paths relative to it: one
 * prefix listing where the service has one, else a walk of dir listings.
 * A missing directory, and a location that is a file, list as empty. With `dirs`, directory entries
 * (real dirs or `dir/` markers) are yielded too (walking dir listings where
 * the service has them, so empty directories show). With `startAfter` (a path
 * spelled as every operation takes one: `\` for `/`, or absolute inside the work_dir), only
 * paths that sort after it (by UTF-8 bytes, as services order keys): the
 * service skips the rest where it lists by prefix. With `links`, symbolic
 * links are yielded too (mode `link`; reading one reads its target). No directory is listed
 * twice, whatever the listings answer (a dir entry that lists as itself would loop).
 *
 * `ObjectNotExist` means "missing, so empty" only when it ends the walk before anything was
 * listed and a fresh look at the first page (one entry) says so too (`ObjectNotExist` again, or
 * nothing there). Once something was listed, or when that first page holds entries, it is an
 * error: a page that fails with it mid-listing (a 404 from a proxy, a bucket deleted meanwhile)
 * must not pass a partial listing off as the whole one, which `sync --delete` would act on.
 * @throws whatever the listing throws (InvalidArgument for a `startAfter` no path resolves from, in
 *   a prefix listing), except that `ObjectNotExist` of a missing location, and `ObjectModeInvalid`
 *   before anything was listed (fs: the work_dir is a file), which list as empty too.
 */
export async function* walk(store: Storager, options: { signal?: AbortSignal; dirs?: boolean; links?: boolean; startAfter?: string } = {}): AsyncGenerator<ObjectInfo> {
  const { signal, startAfter } = options;
  const after = startAfter === undefined ? undefined : Buffer.from(afterPath(store, startAfter), "utf8");
  const wanted = (o: ObjectInfo): boolean =>
    (FILE_MODES.has(o.mode) || (options.dirs === true && o.mode === "dir") || (options.links === true && o.mode === "link")) && (after === undefined || Buffer.compare(Buffer.from(o.path, "utf8"), after) > 0);
  // Real directories (even empty ones) and `dir/` markers only show in dir listings: the drivers'
  // prefix listings leave markers out.
  const mode: ListMode = store.features.listPrefix && !(options.dirs === true && store.features.listDir) ? "prefix" : "dir";
  let listed = false;
  try {
    if (mode === "prefix") {
      const listOptions = { mode, ...(signal ? { signal } : {}), ...(startAfter === undefined ? {} : { startAfter }) };
      for await (const o of store.list("", listOptions)) {
        listed = true;
        if (wanted(o)) yield o;
      }
      return;
    }
    const queue = [""];
    const queued = new Set(queue);
    while (queue.length > 0) {
      const dir = queue.shift()!;
      for await (const o of store.list(dir, { mode: "dir", ...(signal ? { signal } : {}) })) {
        listed = true;
        if (o.mode === "dir" && !queued.has(o.path)) {
          queued.add(o.path);
          queue.push(o.path);
        }
        if (wanted(o)) yield o;
      }
    }
  } catch (e) {
    if (isStorageError(e, ErrorCode.ObjectNotExist) && !listed && (await missing(store, mode, signal))) return;
    // The work_dir is a file (fs refuses to list below one): nothing below it, as for an object
    // store's key that no key extends; callers then look at what the location is (notADirectory).
    if (isStorageError(e, ErrorCode.ObjectModeInvalid) && !listed) return;
    throw e;
  }
}

/**
 * `startAfter` as the relative path a listing gives back, resolved as core resolves it for the
 * listing (`a\b` is `a/b`; `/wd/x` is `x` in work_dir `/wd/`), so both skip the same paths. One
 * no path resolves from is kept as given: the prefix listing refuses it with core's own message.
 * @throws nothing
 */
function afterPath(store: Storager, startAfter: string): string {
  const workDir = store.info.workDir;
  try {
    return keyToPath(workDir, resolvePath(workDir, startAfter).key);
  } catch {
    return startAfter;
  }
}

/**
 * True when the work_dir's listing says it holds nothing: its first page (one entry) fails with
 * `ObjectNotExist` too, or is empty and last. Any other failure of this look says nothing, so false.
 * @throws `Aborted` when `signal` aborts.
 */
async function missing(store: Storager, mode: ListMode, signal: AbortSignal | undefined): Promise<boolean> {
  try {
    // A probe: keys its page leaves out are the listing's to report, not this look's.
    const page = await uncounted(() => store.listPage("", { mode, limit: 1, ...(signal ? { signal } : {}) }));
    return page.items.length === 0 && !page.nextToken;
  } catch (e) {
    if (isStorageError(e, ErrorCode.Aborted)) throw e;
    return isStorageError(e, ErrorCode.ObjectNotExist);
  }
}
