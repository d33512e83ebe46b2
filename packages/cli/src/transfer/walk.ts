import { ErrorCode, isStorageError, type ObjectInfo, type Storager } from "@stowage/core";

/** Entry modes a transfer copies. */
const FILE_MODES = new Set(["file", "append"]);

/**
 * Every object below the storager's work_dir, paths relative to it: one
 * prefix listing where the service has one, else a walk of dir listings.
 * A missing directory lists as empty. With `dirs`, directory entries
 * (real dirs or `dir/` markers) are yielded too (walking dir listings where
 * the service has them, so empty directories show). With `startAfter`, only
 * paths that sort after it (by UTF-8 bytes, as services order keys): the
 * service skips the rest where it lists by prefix. With `links`, symbolic
 * links are yielded too (mode `link`; reading one reads its target). No directory is listed
 * twice, whatever the listings answer (a dir entry that lists as itself would loop).
 * @throws whatever the listing throws, except ObjectNotExist.
 */
export async function* walk(store: Storager, options: { signal?: AbortSignal; dirs?: boolean; links?: boolean; startAfter?: string } = {}): AsyncGenerator<ObjectInfo> {
  const { signal, startAfter } = options;
  const after = startAfter === undefined ? undefined : Buffer.from(startAfter, "utf8");
  const wanted = (o: ObjectInfo): boolean =>
    (FILE_MODES.has(o.mode) || (options.dirs === true && o.mode === "dir") || (options.links === true && o.mode === "link")) && (after === undefined || Buffer.compare(Buffer.from(o.path, "utf8"), after) > 0);
  try {
    // Real directories (even empty ones) only show in dir listings; markers show in both.
    if (store.features.listPrefix && !(options.dirs === true && store.features.listDir)) {
      const listOptions = { mode: "prefix" as const, ...(signal ? { signal } : {}), ...(startAfter === undefined ? {} : { startAfter }) };
      for await (const o of store.list("", listOptions)) if (wanted(o)) yield o;
      return;
    }
    const queue = [""];
    const queued = new Set(queue);
    while (queue.length > 0) {
      const dir = queue.shift()!;
      for await (const o of store.list(dir, { mode: "dir", ...(signal ? { signal } : {}) })) {
        if (o.mode === "dir" && !queued.has(o.path)) {
          queued.add(o.path);
          queue.push(o.path);
        }
        if (wanted(o)) yield o;
      }
    }
  } catch (e) {
    if (isStorageError(e, ErrorCode.ObjectNotExist)) return;
    throw e;
  }
}
