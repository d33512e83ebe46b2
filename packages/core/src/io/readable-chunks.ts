import type { Readable } from "node:stream";

/**
 * The chunks of a Readable, one by one, as it pushed them: an async iterator
 * like `readable[Symbol.asyncIterator]()` without its copies. Node's iterator
 * calls `read()`, which joins every chunk buffered so far into one new Buffer
 * (`Buffer.concat`): behind a PassThrough with a 1 MiB buffer, as in a write
 * stream, that copied each byte once more before core copied it into a part.
 * This reader takes the chunks from 'data' events instead, in flowing mode, and
 * pauses the stream while it holds twice `readableHighWaterMark` bytes (chunks,
 * in object mode) that were not asked for yet, so memory stays bounded as with
 * `read()`. Measured (a 512 MiB source of 64 KiB chunks behind a
 * 1 MiB PassThrough, consumer doing nothing): ~0.13 core-s/GiB against ~0.22-0.33
 * for Node's iterator; straight from a file-like stream, the same as Node's.
 *
 * Ends when the stream ends. A stream that fails rejects the pending `next()`
 * with its error; one destroyed before its end rejects with a premature-close
 * error (`code` `ERR_STREAM_PREMATURE_CLOSE`), as Node's iterator does. Chunks
 * still held when it fails are dropped. `return()` stops listening and leaves
 * the stream paused (the caller decides whether to destroy it).
 *
 * @throws whatever the stream emits as 'error', or the premature-close error, from `next()`.
 */
export function readableChunks(readable: Readable): AsyncIterableIterator<unknown> {
  const held: unknown[] = [];
  let heldSize = 0;
  // Twice the stream's own buffer: pausing at 1× paused and resumed a 64 KiB file stream on every chunk.
  const limit = 2 * Math.max(1, readable.readableHighWaterMark || 0);
  const sizeOf = (chunk: unknown): number =>
    readable.readableObjectMode ? 1 : typeof chunk === "string" ? chunk.length : (chunk as Uint8Array).byteLength;
  let ended = readable.readableEnded;
  let failure: unknown = readable.errored ?? (readable.destroyed && !ended ? prematureClose() : undefined);
  let wake: (() => void) | undefined;
  const signal = (): void => {
    const w = wake;
    wake = undefined;
    w?.();
  };

  const onData = (chunk: unknown): void => {
    held.push(chunk);
    heldSize += sizeOf(chunk);
    if (heldSize >= limit) readable.pause();
    signal();
  };
  const onEnd = (): void => {
    ended = true;
    signal();
  };
  const onError = (e: unknown): void => {
    failure ??= e;
    signal();
  };
  const onClose = (): void => {
    if (!ended) failure ??= readable.errored ?? prematureClose();
    signal();
  };
  let listening = false;
  const listen = (): void => {
    listening = true;
    readable.on("data", onData);
    readable.on("end", onEnd);
    readable.on("error", onError);
    readable.on("close", onClose);
    readable.resume();
  };
  const stop = (): void => {
    if (!listening) return;
    listening = false;
    readable.removeListener("data", onData);
    readable.removeListener("end", onEnd);
    readable.removeListener("error", onError);
    readable.removeListener("close", onClose);
    readable.pause();
  };

  const iterator: AsyncIterableIterator<unknown> = {
    async next(): Promise<IteratorResult<unknown>> {
      if (!listening && failure === undefined && !ended) listen();
      for (;;) {
        if (failure !== undefined) {
          stop();
          throw failure;
        }
        if (held.length > 0) {
          const chunk = held.shift();
          heldSize -= sizeOf(chunk);
          if (heldSize < limit && readable.isPaused() && listening) readable.resume();
          return { value: chunk, done: false };
        }
        if (ended) {
          stop();
          return { value: undefined, done: true };
        }
        await new Promise<void>((resolve) => (wake = resolve));
      }
    },
    async return(): Promise<IteratorResult<unknown>> {
      stop();
      held.length = 0;
      ended = true;
      return { value: undefined, done: true };
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}

function prematureClose(): Error {
  return Object.assign(new Error("Premature close"), { code: "ERR_STREAM_PREMATURE_CLOSE" });
}
