import { Transform, type Readable, type TransformCallback } from "node:stream";

/**
 * Passes on bytes `[offset, offset + size)` of what flows through and drops
 * the rest: for a server that answered a Range request with the whole object
 * (HTTP allows ignoring Range). Bytes past the range are read and dropped.
 */
export class RangeSlice extends Transform {
  private seen = 0;
  private readonly stop: number;

  /** @throws nothing */
  constructor(
    private readonly offset: number,
    size: number | undefined,
  ) {
    super();
    this.stop = size === undefined ? Number.POSITIVE_INFINITY : offset + size;
  }

  /** @throws nothing */
  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    const start = this.seen;
    this.seen += chunk.length;
    const from = Math.max(0, this.offset - start);
    const to = Math.min(chunk.length, this.stop - start);
    if (to > from) this.push(from === 0 && to === chunk.length ? chunk : chunk.subarray(from, to));
    done();
  }
}

/**
 * Pipes `source` into `through` so that an error of either ends both, and
 * destroying `through` (a consumer stopping early) releases `source`.
 * @throws nothing
 */
export function pipeThrough<T extends Transform>(source: Readable, through: T): T {
  source.once("error", (e) => through.destroy(e));
  through.once("close", () => source.destroy());
  source.pipe(through);
  return through;
}

/** `source` cut down to `[offset, offset + size)`, for a whole-object answer to a ranged read. @throws nothing */
export function sliceRange(source: Readable, offset: number, size: number | undefined): Readable {
  return pipeThrough(source, new RangeSlice(offset, size));
}
