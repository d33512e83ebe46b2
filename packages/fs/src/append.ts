import { writeFile } from "node:fs/promises";
import { crc64Combine, crc64Equal, ErrorCode, storageError, type DriverBody, type RawObject } from "@stowage/core";
import { checkAppendBase, forgetAppend, rememberAppend } from "./append-base.js";
import { replaceAtomically } from "./atomic.js";
import { writeBody } from "./body.js";
import { fsError } from "./errors.js";
import { withFileLock } from "./file-lock.js";
import { dateOf, etagOf } from "./objects.js";
import type { FsPaths } from "./paths.js";

/**
 * Creates `path` empty, or truncates it, atomically (and durably with `durable`); returns the append object.
 * @throws StorageError `ObjectModeInvalid`, `Aborted`, mapped fs errors.
 */
export async function createAppendFile(paths: FsPaths, key: string, path: string, signal?: AbortSignal, durable = false): Promise<RawObject> {
  await replaceAtomically(paths, path, (temp) => writeFile(temp, "", { flag: "wx" }), signal, durable);
  const st = await paths.statInside(path);
  return { key, mode: "append", appendOffset: 0, size: 0, ...(st ? { etag: etagOf(st), lastModified: dateOf(st) } : {}) };
}

/**
 * Appends `body` to `path` at `offset`, which must be the file's size (the file
 * opened is checked to lie inside the work_dir of `paths`). With
 * `body.appendBaseCrc64` (core sends the append object's CRC-64), the file must
 * also still hold the bytes the append object describes (append-base.ts), so an
 * append never goes onto a file that replaced the object. A
 * failed or aborted append is cut back off, leaving the file as it was. With
 * `durable`, the file is fsynced before the append reports success. Appends
 * to one file from this process are serialised (check, then write), so of two
 * at one offset the second fails with `Conflict`; appends from other processes
 * are not seen. Returns the file's CRC-64 (the checked bytes' combined with the
 * chunk's) when the bytes were checked and the file is then exactly the append's
 * end long; else none.
 * @throws StorageError `ObjectNotExist`, `ObjectModeInvalid` (not a file, or not the append object's
 *   bytes), `Conflict` (offset), `IntegrityMismatch`, `InvalidArgument`, `Aborted`.
 */
export async function appendToFile(paths: FsPaths, path: string, offset: number, body: DriverBody, signal?: AbortSignal, durable = false): Promise<{ appendOffset: number; crc64?: string }> {
  // Checked after opening: only a file inside the work_dir is ever written to.
  const handle = await paths.openInside(path, "r+");
  try {
    const opened = await handle.stat();
    if (!opened.isFile()) throw storageError(ErrorCode.ObjectModeInvalid, "this path is not a file");
    return await withFileLock(opened.dev, opened.ino, async () => {
      // The size now, with the lock held: an append that got in first moved it.
      const before = await handle.stat({ bigint: true });
      if (before.size !== BigInt(offset)) throw storageError(ErrorCode.Conflict, `append position is ${before.size}, not ${offset}`);
      const base = body.appendBaseCrc64;
      if (base !== undefined) await checkAppendBase(handle, before, base, signal);
      try {
        await writeBody(handle, body, signal, offset);
        if (durable) await handle.sync();
      } catch (e) {
        await handle.truncate(offset).catch(() => undefined);
        forgetAppend(before);
        throw e;
      }
      const after = await handle.stat({ bigint: true }).catch(() => undefined);
      const end = offset + body.size;
      // What the file now holds: the bytes checked above and the chunk, when nothing else moved it meanwhile.
      const crc = base !== undefined && body.crc64 !== undefined && crc64Equal(body.crc64, body.crc64) ? crc64Combine(BigInt(base), BigInt(body.crc64), body.size) : undefined;
      const known = crc !== undefined && after !== undefined && after.size === BigInt(end);
      if (known) rememberAppend(after, crc);
      else if (after !== undefined) forgetAppend(after);
      // The file's CRC-64 for core (the append object's `crc64`, checked again by the next append), only when known.
      return known ? { appendOffset: end, crc64: crc.toString() } : { appendOffset: end };
    });
  } catch (e) {
    throw fsError(e);
  } finally {
    await handle.close().catch(() => undefined);
  }
}
