import { Transform, type TransformCallback } from "node:stream";
import { ErrorCode, storageError, type Progress, type ProgressListener, type StorageError } from "@stowage/core";
import { committedStatSync } from "@stowage/fs";
import type { CopyEnv } from "./copy-object.js";
import type { PlanItem } from "./planner.js";
import { sourceUnchanged } from "./source-check.js";

// A local file rewritten while a copy reads it gives a copy that mixes both versions. The file is
// looked at again once its last byte is read and before that byte reaches the write, so a changed
// file fails the copy before it replaces anything: before the single request is sent, before a
// multipart upload's Complete, before the fs driver renames its temp file into place.

/** Where `item` is read from (a followed link: what it leads to). */
function sourceOf(env: CopyEnv, item: PlanItem): { store: CopyEnv["src"]["store"]; path: string } {
  return item.readFrom ?? { store: env.src.store, path: item.srcPath };
}

/**
 * The error a copy of a local file fails with when the file changed while it was read: nothing
 * was stored, the destination keeps what it held (and mv keeps the source). `size`: the file's
 * size now, when known; `read`: the bytes read.
 * @throws nothing
 */
export function changedWhileRead(env: CopyEnv, item: PlanItem, size: number | undefined, read: number): StorageError {
  const from = sourceOf(env, item);
  const kept = env.move ? "the source is kept and the destination keeps what it held" : "the destination keeps what it held";
  return storageError(ErrorCode.Conflict, `the source changed while it was copied (now ${size ?? "?"} bytes, ${read} read): the copy was not stored, ${kept}; run again`, {
    op: "copy",
    service: from.store.info.service,
    path: from.path,
  });
}

/**
 * Passes a streamed copy's source through, holding back the chunk that reaches `expected` bytes
 * (the planned size less a resume offset) until `check` (a fresh stat) says the file is unchanged,
 * and a read that ends short until it says so too. A changed file fails the stream with that
 * Conflict ({@link SourceGuard.failure}), the last bytes never sent. Only the first check runs
 * (more bytes after it are the write's to refuse: core cuts a body at its size).
 */
export class SourceGuard extends Transform {
  private passed = 0;
  private checked = false;
  /** The Conflict the stream failed with, once the file was found changed. */
  failure: StorageError | undefined;

  constructor(
    private readonly expected: number,
    private readonly check: (read: number) => Promise<StorageError | undefined>,
  ) {
    super();
  }

  /** Bytes passed so far. */
  get bytes(): number {
    return this.passed;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.passed += chunk.length;
    if (this.checked || this.passed < this.expected) return done(null, chunk);
    this.settle(done, chunk);
  }

  override _flush(done: TransformCallback): void {
    if (this.checked) return done();
    this.settle(done);
  }

  private settle(done: TransformCallback, chunk?: Buffer): void {
    this.checked = true;
    this.check(this.passed).then(
      (changed) => {
        if (changed === undefined) return done(null, chunk);
        this.failure = changed;
        done(changed);
      },
      (e: unknown) => done(e as Error),
    );
  }
}

/**
 * The guard of a streamed copy of `item` read from byte `offset`, when it is read through a file
 * system (fs) and has bytes to read; else undefined (a service's object is read in one GET, or in
 * ranges pinned to its ETag).
 * @throws nothing
 */
export function sourceGuard(env: CopyEnv, item: PlanItem, offset: number): SourceGuard | undefined {
  if (sourceOf(env, item).store.info.service !== "fs" || item.size <= offset) return undefined;
  return new SourceGuard(item.size - offset, async (read) => {
    const { same, size } = await sourceUnchanged(env, item, offset + read);
    return same ? undefined : changedWhileRead(env, item, size, offset + read);
  });
}

/**
 * The fs ETag of what is at local path `path` now (fs README "Etag": `"<mtime ns>-<size>-<inode>"`
 * in hex), and its size, as the fs driver reports them (a file an append is writing to, or that a
 * killed append left a torn tail on: as committed), so that they compare with the plan's; undefined
 * when nothing is there.
 */
function localNow(path: string): { etag: string; size: number } | undefined {
  const st = committedStatSync(path);
  if (st === undefined) return undefined;
  return { etag: `${st.mtimeNs.toString(16)}-${st.size.toString(16)}-${st.ino.toString(16)}`, size: Number(st.size) };
}

/**
 * A copy between two local directories by the fs driver (which calls its listener synchronously,
 * the last event `{ bytes: size, total: size }` before it renames the copy into place): `listener`
 * wrapped so that an event reaching the total looks at the source file (`file`, its local path)
 * first, and throws {@link changedWhileRead}'s Conflict when its size or ETag is no longer the
 * planned one, which leaves the destination as it was.
 * @throws nothing (the wrapper throws the Conflict)
 */
export function guardedLocalCopy(env: CopyEnv, item: PlanItem, file: string, listener: ProgressListener): ProgressListener {
  return (p: Progress) => {
    if (p.total !== undefined && p.bytes >= p.total) {
      const now = localNow(file);
      const planned = item.src.etag?.replace(/"/g, "").toLowerCase();
      if (now === undefined || now.size !== item.size || (planned !== undefined && planned !== now.etag)) {
        throw changedWhileRead(env, item, now?.size, p.bytes);
      }
    }
    listener(p);
  };
}
