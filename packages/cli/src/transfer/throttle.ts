import { Transform, type TransformCallback } from "node:stream";
import { abortError } from "@stowage/core";

/** Largest slice of a chunk released at once, so a slow limit stays smooth. */
const SLICE = 64 * 1024;

/**
 * A bandwidth limit shared by every transfer of a command (`--bwlimit`): each
 * byte is released no sooner than its turn at `bytesPerSecond`.
 */
export class Throttle {
  private nextFree = 0;

  constructor(readonly bytesPerSecond: number) {}

  /** Waits until `n` more bytes may pass. @throws StorageError `Aborted`. */
  async take(n: number, signal?: AbortSignal): Promise<void> {
    const now = Date.now();
    const start = Math.max(now, this.nextFree);
    this.nextFree = start + (n * 1000) / this.bytesPerSecond;
    const wait = this.nextFree - now;
    if (wait < 1) return;
    await new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(abortError(signal));
      const timer = setTimeout(() => {
        signal?.removeEventListener("abort", stop);
        resolve();
      }, wait);
      const stop = (): void => {
        clearTimeout(timer);
        reject(abortError(signal));
      };
      signal?.addEventListener("abort", stop, { once: true });
    });
  }

  /** A pass-through stream that paces the bytes flowing through it. */
  stream(signal?: AbortSignal): Transform {
    return new ThrottledStream(this, signal);
  }
}

/** Releases each chunk in slices, each after the throttle allows it. */
class ThrottledStream extends Transform {
  constructor(
    private readonly throttle: Throttle,
    private readonly signal: AbortSignal | undefined,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.release(chunk).then(
      () => done(),
      (e: unknown) => done(e as Error),
    );
  }

  private async release(chunk: Buffer): Promise<void> {
    for (let at = 0; at < chunk.length; at += SLICE) {
      const slice = chunk.subarray(at, at + SLICE);
      await this.throttle.take(slice.length, this.signal);
      this.push(slice);
    }
  }
}
