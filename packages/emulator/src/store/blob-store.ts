import { Readable } from "node:stream";

/** A reference to a stored blob and its length, used to concatenate parts. */
export interface BlobRef {
  id: string;
  size: number;
}

/**
 * Where object and part bytes live. Ids are chosen by the store and are
 * unique per version, so a reader of an old version is never disturbed by a
 * new write.
 */
export interface BlobStore {
  /** Stores `chunks` under `id`. */
  put(id: string, chunks: readonly Buffer[]): Promise<void>;
  /**
   * Stores the concatenation of `sources` under `id` (sources stay).
   * @throws Error when a source is missing (removed): nothing is stored under `id`
   */
  concat(id: string, sources: readonly BlobRef[]): Promise<void>;
  /**
   * Appends `chunks` to the blob `id` (created if missing). With `at`, the blob's length the
   * append starts at: bytes past it (a failed append's) are cut off first.
   */
  append(id: string, chunks: readonly Buffer[], at?: number): Promise<void>;
  /** Streams bytes `[start, end)` of blob `id`. */
  read(id: string, start: number, end: number): Readable;
  /** Removes blob `id`; missing ids are ignored. */
  remove(id: string): Promise<void>;
  /** Removes what writes a crash cut short left (a store on disk; called once at start, before any write). */
  removeStale?(): Promise<void>;
  /**
   * Removes the blobs whose id is not in `referenced`, the ids the saved records name (a store on
   * disk; called once at start, before any write): bytes a crash left that no record names.
   */
  removeUnreferenced?(referenced: ReadonlySet<string>): Promise<SweepResult>;
}

/** What {@link BlobStore.removeUnreferenced} did: how many blobs it removed, or why it looked at none. */
export type SweepResult = { removed: number } | { skipped: string };

/** Yields bytes `[start, end)` of a list of buffers without copying. */
function* sliceChunks(chunks: readonly Buffer[], start: number, end: number): Generator<Buffer> {
  let at = 0;
  for (const c of chunks) {
    const cStart = at;
    const cEnd = at + c.length;
    at = cEnd;
    if (cEnd <= start) continue;
    if (cStart >= end) break;
    yield c.subarray(Math.max(0, start - cStart), Math.min(c.length, end - cStart));
  }
}

/**
 * A Readable handing out `chunks` as they are (views of the stored buffers, never copied). In
 * object mode: a byte-mode Readable fed one chunk at a time concatenates the one it holds with the
 * next on every read (a copy of the whole body as it streams); each chunk is a Buffer all the same.
 */
function chunkStream(chunks: Iterable<Buffer>): Readable {
  return Readable.from(chunks, { objectMode: true, highWaterMark: 4 });
}

/** Keeps blobs as lists of Buffers in memory (the default). */
export class MemoryBlobStore implements BlobStore {
  private readonly blobs = new Map<string, readonly Buffer[]>();

  async put(id: string, chunks: readonly Buffer[]): Promise<void> {
    this.blobs.set(id, chunks.slice());
  }

  async concat(id: string, sources: readonly BlobRef[]): Promise<void> {
    const all: Buffer[] = [];
    for (const s of sources) {
      const chunks = this.blobs.get(s.id);
      // A removed part would make an object shorter than its size says: refuse (DirBlobStore fails to read it too).
      if (chunks === undefined) throw new Error(`blob ${s.id} is missing`);
      all.push(...chunks);
    }
    this.blobs.set(id, all);
  }

  async append(id: string, chunks: readonly Buffer[], at?: number): Promise<void> {
    const kept = this.blobs.get(id) ?? [];
    this.blobs.set(id, [...(at === undefined ? kept : [...sliceChunks(kept, 0, at)]), ...chunks]);
  }

  read(id: string, start: number, end: number): Readable {
    return chunkStream(sliceChunks(this.blobs.get(id) ?? [], start, end));
  }

  async remove(id: string): Promise<void> {
    this.blobs.delete(id);
  }
}

const ZEROS = Buffer.alloc(1024 * 1024);

/** Yields `n` zero bytes in 1 MiB slices of one shared buffer (never written to: a flipped byte is flipped in a copy). */
function* zeros(n: number): Generator<Buffer> {
  for (let left = n; left > 0; left -= ZEROS.length) yield ZEROS.subarray(0, Math.min(left, ZEROS.length));
}

/**
 * Bench mode: keeps no bytes. Reads return zeros of the requested length, so
 * downloads can be measured without memory growing with uploads.
 */
export class DiscardBlobStore implements BlobStore {
  async put(): Promise<void> {}
  async concat(): Promise<void> {}
  async append(): Promise<void> {}
  read(_id: string, start: number, end: number): Readable {
    return chunkStream(zeros(Math.max(0, end - start)));
  }
  async remove(): Promise<void> {}
}
