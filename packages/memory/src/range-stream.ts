import { Readable } from "node:stream";
import { abortError, onAbort } from "@stowage/core";
import { nextTurn, STEP_BYTES } from "./steps.js";

/** Bytes per chunk of a read stream. */
const READ_CHUNK = 1024 * 1024;

/** Copies of `data[start, end)` in chunks of at most {@link READ_CHUNK} bytes. */
function* chunks(data: Buffer, start: number, end: number): Generator<Buffer> {
  for (let at = start; at < end; at += READ_CHUNK) yield Buffer.from(data.subarray(at, Math.min(end, at + READ_CHUNK)));
}

/**
 * {@link chunks}, with a turn of the event loop after every {@link STEP_BYTES}: copying never
 * waits on I/O, so a consumer that keeps up would otherwise take the whole range before any
 * timer (an abort) could run.
 */
async function* steppedChunks(data: Buffer, start: number, end: number): AsyncGenerator<Buffer> {
  let sinceTurn = 0;
  for (const chunk of chunks(data, start, end)) {
    if (sinceTurn >= STEP_BYTES) {
      sinceTurn = 0;
      await nextTurn();
    }
    sinceTurn += chunk.length;
    yield chunk;
  }
}

/**
 * A stream of copies of bytes `[offset, offset + size)` of `data` (clamped to its length), in
 * chunks of at most 1 MiB. Aborting `signal` destroys the stream with `Aborted`; a range larger
 * than {@link STEP_BYTES} lets the event loop turn between steps, so an abort from a timer
 * stops it part-way. The caller checks `signal` first (an abort now would error the stream before anyone listens).
 * @throws nothing (an abort errors the stream).
 */
export function rangeStream(data: Buffer, range: { offset?: number; size?: number }, signal: AbortSignal | undefined): Readable {
  const start = Math.min(range.offset ?? 0, data.length);
  const end = range.size === undefined ? data.length : Math.min(data.length, start + range.size);
  const stream = Readable.from(end - start > STEP_BYTES ? steppedChunks(data, start, end) : chunks(data, start, end));
  // Through core's one listener per signal: many reads sharing a signal add no listener each (Node warns above 10).
  const unsubscribe = onAbort(signal, () => void stream.destroy(abortError(signal)));
  stream.once("close", unsubscribe);
  return stream;
}
