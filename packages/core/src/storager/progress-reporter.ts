import type { ProgressListener } from "../options.js";

/**
 * Reports cumulative bytes to a listener and closes with the final size. Reports never go
 * backwards: a retried request sends its body again from 0, and those bytes are reported only
 * once they pass what the failed attempt had reached.
 */
export class ProgressReporter {
  private last = -1;

  constructor(
    private readonly listener: ProgressListener | undefined,
    private readonly total: number | undefined,
  ) {}

  /** Reports `bytes` done so far, unless it is not more than already reported. */
  report = (bytes: number): void => {
    if (this.listener === undefined || bytes <= this.last) return;
    this.last = bytes;
    this.listener(this.total === undefined ? { bytes } : { bytes, total: this.total });
  };

  /** Reports the final size once, if it was not the last thing reported. */
  finish(size: number): void {
    if (this.listener === undefined || this.last === size) return;
    this.last = size;
    this.listener({ bytes: size, total: size });
  }
}
