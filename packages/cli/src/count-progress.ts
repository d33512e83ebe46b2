import type { Writable } from "node:stream";
import cliProgress from "cli-progress";
import type { ProgressMode } from "./context.js";
import { barOptions } from "./bar-options.js";

/** Options of {@link CountProgress}. */
export interface CountProgressOptions {
  mode: ProgressMode;
  stream: Writable;
  /** Milliseconds between lines in `lines` mode. */
  intervalMs: number;
  /** Prefix of each line (`uploads`). */
  label: string;
  /** What is done to each item, as `sync` says `comparing` (`aborting`). */
  doing: string;
  /** The items, plural (`uploads`). */
  items: string;
  /** How many items there are to do. */
  total: number;
}

/**
 * Shows how many of a known number of items a command has done, one request each (`uploads
 * --abort`): one cli-progress bar on a terminal, a plain line every `intervalMs` otherwise
 * (`uploads: aborting 120/3000 uploads`: items finished, done or failed), or nothing.
 */
export class CountProgress {
  private count = 0;
  private bar: cliProgress.SingleBar | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly options: CountProgressOptions) {}

  /** Starts drawing. @throws nothing */
  start(): void {
    const { mode, stream, intervalMs, label, doing, items, total } = this.options;
    if (mode === "bars") {
      this.bar = new cliProgress.SingleBar(barOptions(stream as NodeJS.WritableStream, intervalMs, `${label} [{bar}] {percentage}% | ${doing} {value}/{total} ${items}`));
      this.bar.start(Math.max(1, total), 0);
    } else if (mode === "lines") {
      this.timer = setInterval(() => stream.write(this.line() + "\n"), intervalMs);
      this.timer.unref();
    }
  }

  /** Counts one more item finished (done, or failed). @throws nothing */
  tick(): void {
    this.count++;
    this.bar?.update(this.count);
  }

  /** Stops drawing (a bar's last state stays on screen). @throws nothing */
  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    if (this.bar !== undefined) {
      this.bar.update(this.count);
      this.bar.stop();
      this.bar = undefined;
    }
  }

  /** The plain line of `lines` mode. @throws nothing */
  line(): string {
    const { label, doing, items, total } = this.options;
    return `${label}: ${doing} ${this.count}/${total} ${items}`;
  }
}
