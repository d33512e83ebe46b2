import type { Readable } from "node:stream";
import { ErrorCode } from "../errors/error-code.js";
import { isStorageError, storageError, type StorageError } from "../errors/storage-error.js";
import type { Body } from "../options.js";
import { abortError, onAbort, raceAbort, throwIfAborted } from "./abort.js";
import { readableChunks } from "./readable-chunks.js";
import { thrownText } from "../errors/thrown-text.js";

/**
 * Byte length of a body when it is known without reading it: Buffers and
 * Uint8Arrays by length, strings by UTF-8 length; streams and iterables → `undefined`.
 * @throws nothing
 */
export function bodySize(body: Body): number | undefined {
  if (typeof body === "string") return Buffer.byteLength(body, "utf8");
  if (body instanceof Uint8Array) return body.byteLength;
  return undefined;
}

/**
 * Reads any {@link Body} as Buffers: strings as UTF-8, Uint8Arrays (and
 * Uint8Array stream chunks) as Buffer views without copying, string stream
 * chunks as UTF-8. Empty chunks are skipped, so an empty body yields nothing.
 * When `signal` aborts, a pending read rejects at once with `Aborted` and a
 * Readable source is destroyed; stopping the iteration early also destroys it.
 *
 * @throws StorageError `InvalidArgument` (not a body, or a chunk that is not bytes),
 *   `Aborted`, `Unexpected` (the source stream failed; `cause` holds its error).
 */
export async function* bodyChunks(body: Body, signal?: AbortSignal): AsyncGenerator<Buffer, void, undefined> {
  throwIfAborted(signal);
  if (typeof body === "string") {
    if (body.length > 0) yield Buffer.from(body, "utf8");
    return;
  }
  if (body instanceof Uint8Array) {
    if (body.byteLength > 0) yield toBuffer(body);
    return;
  }
  if (!isAsyncIterable(body)) {
    throw storageError(ErrorCode.InvalidArgument, "body must be a Buffer, Uint8Array, string, Readable or AsyncIterable of bytes");
  }
  const readable = isReadable(body) ? body : undefined;
  const off = onAbort(signal, () => readable?.destroy());
  // A stream's own iterator joins what it buffered into a new Buffer on every read: one copy more.
  // Not for a stream someone reads through 'readable' events: it never flows (resume() has no effect).
  const flows = readable !== undefined && typeof readable.readableHighWaterMark === "number" && readable.listenerCount("readable") === 0;
  const it = flows ? readableChunks(readable) : body[Symbol.asyncIterator]();
  let pending = false;
  let finished = false;
  try {
    for (;;) {
      throwIfAborted(signal);
      pending = true;
      let step: IteratorResult<unknown>;
      try {
        // An abort destroys a Readable (above), which settles its pending read: no race needed, and
        // none paid per chunk (~0.2 core-s/GiB for 64 KiB chunks). Other iterables may stall: raced.
        step = readable !== undefined ? await it.next() : await raceAbort(it.next(), signal);
      } catch (e) {
        throw signal?.aborted ? abortError(signal) : sourceError(e);
      }
      pending = false;
      if (signal?.aborted) throw abortError(signal);
      if (step.done) {
        finished = true;
        return;
      }
      const chunk = toChunk(step.value);
      if (chunk.length > 0) yield chunk;
    }
  } finally {
    off();
    if (!finished && readable !== undefined) {
      // Nobody reads it any more: an error it reports while closing (or late) must not go unhandled.
      readable.on("error", () => undefined);
      readable.destroy();
    }
    if (!finished) {
      // A pending next() would queue return() behind it forever: don't wait then.
      const closing = Promise.resolve()
        .then(() => it.return?.())
        .catch(() => {});
      if (!pending) await closing;
    }
  }
}

/**
 * Yields exactly `size` bytes of `source`: a longer source is cut (and closed),
 * a shorter one fails once it ends. `size` 0 yields nothing and reads nothing.
 *
 * @throws StorageError `InvalidArgument` for a bad `size` or "body ended after N of M bytes".
 */
export async function* limitBody(source: AsyncIterable<Buffer>, size: number): AsyncGenerator<Buffer, void, undefined> {
  if (!Number.isSafeInteger(size) || size < 0) throw storageError(ErrorCode.InvalidArgument, `invalid body size ${size}`);
  let remaining = size;
  if (remaining === 0) return;
  for await (const chunk of source) {
    if (chunk.length >= remaining) {
      yield chunk.length === remaining ? chunk : chunk.subarray(0, remaining);
      remaining = 0;
      break;
    }
    yield chunk;
    remaining -= chunk.length;
  }
  if (remaining > 0) {
    throw storageError(ErrorCode.InvalidArgument, `body ended after ${size - remaining} of ${size} bytes`);
  }
}

/**
 * The chunks of `body` ({@link bodyChunks}), cut to exactly `size` bytes when a size is given
 * ({@link limitBody}). A body of size 0 is not read at all, so it is closed at once: a Readable is
 * destroyed (a file stream closes its file), an async iterator is returned.
 *
 * @throws StorageError as {@link bodyChunks} and {@link limitBody}, when iterated.
 */
export function sizedBodyChunks(body: Body, size: number | undefined, signal?: AbortSignal): AsyncIterable<Buffer> {
  const chunks = bodyChunks(body, signal);
  if (size === undefined) return chunks;
  if (size === 0) closeBody(body);
  return limitBody(chunks, size);
}

/**
 * Closes a streaming body that will not be read (any more): a Readable is destroyed (a file
 * stream closes its file), an async iterator is returned (without waiting: a generator busy in a
 * read finishes it first). Bytes, strings and anything that is not a body need nothing. An error
 * the Readable reports while closing (or later) is not left unhandled: nobody reads it any more.
 * @throws nothing
 */
export function closeBody(body: unknown): void {
  if (typeof body !== "object" || body === null || body instanceof Uint8Array) return;
  if (isReadable(body)) {
    body.on("error", () => undefined);
    body.destroy();
  } else if (isAsyncIterable(body)) {
    void Promise.resolve()
      .then(() => body[Symbol.asyncIterator]().return?.())
      .catch(() => {});
  }
}

/**
 * Reads all of `source` into one Buffer (no copy when it has a single chunk).
 *
 * @throws StorageError `InvalidArgument` when more than `max` bytes arrive (reading stops there).
 */
export async function collectBody(source: AsyncIterable<Buffer>, max?: number): Promise<Buffer> {
  if (isReadable(source) && !source.readableEnded && !source.destroyed) return collectReadable(source, max);
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of source) {
    total += chunk.length;
    if (max !== undefined && total > max) throw storageError(ErrorCode.InvalidArgument, `body is larger than ${max} bytes`);
    chunks.push(chunk);
  }
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, total);
}

/** {@link collectBody} of a live Readable through its events (cheaper than an async iterator for small bodies). */
function collectReadable(source: Readable, max: number | undefined): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    const done = (error: unknown, ok: boolean): void => {
      source.removeListener("data", onData);
      source.removeListener("end", onEnd);
      source.removeListener("error", onError);
      source.removeListener("close", onClose);
      if (ok) resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, total));
      else reject(error);
    };
    const onData = (chunk: Buffer | string): void => {
      const buf = typeof chunk === "string" ? Buffer.from(chunk, "utf8") : chunk;
      total += buf.length;
      if (max !== undefined && total > max) {
        source.destroy();
        done(storageError(ErrorCode.InvalidArgument, `body is larger than ${max} bytes`), false);
        return;
      }
      chunks.push(buf);
    };
    const onEnd = (): void => done(undefined, true);
    const onError = (e: unknown): void => done(e, false);
    const onClose = (): void => done(Object.assign(new Error("Premature close"), { code: "ERR_STREAM_PREMATURE_CLOSE" }), false);
    source.on("data", onData);
    source.once("end", onEnd);
    source.once("error", onError);
    source.once("close", onClose);
  });
}

/** What {@link readUpTo} read, and the way to go on. */
export interface BodyHead {
  /** Chunks read so far, in order, kept whole (so `headSize` may exceed `n`). Drained as `body` is iterated. */
  head: Buffer[];
  /** Bytes in `head` when `readUpTo` returned. */
  headSize: number;
  /** The source ended: `head` is the whole body. */
  done: boolean;
  /** The whole body: the head chunks, then the unread rest of the source. Iterate it at most once. */
  body: AsyncGenerator<Buffer, void, undefined>;
  /** Closes the source (destroys a stream) when `body` will not be iterated to its end. */
  close(): Promise<void>;
}

/**
 * Reads whole chunks of `source` until at least `n` bytes are buffered or it ends,
 * so a writer can choose between one request and a multipart upload:
 *
 * ```ts
 * const peek = await readUpTo(chunks, threshold + 1);
 * if (peek.done) await putOnce(Buffer.concat(peek.head, peek.headSize)); // ≤ threshold bytes
 * else await uploadMultipart(target, peek.body, options);             // head + rest
 * ```
 *
 * @throws whatever the source throws while the head is read.
 */
export async function readUpTo(source: AsyncIterable<Buffer> | AsyncIterator<Buffer>, n: number): Promise<BodyHead> {
  const it: AsyncIterator<Buffer> = Symbol.asyncIterator in source ? source[Symbol.asyncIterator]() : source;
  const head: Buffer[] = [];
  let headSize = 0;
  let done = false;
  while (headSize < n) {
    const step = await it.next();
    if (step.done) {
      done = true;
      break;
    }
    head.push(step.value);
    headSize += step.value.length;
  }
  let closed = done;
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    await it.return?.();
  };
  async function* body(): AsyncGenerator<Buffer, void, undefined> {
    try {
      while (head.length > 0) yield head.shift()!;
      while (!closed) {
        const step = await it.next();
        if (step.done) closed = true;
        else yield step.value;
      }
    } finally {
      await close();
    }
  }
  return { head, headSize, done, body: body(), close };
}

function toBuffer(data: Uint8Array): Buffer {
  return Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}

function toChunk(value: unknown): Buffer {
  if (value instanceof Uint8Array) return toBuffer(value);
  if (typeof value === "string") return Buffer.from(value, "utf8");
  const kind = value === null ? "null" : typeof value === "object" ? (value.constructor?.name ?? "object") : typeof value;
  throw storageError(ErrorCode.InvalidArgument, `body chunks must be bytes, got ${kind}`);
}

function sourceError(e: unknown): StorageError {
  if (isStorageError(e)) return e;
  const message = thrownText(e);
  return storageError(ErrorCode.Unexpected, `reading the body failed: ${message}`, { cause: e });
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof value === "object" && value !== null && typeof (value as AsyncIterable<unknown>)[Symbol.asyncIterator] === "function";
}

/**
 * True for a Node Readable (or any object that destroys, pipes and emits as one); false for
 * anything that is no object (`null`, `undefined`, a number, ...), so that a body check gets to say
 * what it is. @throws nothing
 */
export function isReadable(value: unknown): value is Readable {
  if (typeof value !== "object" || value === null) return false;
  const r = value as Readable;
  return typeof r.destroy === "function" && typeof r.on === "function" && typeof r.pipe === "function";
}
