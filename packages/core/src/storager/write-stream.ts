import { PassThrough, Writable } from "node:stream";
import type { WriteResult } from "../storager.js";

/**
 * Bytes each side of the adapter buffers before it pushes back: a few of a
 * file stream's 64 KiB chunks, not less than one (with the 16 KiB default,
 * every chunk waited for a 'drain': ~7% more CPU per GiB on a 256 MiB upload).
 */
const STREAM_BUFFER = 1024 * 1024;

/** A Writable over a write call; `result` is set once the object is stored. */
export interface ObjectWriteStream extends Writable {
  result?: WriteResult;
}

/**
 * Adapts `write(body)` to a Writable: chunks flow into `write` through a
 * PassThrough with backpressure, and 'finish' is held back until `write`
 * resolved, so it fires only once the object is stored. A failed write
 * destroys the stream with the write's error.
 *
 * - Bytes past what `write` takes (more than its `size`) are accepted and dropped, as `write`
 *   truncates a longer body: the stream finishes with the stored `size` bytes.
 * - `destroy()` before the object is stored aborts `cancel`, the signal given to `write` (the
 *   caller combines it with its own signal): in flight parts are cancelled and the upload aborted, as with the caller's `signal`); a
 *   multipart Complete already sent is not cancelled. 'close' comes once the write has settled:
 *   `result` is then set only if the object was stored after all. As with any stream, only
 *   `destroy(error)` emits 'error'.
 */
export function createObjectWriteStream(write: (body: PassThrough, cancel: AbortSignal) => Promise<WriteResult>): ObjectWriteStream {
  const body = new PassThrough({ highWaterMark: STREAM_BUFFER });
  // The write reports the body's failures; an 'error' on it must not go unhandled meanwhile.
  body.on("error", () => undefined);
  const cancel = new AbortController();
  let failure: Error | undefined;
  let settled = false;
  /** The callback of a chunk waiting for the body to drain (or to close: then no drain comes). */
  let waiting: ((error?: Error) => void) | undefined;
  const release = (): void => {
    const done = waiting;
    waiting = undefined;
    done?.(failure);
  };
  body.on("drain", release);
  body.on("close", release);

  const stored = write(body, cancel.signal).then(
    (result) => {
      settled = true;
      stream.result = result;
      release();
      return result;
    },
    (e: unknown) => {
      settled = true;
      failure = e as Error;
      body.destroy();
      release();
      throw e;
    },
  );
  stored.catch(() => undefined);

  const stream: ObjectWriteStream = new Writable({
    highWaterMark: STREAM_BUFFER,
    write(chunk: Buffer, _encoding, done) {
      if (failure) return done(failure);
      // The write has all it takes (`size` bytes; the body is then closed): the rest is cut.
      if (settled || body.destroyed) return done();
      if (body.write(chunk)) return done();
      waiting = done;
    },
    final(done) {
      if (!body.destroyed) body.end();
      stored.then(
        () => done(),
        (e: unknown) => done(e as Error),
      );
    },
    destroy(error, done) {
      if (settled) return done(error);
      cancel.abort(error ?? new Error("write stream destroyed before the object was stored"));
      if (!body.destroyed) body.destroy();
      stored.then(
        () => done(error),
        () => done(error),
      );
    },
  });
  // A write that fails before the caller ends the stream still surfaces.
  stored.catch((e: unknown) => {
    if (!stream.destroyed && !stream.writableFinished) stream.destroy(e as Error);
  });
  return stream;
}
