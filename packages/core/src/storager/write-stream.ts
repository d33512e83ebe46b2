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
 */
export function createObjectWriteStream(write: (body: PassThrough) => Promise<WriteResult>): ObjectWriteStream {
  const body = new PassThrough({ highWaterMark: STREAM_BUFFER });
  let failure: Error | undefined;
  const stored = write(body).catch((e: unknown) => {
    failure = e as Error;
    body.destroy();
    throw e;
  });
  stored.catch(() => undefined);

  const stream: ObjectWriteStream = new Writable({
    highWaterMark: STREAM_BUFFER,
    write(chunk: Buffer, _encoding, done) {
      if (failure) return done(failure);
      if (body.write(chunk)) done();
      else body.once("drain", () => done(failure));
    },
    final(done) {
      body.end();
      stored.then(
        (result) => {
          stream.result = result;
          done();
        },
        (e: unknown) => done(e as Error),
      );
    },
    destroy(error, done) {
      if (!body.destroyed) body.destroy(error ?? new Error("write stream destroyed before finish"));
      done(error);
    },
  });
  // A write that fails before the caller ends the stream still surfaces.
  stored.catch((e: unknown) => {
    if (!stream.destroyed && !stream.writableFinished) stream.destroy(e as Error);
  });
  return stream;
}
