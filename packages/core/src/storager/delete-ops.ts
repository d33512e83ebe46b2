import { ErrorCode } from "../errors/error-code.js";
import { isStorageError, storageError } from "../errors/storage-error.js";
import { abortError, throwIfAborted } from "../io/abort.js";
import { writtenParts } from "../multipart/written-parts.js";
import { DeleteProgress } from "./delete-outcome.js";
import { checkDirMode } from "./simple-ops.js";
import type { OperationScope } from "./storager-context.js";

/** Deletes sent to a driver's batch delete at once. */
const DELETE_BATCH = 1000;
/** Single deletes (and stats of directory paths) in flight at once. */
const DELETE_CONCURRENCY = 8;

/**
 * Deletes `path` (idempotent), its directory (`mode: "dir"`), or aborts an upload (`multipartId`).
 * A directory path (`d/`) without `mode: "dir"` is `ObjectModeInvalid` when a directory is there,
 * made or implied by the objects below it, on every storage: memory and fs know it, a service with
 * virtual directories is asked (a stat, only for such paths). A directory whose key only its `/`
 * takes over `limits.keyMaximum` cannot exist: nothing to delete, and nothing is sent. The work_dir
 * itself (`""`, or its absolute path) is never deleted, on any storage: `InvalidArgument`, nothing
 * sent (at a bucket's root that request would name the bucket).
 * @throws InvalidArgument (a bad path, the work_dir itself, `mode: "dir"` with `multipartId`), ObjectModeInvalid (a directory without `mode: "dir"`; with it, on
 *   object stores, a `d/` key that holds bytes: not a marker), Conflict (non-empty directory where the service refuses)
 */
export async function deleteObject(scope: OperationScope, path: string, rawOptions: object | undefined): Promise<void> {
  scope.require("delete");
  const options = scope.options("delete", rawOptions) as { mode?: string; multipartId?: string; signal?: AbortSignal };
  const dir = checkDirMode("delete", options.mode);
  if (options.multipartId !== undefined) {
    const { key } = scope.resolve(path, { dir });
    refuseWorkDir(scope, key, path);
    if (dir) throw storageError(ErrorCode.InvalidArgument, 'delete: an upload is aborted by its path and multipartId: mode "dir" does not go with multipartId');
    scope.require("delete", "multipart", "abortMultipart");
    // The parts this process recorded for the upload (written-parts.ts) go with it.
    const multipartId = options.multipartId;
    return writtenParts.aborting(key, multipartId, () => scope.driver.abortMultipart!(key, multipartId, options));
  }
  const resolved = scope.resolveExisting(path, { dir });
  // Nothing that long can be there; an aborted call is still refused, as one that sends something is.
  if (resolved === undefined) return throwIfAborted(options.signal);
  const { key } = resolved;
  refuseWorkDir(scope, key, path);
  if (dir && typeof scope.driver.deleteDir === "function") return scope.driver.deleteDir(key, options);
  if (!dir && key.endsWith("/") && scope.driver.features.virtualDir) await refuseDirectory(scope, key, options);
  if (dir && scope.driver.features.virtualDir) await refuseFilledMarker(scope, key, path, options);
  return scope.driver.delete(key, options);
}

/**
 * Refuses to delete a `d/` key that holds bytes: not a directory marker (those are empty) but an
 * object another client wrote, which no path addresses and listings leave out with a warning, so
 * the caller never saw it. One HEAD (`markerOnly`: no listing); a marker that is not there is fine
 * (nothing to delete); a refused HEAD fails the delete (what the key holds is not known).
 * @throws StorageError `ObjectModeInvalid` (the key holds bytes), or what the stat throws other than `ObjectNotExist`
 */
async function refuseFilledMarker(scope: OperationScope, key: string, path: string, options: { signal?: AbortSignal }): Promise<void> {
  const head = options.signal === undefined ? { markerOnly: true } : { markerOnly: true, signal: options.signal };
  const found = await scope.driver.stat(key, head).catch((e: unknown) => (isStorageError(e, ErrorCode.ObjectNotExist) ? undefined : Promise.reject(e)));
  if (found?.size === undefined || found.size === 0) return;
  throw storageError(ErrorCode.ObjectModeInvalid, `${JSON.stringify(path)} holds ${found.size} bytes another client wrote under a directory's name: not a directory marker, so not deleted (no path addresses it; remove or rename it with that client)`);
}

/**
 * Refuses the work_dir's own key (`resolvePath` gives it only for `""` or the work_dir's absolute
 * path with `dir`): a storage never deletes its root, and at a bucket's root the key is empty, so
 * a DELETE would name the bucket itself.
 * @throws StorageError `InvalidArgument`
 */
function refuseWorkDir(scope: OperationScope, key: string, path: string): void {
  if (key !== scope.workDir.slice(1)) return;
  throw storageError(ErrorCode.InvalidArgument, `path ${JSON.stringify(path)} is the work_dir itself, which delete never removes: delete what is in it, or delete the directory by name from a storager opened on its parent`);
}

/** @throws StorageError `ObjectModeInvalid` when `key` (ending in `/`) is a directory. */
async function refuseDirectory(scope: OperationScope, key: string, options: { signal?: AbortSignal }): Promise<void> {
  const found = await scope.driver.stat(key, options.signal === undefined ? {} : { signal: options.signal }).catch((e: unknown) => (isStorageError(e, ErrorCode.ObjectNotExist) ? undefined : Promise.reject(e)));
  if (found?.mode === "dir") throw storageError(ErrorCode.ObjectModeInvalid, "this path is a directory; delete it with mode dir");
}

/**
 * Deletes every path, in batches where the driver can. Every path is checked before anything is
 * deleted, a directory path (`d/`) as `delete` checks it, on every storage (a stat per such path).
 * After a failure no further delete starts, and the call rejects once those in flight settled,
 * with `error.batch` (a BatchOutcome) saying which paths failed (with their codes), which were
 * deleted and which were not attempted.
 * @throws InvalidArgument (any bad path, before anything is deleted, naming its position: `key 2 of the batch: ...`),
 *   ObjectModeInvalid (a directory path, before anything is deleted, naming its position),
 *   then whatever a delete failed with (PermissionDenied, ServiceInternal, Aborted...), with `batch`
 */
export async function deleteMany(scope: OperationScope, paths: readonly string[], rawOptions: object | undefined): Promise<void> {
  scope.require("delete");
  const options = scope.options("delete", rawOptions) as Record<string, unknown> & { signal?: AbortSignal };
  if (options["mode"] !== undefined || options["multipartId"] !== undefined) {
    throw storageError(ErrorCode.InvalidArgument, "deleteMany deletes objects only: no mode or multipartId");
  }
  if (!Array.isArray(paths)) throw storageError(ErrorCode.InvalidArgument, "deleteMany takes an array of paths");
  const keys = paths.map((p, i) => atPosition(i, () => scope.resolve(p).key));
  await refuseDirectories(scope, keys, options.signal);
  const progress = new DeleteProgress(paths, keys);
  const driver = scope.driver;
  if (driver.features.batchDelete && typeof driver.deleteMany === "function") {
    for (let from = 0; from < keys.length; from += DELETE_BATCH) {
      const indexes = Array.from({ length: Math.min(DELETE_BATCH, keys.length - from) }, (_, j) => from + j);
      if (options.signal?.aborted) {
        progress.fail(undefined, abortError(options.signal));
        throw progress.error();
      }
      try {
        await driver.deleteMany(
          indexes.map((i) => keys[i]!),
          options,
        );
      } catch (e) {
        progress.batchFailed(indexes, e);
        throw progress.error();
      }
      for (const i of indexes) progress.deleted(i);
    }
    return;
  }
  // After a failure no further delete starts, and the call settles only once those in flight have:
  // nothing changes after it rejected.
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < keys.length && !progress.failed) {
      if (options.signal?.aborted) return progress.fail(undefined, abortError(options.signal));
      const i = next++;
      try {
        await driver.delete(keys[i]!, options);
        progress.deleted(i);
      } catch (error) {
        progress.fail(i, error);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(DELETE_CONCURRENCY, keys.length) }, worker));
  if (progress.failed) throw progress.error();
}

/** `fn()`, its StorageError naming position `i` of the caller's paths. */
function atPosition<T>(i: number, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    // Among many paths, the position says which one.
    throw isStorageError(e) ? storageError(e.code, `key ${i} of the batch: ${e.detail}`) : e;
  }
}

/**
 * Refuses the first directory among the directory paths (`…/`) of `keys`, before anything is
 * deleted: a stat of each such key (8 at once, none for plain keys), as `delete` makes on a
 * service with virtual directories; memory and fs answer it from what is there.
 * @throws StorageError `ObjectModeInvalid` naming the position, or what a stat failed with
 */
async function refuseDirectories(scope: OperationScope, keys: readonly string[], signal: AbortSignal | undefined): Promise<void> {
  const first = new Map<string, number>();
  keys.forEach((key, i) => {
    if (key.endsWith("/") && !first.has(key)) first.set(key, i);
  });
  const todo = [...first];
  let next = 0;
  let refused: unknown;
  const worker = async (): Promise<void> => {
    while (next < todo.length && refused === undefined) {
      const [key, i] = todo[next++]!;
      try {
        await refuseDirectory(scope, key, signal === undefined ? {} : { signal });
      } catch (e) {
        refused ??= isStorageError(e, ErrorCode.ObjectModeInvalid) ? storageError(e.code, `key ${i} of the batch: ${e.detail}`) : e;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(DELETE_CONCURRENCY, todo.length) }, worker));
  if (refused !== undefined) throw refused;
}
