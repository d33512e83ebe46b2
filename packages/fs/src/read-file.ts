import { constants } from "node:fs";
import type { Readable } from "node:stream";
import { abortError, checkEtagConditions, onAbort, type DriverCallOptions, type DriverReadResult, type RawObject } from "@stowage/core";
import { committedStats, lockDirOf, openFileLook } from "./committed-view.js";
import { fsError } from "./errors.js";
import { refuseDirKey } from "./file-keys.js";
import { fileObject } from "./objects.js";
import { changedCheck, readRange } from "./read-range.js";
import type { FsPaths } from "./paths.js";

/**
 * Opens the file of `key` and streams bytes `[offset, offset + size)` of it (clamped to its
 * size), after checking the ETag conditions of `options`. While an append writes to the file, its
 * size and ETag are those it had before (committed.ts), and no byte past that size is served. Aborting `options.signal` destroys the
 * stream with `Aborted`. A file written in place while it is read (its size or mtime moved, not
 * by an append) fails the stream with `IntegrityMismatch` before it ends (read-range.ts). Only a
 * regular file is opened: a fifo, socket or device is refused unopened. The caller checks `options.signal` before calling.
 * @throws StorageError `ObjectNotExist`, `ObjectModeInvalid` (a directory, or not a regular file),
 *   `Conflict` (412 or 304: an ETag condition does not hold), `InvalidArgument`, mapped fs errors.
 */
export async function openFileRead(paths: FsPaths, key: string, range: { offset?: number; size?: number }, options: DriverCallOptions): Promise<DriverReadResult> {
  if (key.endsWith("/")) await refuseDirKey(paths, key);
  const path = await paths.resolve(key);
  // Only a regular file is opened: a fifo, socket or device is refused unopened (open-regular.ts).
  const { handle, st: opened } = await paths.openFileInside(path, constants.O_RDONLY);
  let stream: Readable;
  let object: RawObject;
  try {
    const lockDir = await lockDirOf(handle, path);
    const look = await openFileLook(handle, opened, lockDir);
    const st = await committedStats(opened, look, lockDir);
    object = fileObject(key, st);
    checkEtagConditions(object.etag, options);
    const size = object.size!;
    const start = Math.min(range.offset ?? 0, size);
    const end = range.size === undefined ? size : Math.min(size, start + range.size);
    // Looked at again once read: a file written in place meanwhile fails the read (read-range.ts).
    stream = await readRange(handle, start, end, changedCheck(st, look));
  } catch (e) {
    await handle.close().catch(() => undefined);
    throw fsError(e);
  }
  const signal = options.signal;
  // Aborted while the file was opened: nothing is handed out (an abort would error the stream before anyone listens).
  if (signal?.aborted) {
    stream.destroy();
    throw abortError(signal);
  }
  // Through core's one listener per signal: many reads sharing a signal add no listener each (Node warns above 10).
  const unsubscribe = onAbort(signal, () => void stream.destroy(abortError(signal)));
  stream.once("close", unsubscribe);
  return { stream, object };
}
