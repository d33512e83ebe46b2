import { Transform, type TransformCallback } from "node:stream";

/**
 * Passes on bytes `[offset, offset + size)` of what flows through and drops
 * the rest: for an answer to a Range request that carries the whole object
 * (OSS does that for ranges it deems invalid unless asked for standard
 * behaviour, and HTTP allows it). Bytes past the range are read and dropped.
 */
export class RangeSlice extends Transform {
  private seen = 0;
  private readonly stop: number;

  constructor(
    private readonly offset: number,
    size: number | undefined,
  ) {
    super();
    this.stop = size === undefined ? Number.POSITIVE_INFINITY : offset + size;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    const start = this.seen;
    this.seen += chunk.length;
    const from = Math.max(0, this.offset - start);
    const to = Math.min(chunk.length, this.stop - start);
    if (to > from) this.push(from === 0 && to === chunk.length ? chunk : chunk.subarray(from, to));
    done();
  }
}
