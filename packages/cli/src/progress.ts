import type { Writable } from "node:stream";
import cliProgress from "cli-progress";
import type { ProgressMode } from "./context.js";
import { formatBytes, formatEta, formatRate } from "./format.js";
import { barOptions } from "./bar-options.js";

/** Objects at least this large get their own bar (when bars are shown). */
const FILE_BAR_MIN = 1024 * 1024;
/** Most per-object bars shown at once. */
const MAX_FILE_BARS = 8;

/** Progress of one object in a transfer. */
export interface ObjectProgress {
  /** Bytes of this object done so far (cumulative). */
  update(bytes: number): void;
  /** The object finished (or failed: `ok` false, its bytes no longer counted as done). */
  end(ok: boolean): void;
}

/** Options of {@link TransferProgress}. */
export interface TransferProgressOptions {
  mode: ProgressMode;
  stream: Writable;
  /** Milliseconds between lines in `lines` mode. */
  intervalMs: number;
  /** Prefix of each line (`sync`, `cp`...). */
  label: string;
  objects: number;
  bytes: number;
}

/**
 * Shows a transfer's progress: bytes, objects, speed and ETA, as cli-progress
 * bars (one overall, one per large object in flight) on a terminal, as a
 * plain line every few seconds otherwise, or not at all.
 */
export class TransferProgress {
  private readonly started = Date.now();
  private bytesDone = 0;
  private objectsDone = 0;
  private multibar: cliProgress.MultiBar | undefined;
  private overall: cliProgress.SingleBar | undefined;
  private timer: NodeJS.Timeout | undefined;
  private fileBars = 0;

  constructor(private readonly options: TransferProgressOptions) {}

  /** Starts drawing. */
  start(): void {
    const { mode, stream } = this.options;
    if (mode === "bars") {
      this.multibar = new cliProgress.MultiBar({
        ...barOptions(stream as NodeJS.WritableStream, this.options.intervalMs, "{name} [{bar}] {percentage}% | {done}/{total_h} | {objects} | {speed} | ETA {eta_h}"),
        autopadding: true,
      });
      this.overall = this.multibar.create(Math.max(1, this.options.bytes), 0, this.payload());
    } else if (mode === "lines") {
      this.timer = setInterval(() => stream.write(this.line() + "\n"), this.options.intervalMs);
      this.timer.unref();
    }
  }

  /** Tracks one object; `name` is shown on its bar. */
  object(name: string, size: number): ObjectProgress {
    let last = 0;
    let bar: cliProgress.SingleBar | undefined;
    if (this.multibar !== undefined && size >= FILE_BAR_MIN && this.fileBars < MAX_FILE_BARS) {
      this.fileBars++;
      bar = this.multibar.create(size, 0, { name: shorten(name), done: formatBytes(0), total_h: formatBytes(size) }, { format: "  {name} [{bar}] {percentage}% | {done}/{total_h}" });
    }
    return {
      update: (bytes) => {
        if (bytes <= last) return;
        this.bytesDone += bytes - last;
        last = bytes;
        bar?.update(bytes, { done: formatBytes(bytes) });
        this.refresh();
      },
      end: (ok) => {
        if (ok) {
          if (size > last) this.bytesDone += size - last;
          last = Math.max(last, size);
          this.objectsDone++;
        } else {
          // A failed object's bytes are not done: what it sent (parts of an aborted upload, a refused body) is taken back.
          this.bytesDone -= last;
          last = 0;
        }
        if (bar !== undefined) {
          this.multibar?.remove(bar);
          this.fileBars--;
        }
        this.refresh();
      },
    };
  }

  /** Prints a line without breaking the bars. */
  log(line: string): void {
    if (this.multibar !== undefined) this.multibar.log(line + "\n");
    else this.options.stream.write(line + "\n");
  }

  /** Stops drawing (the last state stays on screen). */
  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    if (this.multibar !== undefined) {
      this.refresh();
      this.multibar.stop();
      this.multibar = undefined;
    }
  }

  /** The plain progress line of `lines` mode. */
  line(): string {
    const { label, objects, bytes } = this.options;
    const pct = bytes > 0 ? Math.floor((this.bytesDone * 100) / bytes) : 100;
    return `${label}: ${this.objectsDone}/${objects} objects, ${formatBytes(this.bytesDone)}/${formatBytes(bytes)} (${pct}%), ${this.speed()}, ETA ${this.eta()}`;
  }

  private speed(): string {
    return formatRate(this.bytesDone, Date.now() - this.started);
  }

  private eta(): string {
    return formatEta(this.options.bytes, this.bytesDone, Date.now() - this.started);
  }

  private payload(): Record<string, string> {
    return {
      name: this.options.label,
      done: formatBytes(this.bytesDone),
      total_h: formatBytes(this.options.bytes),
      objects: `${this.objectsDone}/${this.options.objects} objects`,
      speed: this.speed(),
      eta_h: this.eta(),
    };
  }

  private refresh(): void {
    this.overall?.update(Math.min(this.bytesDone, Math.max(1, this.options.bytes)), this.payload());
  }
}

function shorten(name: string): string {
  return name.length <= 28 ? name : "…" + name.slice(-27);
}
