import type { Writable } from "node:stream";
import cliProgress from "cli-progress";
import type { ProgressMode } from "./context.js";
import { formatBytes, formatRate } from "./format.js";
import { barOptions } from "./bar-options.js";

/**
 * What `sync`'s planner tells of its compare phase (the objects whose size matches and whose
 * content it must hash or stat to decide): how many there are, each chunk hashed, each one decided.
 */
export interface CompareListener {
  /** The compare phase starts, with `total` objects to compare. */
  start(total: number): void;
  /** `bytes` more were read and hashed (either side). */
  hashed(bytes: number): void;
  /** One more object was compared (or failed to be). */
  compared(): void;
}

/** Options of {@link CompareProgress}. */
export interface CompareProgressOptions {
  mode: ProgressMode;
  stream: Writable;
  /** Milliseconds between lines in `lines` mode. */
  intervalMs: number;
  /** Prefix of each line (`sync`). */
  label: string;
}

/**
 * Shows `sync`'s compare phase, which reads every local file whose size matches its counterpart's
 * (and stats objects whose listing has no checksum) before anything is copied: objects compared of
 * the total and bytes hashed, as one cli-progress bar on a terminal, as a plain line every
 * `intervalMs` otherwise (`sync: comparing 120/3054 objects, 45.0 MiB hashed (12.3 MiB/s)`), or
 * not at all. Nothing is drawn until {@link CompareProgress.start}, so a sync with nothing to
 * compare shows nothing.
 */
export class CompareProgress implements CompareListener {
  private started = 0;
  private total = 0;
  private done = 0;
  private bytes = 0;
  private bar: cliProgress.SingleBar | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly options: CompareProgressOptions) {}

  /** Starts drawing, with `total` objects to compare. @throws nothing */
  start(total: number): void {
    this.started = Date.now();
    this.total = total;
    const { mode, stream } = this.options;
    if (mode === "bars") {
      this.bar = new cliProgress.SingleBar(barOptions(stream as NodeJS.WritableStream, this.options.intervalMs, "{name} [{bar}] {percentage}% | {value}/{total} objects | {hashed} hashed | {speed}"));
      this.bar.start(Math.max(1, total), 0, this.payload());
    } else if (mode === "lines") {
      this.timer = setInterval(() => stream.write(this.line() + "\n"), this.options.intervalMs);
      this.timer.unref();
    }
  }

  /** Counts `bytes` more hashed. @throws nothing */
  hashed(bytes: number): void {
    this.bytes += bytes;
    this.bar?.update(this.done, this.payload());
  }

  /** Counts one more object compared. @throws nothing */
  compared(): void {
    this.done++;
    this.bar?.update(this.done, this.payload());
  }

  /** Stops drawing (a bar's last state stays on screen). @throws nothing */
  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    if (this.bar !== undefined) {
      this.bar.update(this.done, this.payload());
      this.bar.stop();
      this.bar = undefined;
    }
  }

  /** The plain line of `lines` mode. @throws nothing */
  line(): string {
    return `${this.options.label}: comparing ${this.done}/${this.total} objects, ${formatBytes(this.bytes)} hashed (${this.speed()})`;
  }

  private speed(): string {
    return formatRate(this.bytes, Date.now() - this.started);
  }

  private payload(): Record<string, string> {
    return { name: `${this.options.label} compare`, hashed: formatBytes(this.bytes), speed: this.speed() };
  }
}
