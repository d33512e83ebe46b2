import { pipeline, Transform, type Readable, type TransformCallback } from "node:stream";
import { Md5, type Storager } from "@stowage/core";
import type { CopyEnv } from "./copy-object.js";

/** MD5 of the bytes passing through (for services that report MD5 but no CRC64). */
export class Md5Tap extends Transform {
  readonly md5 = new Md5();
  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.md5.update(chunk);
    done(null, chunk);
  }
}

/**
 * Opens the source read of a streamed copy from `offset` on (ranged reads of `partSize` with
 * `--read-concurrency`), through the throttle and `md5` when given. Read errors (StorageError from
 * the source, Aborted) come through the streams; destroy both when the write fails.
 */
export function openSource(env: CopyEnv, from: { store: Storager; path: string }, partSize: number, offset: number, md5: Md5Tap | undefined): { read: Readable; body: Readable } {
  const taps: Transform[] = [];
  if (env.throttle !== undefined) taps.push(env.throttle.stream(env.signal));
  if (md5 !== undefined) taps.push(md5);
  const settings = env.settings;
  const ranged = settings.readConcurrency > 1 ? { readConcurrency: settings.readConcurrency, readPartSize: partSize } : {};
  const read = from.store.createReadStream(from.path, { ...ranged, ...(offset > 0 ? { offset } : {}), signal: env.signal });
  const body: Readable = taps.length === 0 ? read : (pipeline([read, ...taps], () => undefined) as unknown as Readable);
  return { read, body };
}
