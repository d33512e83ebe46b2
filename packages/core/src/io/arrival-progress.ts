import type { ProgressListener } from "../options.js";

/**
 * Counts the bytes of a download as they arrive (a driver's `fetch` of a URL) and reports them:
 * `{ bytes, total }` after each chunk (`total`: the size the server announced, raised to the
 * bytes counted if more came; left out when it announced none), and, from {@link ArrivalProgress.finish},
 * `{ bytes, total: bytes }` unless that was the last report. Calls go straight to `onProgress`:
 * what it throws reaches the caller of `add` or `finish`.
 */
export class ArrivalProgress {
  /** Bytes counted so far. */
  bytes = 0;
  private lastTotal: number | undefined;

  /** @throws nothing */
  constructor(
    private readonly size: number | undefined,
    private readonly onProgress: ProgressListener,
  ) {}

  /**
   * Counts `n` more bytes and reports them.
   * @throws whatever `onProgress` throws.
   */
  add(n: number): void {
    this.bytes += n;
    this.lastTotal = this.size === undefined ? undefined : Math.max(this.size, this.bytes);
    this.onProgress(this.lastTotal === undefined ? { bytes: this.bytes } : { bytes: this.bytes, total: this.lastTotal });
  }

  /**
   * The download is complete: reports `{ bytes, total: bytes }` unless the last report said exactly that.
   * @throws whatever `onProgress` throws.
   */
  finish(): void {
    if (this.lastTotal !== this.bytes) this.onProgress({ bytes: this.bytes, total: this.bytes });
  }
}
