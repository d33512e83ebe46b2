import type { SigningClock } from "./signing-clock.js";

/** Clock offsets smaller than this are not worth a correction (Date has second resolution). */
const SKEW_TOLERANCE_MS = 1500;

/**
 * What one HTTP client knows of its service's clock: the offset from the local clock learned from
 * the `Date` of an answer refusing the request time, and whether an answer's `Date` confirmed it
 * (see {@link SigningClock}).
 */
export class ServiceClock {
  private offsetMs = 0;
  private checked = false;

  /** Milliseconds added to the local clock. */
  get offset(): number {
    return this.offsetMs;
  }

  /** The offset and whether it was confirmed, as recorded for a request signed now. */
  get state(): SigningClock {
    return { offsetMs: this.offsetMs, checked: this.checked };
  }

  /** The local clock corrected by the offset. */
  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }

  /** After a refused request time: takes the offset from the answer's `Date` when it is off by 1.5 s or more. */
  learn(date: string | undefined): void {
    const server = Date.parse(date ?? "");
    const offset = server - Date.now();
    if (!Number.isNaN(server) && Math.abs(offset - this.offsetMs) >= SKEW_TOLERANCE_MS) this.offsetMs = offset;
    this.compare(date);
  }

  /** After any answer: the clock is confirmed once an answer's `Date` agrees with it within 1.5 s. */
  compare(date: string | undefined): void {
    if (this.checked) return; // once confirmed, the answers' dates are not parsed any more
    const server = Date.parse(date ?? "");
    if (!Number.isNaN(server) && Math.abs(server - (Date.now() + this.offsetMs)) < SKEW_TOLERANCE_MS) this.checked = true;
  }
}
