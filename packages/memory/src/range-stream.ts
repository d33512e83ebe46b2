import { Readable } from "node:stream";
import { abortError } from "@stowage/core";

/** Bytes per chunk of a read stream. */
const READ_CHUNK = 1024 * 1024;

/** Copies of `data[start, end)` in chunks of at most {@link READ_CHUNK} bytes. */
function* chunks(data: Buffer, start: number, end: number): Generator<Buffer> {
  for (let at = start; at < end; at += READ_CHUNK) yield Buffer.from(data.subarray(at, Math.min(end, at + READ_CHUNK)));
}

/**
 * A stream of copies of bytes `[offset, offset + size)` of `data` (clamped to its length), in
 * chunks of at most 1 MiB. Aborting `signal` destroys the stream with `Aborted`.
 * @throws nothing (an abort errors the stream).
 */
export function rangeStream(data: Buffer, range: { offset?: number; size?: number }, signal: AbortSignal | undefined): Readable {
  const start = Math.min(range.offset ?? 0, data.length);
  const end = range.size === undefined ? data.length : Math.min(data.length, start + range.size);
  const stream = Readable.from(chunks(data, start, end));
  if (signal !== undefined) {
    const onAbort = (): void => void stream.destroy(abortError(signal));
    signal.addEventListener("abort", onAbort, { once: true });
    stream.once("close", () => signal.removeEventListener("abort", onAbort));
  }
  return stream;
}
