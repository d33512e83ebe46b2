import { crc64Equal, ErrorCode, isStorageError, type ObjectInfo } from "@stowage/core";
import { hashObject } from "../verify.js";
import type { CopyEnv } from "./copy-object.js";
import type { PlanItem } from "./planner.js";
import type { Sent } from "./stream-copy.js";
import { uploadExists } from "./upload-to-resume.js";

/**
 * A checkpointed copy whose write failed with `ObjectNotExist` (`NoSuchUpload`) while its source
 * read was fine: its multipart upload is gone. Another run sharing the checkpoint may have resumed
 * and completed it (one that took this run's lock for a dead run's: checkpoint-lock.ts). When the
 * upload `uploadId` of `key` is gone and the destination holds the source's bytes — the planned
 * size, and the same CRC-64: the source's as listed, else as its stat reports, else read and hashed;
 * the destination's as its stat reports, else read and hashed — the copy is done, and this returns
 * what the destination holds (as a write's answer, for verification), with a warning. Else
 * undefined: the caller fails with the write's error. Either way the upload leaves the checkpoint.
 * @throws StorageError of the stats and reads (Aborted...); callers treat a throw as "not done"
 */
export async function completedElsewhere(env: CopyEnv, item: PlanItem, key: string, uploadId: string): Promise<Sent | undefined> {
  if (await uploadExists(env.dst.store, key, uploadId, env.signal)) return undefined;
  env.checkpoint?.dropUpload(key);
  const done = await holdsSource(env, item, key);
  if (done !== undefined) env.warn?.(item, "its upload was completed by another run, and the destination holds the source's bytes (size and CRC-64 checked): nothing more to send");
  return done;
}

/**
 * Whether the destination `key` already holds the source's bytes: the planned size, and the same
 * CRC-64 (the source's as listed, else as its stat reports, else read and hashed; the destination's
 * as its stat reports, else read and hashed). What it holds (as a write's answer, for
 * verification) when it does; else undefined (nothing there, a link, another size or CRC-64).
 * Used where a recorded multipart upload is found gone: it may have been completed (by another
 * run, or by an earlier run killed or interrupted before it recorded the object done).
 * @throws StorageError of the stats and reads (Aborted...)
 */
export async function holdsSource(env: CopyEnv, item: PlanItem, key: string): Promise<Sent | undefined> {
  const dst = env.dst.store;
  const signal = { signal: env.signal };
  let now: ObjectInfo;
  try {
    now = await dst.stat(key, signal);
  } catch (e) {
    if (isStorageError(e, ErrorCode.ObjectNotExist)) return undefined;
    throw e;
  }
  if (now.mode === "link" || now.size !== item.size) return undefined;
  const from = item.readFrom ?? { store: env.src.store, path: item.srcPath };
  const source =
    item.src.crc64 ?? (from.store.features.crc64 ? (await from.store.stat(from.path, signal)).crc64 : undefined) ?? (await hashObject(from.store, from.path, signal)).crc64!;
  const stored = now.crc64 ?? (await hashObject(dst, key, signal)).crc64!;
  if (!crc64Equal(source, stored)) return undefined;
  return { size: item.size, crc64: source, ...(now.etag === undefined ? {} : { etag: now.etag }) };
}
