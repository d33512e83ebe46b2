import { pipeline, Transform, type Readable, type TransformCallback } from "node:stream";
import { ErrorCode, Md5, storageError, type ObjectInfo, type Storager } from "@stowage/core";
import type { CopyEnv } from "./copy-object.js";

/** MD5 of the bytes passing through (for services that report MD5 but no CRC64). */
export class Md5Tap extends Transform {
  readonly md5 = new Md5();
  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.md5.update(chunk);
    done(null, chunk);
  }
}

/** The source read of a streamed copy, as {@link openSource} opens it. */
export interface SourceRead {
  /** The read itself (destroy it when the write fails). */
  read: Readable;
  /** What the write takes: the read through the throttle and MD5 tap, when there are any. */
  body: Readable;
  /**
   * With `wantObject`: what the source's answer says of the object (content type, user metadata:
   * what a listing may lack), resolved as soon as its headers arrived, before the write starts;
   * undefined when it describes none. Rejects with the read's error when the read fails first.
   */
  object?: Promise<ObjectInfo | undefined>;
}

/**
 * The largest range a `--read-concurrency` read asks for: a part size (up to 5 GiB) would hold
 * `readConcurrency + 1` such ranges in memory; 64 MiB ranges already fill a far link.
 */
export const READ_RANGE_MAX = 64 * 1024 * 1024;

/**
 * Opens the source read of a streamed copy from `offset` on (ranged reads of `partSize`, at most
 * {@link READ_RANGE_MAX}, with `--read-concurrency`), through the throttle, `md5` and `guard` (source-guard.ts) when given. With `wantObject` the read
 * starts at once and `object` tells what its answer says of the object (no extra request). Read
 * errors (StorageError from the source, Aborted) come through the streams (and `object`); destroy
 * both streams when the write fails.
 */
export function openSource(
  env: CopyEnv,
  from: { store: Storager; path: string },
  partSize: number,
  offset: number,
  md5: Md5Tap | undefined,
  wantObject = false,
  guard?: Transform,
): SourceRead {
  const taps: Transform[] = [];
  if (env.throttle !== undefined) taps.push(env.throttle.stream(env.signal));
  if (md5 !== undefined) taps.push(md5);
  // Last: what it holds back reaches the write only once its check passed.
  if (guard !== undefined) taps.push(guard);
  const settings = env.settings;
  const ranged = settings.readConcurrency > 1 ? { readConcurrency: settings.readConcurrency, readPartSize: Math.min(partSize, READ_RANGE_MAX) } : {};
  const answer = wantObject ? objectAnswer() : undefined;
  const read = from.store.createReadStream(from.path, {
    ...ranged,
    ...(offset > 0 ? { offset } : {}),
    signal: env.signal,
    ...(answer === undefined ? {} : { onObject: answer.tell }),
  });
  const body: Readable = taps.length === 0 ? read : (pipeline([read, ...taps], () => undefined) as unknown as Readable);
  if (answer === undefined) return { read, body };
  return { read, body, object: answer.await(read) };
}

/** A promise of a read's `onObject` answer: `tell` is the listener, `await` starts the read and waits. */
function objectAnswer(): { tell: (object: ObjectInfo | undefined) => void; await: (read: Readable) => Promise<ObjectInfo | undefined> } {
  let told: { object: ObjectInfo | undefined } | undefined;
  let settle: ((object: ObjectInfo | undefined) => void) | undefined;
  return {
    tell: (object) => {
      told = { object };
      settle?.(object);
    },
    await: (read) =>
      new Promise<ObjectInfo | undefined>((resolve, reject) => {
        if (told !== undefined) return resolve(told.object);
        // Core tells the answer before the stream delivers a byte or ends; it may fail (or be destroyed) first.
        const failed = (e: unknown): void => done(() => reject(e));
        const closed = (): void => done(() => reject(read.errored ?? storageError(ErrorCode.Unexpected, "the source read closed before its answer")));
        const done = (then: () => void): void => {
          read.off("error", failed);
          read.off("close", closed);
          settle = undefined;
          then();
        };
        settle = (object) => done(() => resolve(object));
        read.once("error", failed);
        read.once("close", closed);
        // Starts the read (the body is not flowing yet when it has no taps); what arrives waits in its buffer.
        read.read(0);
      }),
  };
}
