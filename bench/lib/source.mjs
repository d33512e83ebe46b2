// Upload sources shared by every client, so they all read the same kind of stream.
//
// A source yields fresh 64 KiB Buffers (as fs.createReadStream does), copied
// from a random pool: a client that holds on to chunks pays for it in RSS,
// as it would with a real file.

import { randomFillSync } from "node:crypto";
import { Readable } from "node:stream";

export const KiB = 1024;
export const MiB = 1024 * KiB;

/** Chunk size of upload streams (fs.createReadStream's default). */
export const CHUNK = 64 * KiB;

const POOL = randomFillSync(Buffer.allocUnsafe(8 * MiB));

/** `size` random bytes starting at `seed`'s place in the pool (a copy). */
export function randomBody(size, seed = 0) {
  if (size > POOL.length) throw new Error(`randomBody: ${size} bytes exceed the ${POOL.length}-byte pool`);
  const start = (seed * 4099) % (POOL.length - size + 1);
  return Buffer.from(POOL.subarray(start, start + size));
}

/** Yields `size` bytes in fresh {@link CHUNK}-byte Buffers. Bounded by `size`. */
export function* chunks(size) {
  let at = 0;
  for (let left = size; left > 0; left -= CHUNK) {
    const n = Math.min(CHUNK, left);
    if (at + n > POOL.length) at = 0;
    const chunk = Buffer.allocUnsafe(n);
    POOL.copy(chunk, 0, at, at + n);
    at += n;
    yield chunk;
  }
}

/** A Readable of `size` bytes in fresh 64 KiB chunks, like a file stream. */
export function sourceStream(size) {
  return Readable.from(chunks(size), { objectMode: false, highWaterMark: CHUNK });
}

/**
 * Cuts an async iterable of Buffers into parts of `partSize` bytes, each part a
 * list of chunk views (no copy). The last part may be shorter.
 */
export async function* partsOf(source, partSize) {
  let part = [];
  let filled = 0;
  for await (const c of source) {
    let chunk = c;
    while (chunk.length > 0) {
      const take = Math.min(chunk.length, partSize - filled);
      part.push(take === chunk.length ? chunk : chunk.subarray(0, take));
      filled += take;
      chunk = chunk.subarray(take);
      if (filled === partSize) {
        yield { chunks: part, size: filled };
        part = [];
        filled = 0;
      }
    }
  }
  if (filled > 0) yield { chunks: part, size: filled };
}
