import { isSharedArrayBuffer } from "node:util/types";
import { ErrorCode } from "../errors/error-code.js";
import { storageError } from "../errors/storage-error.js";
import { keepSpare, takeSpare } from "./spare-buffers.js";

/** A Buffer over fresh shared memory (SharedArrayBuffer), so worker threads can read it in place. */
export function sharedBuffer(size: number): Buffer {
  return Buffer.from(new SharedArrayBuffer(size), 0, size);
}

/** Copies made by {@link sharedConcat} that have not been recycled yet. */
const copies = new WeakSet<SharedArrayBuffer>();

/** Copies of at least this many bytes get a buffer rounded up to a multiple of it, so spares fit later copies of similar size. */
const COPY_SIZE_CLASS = 1024 * 1024;

/**
 * `size` bytes of `chunks` (in order) copied into one shared-memory Buffer: a
 * spare (spare-buffers.ts) when one of the size class is kept (from 1 MiB,
 * sizes round up to whole MiB), else new memory. Pass the result to
 * {@link recycleSharedCopy} once nothing uses it any more.
 */
export function sharedConcat(chunks: readonly Uint8Array[], size: number): Buffer {
  const capacity = size >= COPY_SIZE_CLASS ? Math.ceil(size / COPY_SIZE_CLASS) * COPY_SIZE_CLASS : size;
  const sab = takeSpare(capacity) ?? new SharedArrayBuffer(capacity);
  copies.add(sab);
  const out = Buffer.from(sab, 0, size);
  let at = 0;
  for (const c of chunks) {
    if (at >= size) break;
    const n = Math.min(c.length, size - at);
    out.set(n === c.length ? c : c.subarray(0, n), at);
    at += n;
  }
  return at === size ? out : out.subarray(0, at);
}

/**
 * Hands the memory of a {@link sharedConcat} result on as a spare: call it only
 * when nothing holds `view` (or another view of its memory) any more. Anything
 * else (a caller's buffer, a copy already recycled) is ignored.
 *
 * @throws nothing.
 */
export function recycleSharedCopy(view: Uint8Array): void {
  const sab = view.buffer;
  if (isSharedArrayBuffer(sab) && copies.delete(sab)) keepSpare(sab);
}

/**
 * Reusable part buffers of one upload, in shared memory: `acquire` hands out a
 * free one (allocating while fewer than `max` exist), `release` takes back one
 * whose upload succeeded, `discard` forgets one that may still be referenced
 * (a failed request) — it is never handed out again, and `close` (the upload is
 * over) hands the free buffers on as process-wide spares (spare-buffers.ts), so
 * the next upload of the same part size reuses them rather than mapping fresh
 * memory. Memory stays at about `partSize × max` plus discarded buffers the
 * garbage collector has not freed (and, for a short while after, the spares).
 * `partSize` is the size of the buffers: it may be less than the parts cut into
 * them (see {@link fillParts}), a part that outgrows one then moving to a larger
 * buffer ({@link PartBufferPool.grow}).
 */
export class PartBufferPool {
  private readonly free: Buffer[] = [];
  private readonly out = new Set<SharedArrayBuffer>();
  private closed = false;

  /**
   * @throws StorageError `InvalidArgument` when `partSize` or `max` is not a positive integer.
   */
  constructor(
    readonly partSize: number,
    readonly max: number,
  ) {
    if (!Number.isSafeInteger(partSize) || partSize <= 0 || !Number.isSafeInteger(max) || max <= 0) {
      throw storageError(ErrorCode.InvalidArgument, `part buffers need a positive size and count, got ${partSize} × ${max}`);
    }
  }

  /** A new buffer of `size` bytes; an allocation that fails is the part size's fault (see {@link PartBufferPool.acquire}). */
  private allocate(size: number): Buffer {
    try {
      return sharedBuffer(size);
    } catch (e) {
      if (!(e instanceof RangeError)) throw e;
      const held = this.out.size + this.free.length;
      throw storageError(
        ErrorCode.InvalidArgument,
        `cannot allocate a part buffer of ${size} bytes (part_size)${held > 0 ? ` besides the ${held} this write holds` : ""}: give a smaller part_size (or concurrency)`,
        { cause: e },
      );
    }
  }

  /** Buffers handed out and not yet released or discarded. */
  get outstanding(): number {
    return this.out.size;
  }

  /**
   * A `partSize`-byte shared buffer (reused or new; its old contents are not cleared).
   * @throws StorageError `InvalidArgument` naming `part_size` when the memory cannot be had (the
   *   allocation's `RangeError` as `cause`): a part size too large for this process, not a fault.
   */
  acquire(): Buffer {
    let buf = this.free.pop();
    if (buf === undefined) {
      const spare = takeSpare(this.partSize);
      buf = spare === undefined ? this.allocate(this.partSize) : Buffer.from(spare, 0, this.partSize);
    }
    this.out.add(buf.buffer as SharedArrayBuffer);
    return buf;
  }

  /**
   * Takes back the buffer `view` lies in; nothing may use it any more. Unknown
   * views are ignored. After {@link PartBufferPool.close}, or beyond `max`, it
   * becomes a process-wide spare. A buffer of another size than the pool's (one a
   * part outgrew into, see {@link PartBufferPool.grow}) is left to the garbage
   * collector: spares are taken by exact size, and these odd sizes would only
   * crowd out ones that are taken again.
   */
  release(view: Uint8Array): void {
    const sab = view.buffer as SharedArrayBuffer;
    if (!this.out.delete(sab)) return;
    if (sab.byteLength !== this.partSize) return;
    if (!this.closed && this.free.length + this.out.size < this.max) this.free.push(Buffer.from(sab, 0, this.partSize));
    else keepSpare(sab);
  }

  /**
   * A larger buffer for a part that filled `full` (a buffer of this pool, handed out) and goes on:
   * twice its size, at most `limit` bytes, with its first `held` bytes copied in. `full` is taken
   * back as {@link PartBufferPool.release} does; the new buffer is handed out in its place, and
   * released or discarded like the others, but never handed out again by this pool.
   * @throws StorageError `InvalidArgument` naming `part_size` when the memory cannot be had.
   */
  grow(full: Buffer, held: number, limit: number): Buffer {
    const bigger = this.allocate(Math.min(limit, Math.max(full.length * 2, held + 1)));
    full.copy(bigger, 0, 0, held);
    this.release(full);
    this.out.add(bigger.buffer as SharedArrayBuffer);
    return bigger;
  }

  /**
   * The upload is over: free buffers, and those released from now on, become
   * process-wide spares for the next upload. Buffers still handed out stay
   * with their holder until released or discarded. The pool can still hand out
   * buffers (from the spares or new).
   */
  close(): void {
    this.closed = true;
    for (let buf = this.free.pop(); buf !== undefined; buf = this.free.pop()) keepSpare(buf.buffer as SharedArrayBuffer);
  }

  /** Forgets the buffer `view` lies in without reusing it. */
  discard(view: Uint8Array): void {
    this.out.delete(view.buffer as SharedArrayBuffer);
  }

  /** True when `view` lies in a buffer of this pool that is handed out. */
  owns(view: Uint8Array): boolean {
    return this.out.has(view.buffer as SharedArrayBuffer);
  }
}

/**
 * Re-cuts `source` into parts of exactly `partSize` bytes (the last may be
 * smaller; an empty source yields nothing), copying every byte once into a
 * buffer from `pool`: each part is a view of a pooled buffer, valid until the
 * caller releases or discards it. A buffer is acquired only when the first byte
 * of its part arrives, so at most one part is being filled at a time.
 *
 * The pool's buffers may be smaller than `partSize` (sized for the bytes a body is expected to
 * have, a file's length from a stat): a part that fills one and goes on moves to a buffer twice
 * as large (at most `partSize`; one more copy of what it held), so a body longer than expected is
 * cut into the same parts, never truncated.
 *
 * @throws StorageError `InvalidArgument` when `partSize` is not a positive integer, or a part
 *   buffer cannot be allocated; anything the source throws.
 */
export async function* fillParts(source: AsyncIterable<Buffer>, partSize: number, pool: PartBufferPool): AsyncGenerator<Buffer, void, undefined> {
  if (!Number.isSafeInteger(partSize) || partSize <= 0) {
    throw storageError(ErrorCode.InvalidArgument, `part size must be a positive integer, got ${partSize}`);
  }
  let part: Buffer | undefined;
  let held = 0;
  try {
    for await (const input of source) {
      let at = 0;
      while (at < input.length) {
        part ??= pool.acquire();
        if (held === part.length) part = pool.grow(part, held, partSize);
        const take = Math.min(partSize - held, part.length - held, input.length - at);
        input.copy(part, held, at, at + take);
        held += take;
        at += take;
        if (held === partSize) {
          const full = part.subarray(0, held);
          part = undefined;
          held = 0;
          yield full;
        }
      }
    }
    if (part !== undefined && held > 0) {
      const last = part.subarray(0, held);
      part = undefined;
      yield last;
    }
  } finally {
    // A part being filled when the source failed or the caller stopped is not handed out.
    if (part !== undefined) pool.release(part);
  }
}
