import { crc64Equal, ErrorCode, storageError } from "@stowage/core";
import type { CopyEnv } from "./copy-object.js";
import type { PlanItem } from "./planner.js";

// Second looks at a source after its copy: mv deletes only what is unchanged, and a copy of a
// local file that changed after it was read is not kept. (A change while it was read fails the copy
// before anything is stored: source-guard.ts.)

function signalOf(env: CopyEnv): { signal: AbortSignal } {
  return { signal: env.signal };
}

/** Equal when both are known (ETags compared without quotes and case, times in whole seconds). */
function sameWhenKnown<T>(a: T | undefined, b: T | undefined, norm: (v: T) => string): boolean {
  return a === undefined || b === undefined || norm(a) === norm(b);
}

/**
 * Whether the source, stat'ed now, still is what was planned and copied (size, ETag, CRC64, time);
 * `size`: its size now.
 * @throws StorageError from the stat (ObjectNotExist, Aborted...)
 */
export async function sourceUnchanged(env: CopyEnv, item: PlanItem, copied: number): Promise<{ same: boolean; size: number | undefined }> {
  const from = item.readFrom ?? { store: env.src.store, path: item.srcPath };
  const now = await from.store.stat(from.path, signalOf(env));
  const etag = (v: string): string => v.replace(/"/g, "").toLowerCase();
  const seconds = (d: Date): string => String(Math.floor(d.getTime() / 1000));
  const same =
    now.size === copied &&
    (item.src.size === undefined || now.size === item.src.size) &&
    sameWhenKnown(item.src.etag, now.etag, etag) &&
    (item.src.crc64 === undefined || now.crc64 === undefined || crc64Equal(item.src.crc64, now.crc64)) &&
    sameWhenKnown(item.src.lastModified, now.lastModified, seconds);
  return { same, size: now.size };
}

/**
 * cp and sync from a local file: a file rewritten while it was read fails the copy before anything
 * is stored (source-guard.ts); one rewritten after its last byte was read, while the copy was being
 * stored, is caught here, once the copy has replaced what the destination held. Its time is later
 * than the edit, so a later sync could take it for up to date: the file is stat'ed again and, if it
 * changed, the copy is deleted — the destination's previous object is gone — and the object
 * reported. Sources on a service are read in one GET, or in ranges checked against the object's
 * ETag, so they need no second look.
 * @throws Conflict (the source changed: the copy was deleted), ObjectNotExist, Aborted
 */
export async function keepOnlyWhole(env: CopyEnv, item: PlanItem, copied: number): Promise<void> {
  const from = item.readFrom ?? { store: env.src.store, path: item.srcPath };
  if (from.store.info.service !== "fs") return;
  const { same, size } = await sourceUnchanged(env, item, copied);
  if (same) return;
  await env.dst.store.delete(item.dstPath).catch(() => undefined);
  throw storageError(
    ErrorCode.Conflict,
    `the source changed while it was copied (now ${size ?? "?"} bytes, ${copied} copied), after the copy had replaced what the destination held: ` +
      "the copy was deleted, so the destination's previous object is gone too; run again",
    { op: "copy", service: from.store.info.service, path: from.path },
  );
}

/**
 * mv: deletes the source once its copy is verified, but only when it still is
 * what was copied: a stat taken now must show the size copied and the ETag,
 * CRC64 and modification time planned. A source that changed (grew while it
 * was read, was rewritten, or was the destination itself under another name)
 * is kept and the object reported as failed.
 * @throws Conflict (the source changed: kept), ObjectNotExist, Aborted
 */
export async function deleteSource(env: CopyEnv, item: PlanItem, copied: number): Promise<void> {
  const from = item.readFrom ?? { store: env.src.store, path: item.srcPath };
  const { same, size } = await sourceUnchanged(env, item, copied);
  if (!same) {
    throw storageError(
      ErrorCode.Conflict,
      `the source changed while it was moved (now ${size ?? "?"} bytes, ${copied} copied): it was kept; the destination holds what was read`,
      { op: "delete", service: from.store.info.service, path: from.path },
    );
  }
  await env.src.store.delete(item.srcPath, signalOf(env));
}
