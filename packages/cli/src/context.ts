import type { Readable, Writable } from "node:stream";
import { shownLines } from "./errors.js";
import { Locations } from "./locations.js";
import { outputError } from "./output.js";

/** The process around a command run; tests pass their own streams. */
export interface CliIO {
  stdin: Readable;
  stdout: Writable;
  stderr: Writable;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Whether stderr is a terminal (progress bars) and stdin is one (confirmation prompts). */
  stderrIsTTY: boolean;
  stdinIsTTY: boolean;
}

/** How progress is shown: bars on a terminal, periodic lines otherwise, or nothing. */
export type ProgressMode = "bars" | "lines" | "none";

/** Flags every command accepts. */
export interface GlobalOptions {
  debug: boolean;
  quiet: boolean;
  config?: string;
  progress: "auto" | ProgressMode;
  /** Seconds between progress lines when not on a terminal. */
  progressInterval: number;
}

/** What a command gets: io, flags, the abort signal and the location parser. */
export class CliContext {
  readonly locations: Locations;
  /** The exit code the command asks for when it returns normally (e.g. 13 after a verify mismatch). */
  exitCode = 0;

  /** @throws nothing */
  constructor(
    readonly io: CliIO,
    readonly options: GlobalOptions,
    readonly signal: AbortSignal,
  ) {
    this.locations = new Locations({ cwd: io.cwd, env: io.env, ...(options.config ? { configPath: options.config } : {}), warn: (line) => this.warn(line) });
  }

  /** The progress mode after resolving `auto` and `--quiet`. */
  get progressMode(): ProgressMode {
    if (this.options.quiet) return "none";
    if (this.options.progress !== "auto") return this.options.progress;
    return this.io.stderrIsTTY ? "bars" : "lines";
  }

  /**
   * Writes a line of command output to stdout. Once a write to stdout failed (its reader went away:
   * EPIPE; a full disk: ENOSPC; ...), throws that error, so the command stops: `run` ends it with
   * its own exit code, or the one for a failed output.
   * @throws the stdout's write error (a NodeJS.ErrnoException, not a StorageError).
   */
  out(line: string): void {
    const before = outputError(this.io.stdout);
    if (before !== undefined) throw before;
    this.io.stdout.write(line + "\n");
    const after = outputError(this.io.stdout);
    if (after !== undefined) throw after;
  }

  /**
   * Writes a status line to stderr (suppressed by `--quiet`), secrets redacted and control
   * characters escaped (as `describeError` does).
   * @throws nothing (a failed write to stderr goes to the stream)
   */
  info(line: string): void {
    if (!this.options.quiet) this.io.stderr.write(shownLines(line) + "\n");
  }

  /**
   * Writes a warning to stderr, even with `--quiet`, secrets redacted and control characters
   * escaped (as `describeError` does: a service's message in it cannot reach the terminal raw).
   * @throws nothing (a failed write to stderr goes to the stream)
   */
  warn(line: string): void {
    this.io.stderr.write(`stowage: ${shownLines(line)}\n`);
  }

  /** Raises the exit code (the first non-zero code wins). @throws nothing */
  fail(code: number): void {
    if (this.exitCode === 0) this.exitCode = code;
  }
}
