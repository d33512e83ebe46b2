/**
 * Runners of the CLI in a {@link Workspace}: `main` in this process, or the built binary as a child
 * process, in the workspace's directory with its environment. A run's second argument is its stdin,
 * or {@link RunExtras}.
 */
import { beforeAll } from "@jest/globals";
import { PassThrough } from "node:stream";
import { main, run, type MainResult } from "../src/index.js";
import { ensureBuilt, runCli, type CliResult } from "./helpers.js";
import type { Workspace } from "./workspace.js";

/** What one run may add or change. */
export interface RunExtras {
  /** The run's stdin (default: empty). */
  stdin?: string | Buffer;
  /** Variables over the runner's environment, for this run. */
  env?: NodeJS.ProcessEnv;
  /** Where the run starts (default: the workspace's directory). */
  cwd?: string;
}

/** {@link RunExtras} of an in-process run. */
export interface InProcessExtras extends RunExtras {
  /** Aborts the run, as Ctrl-C does. */
  signal?: AbortSignal;
}

/** Options of {@link inProcess} and {@link binary}. */
export interface RunnerOptions {
  /** Variables over the workspace's environment on every run, read as each run starts (a profile on an emulator started in `beforeAll`, say). */
  env?: () => NodeJS.ProcessEnv;
}

/** Options of {@link binary}. */
export interface BinaryOptions extends RunnerOptions {
  /** Kills the child after this long (default: {@link runCli}'s). */
  timeoutMs?: number;
}

/** A run's stdin, or its extras. */
export type RunInput<E extends RunExtras> = string | Buffer | E;

/** The extras `input` stands for (a string or a Buffer is the stdin). */
function extrasOf<E extends RunExtras>(input: RunInput<E> | undefined): Partial<E> {
  if (typeof input === "string" || Buffer.isBuffer(input)) return { stdin: input } as Partial<E>;
  return input ?? {};
}

/** The workspace's environment, with the runner's variables over it and the run's over those. */
function envOf(ws: Workspace, options: RunnerOptions, extra: NodeJS.ProcessEnv | undefined): NodeJS.ProcessEnv {
  return { ...ws.env, ...options.env?.(), ...extra };
}

/** `stowage <argv...>` through {@link main}, in this process. */
export function inProcess(ws: Workspace, options: RunnerOptions = {}): (argv: readonly string[], input?: RunInput<InProcessExtras>) => Promise<MainResult> {
  return (argv, input) => {
    const { stdin, signal, cwd, env } = extrasOf(input);
    return main(argv, {
      env: envOf(ws, options, env),
      cwd: cwd ?? ws.work,
      ...(stdin === undefined ? {} : { stdin }),
      ...(signal === undefined ? {} : { signal }),
    });
  };
}

/** Watchers of an in-process run's output ({@link watched}): each told the whole output so far as it grows. */
export interface OutputWatchers {
  stdout?: (all: string) => void;
  stderr?: (all: string) => void;
}

/**
 * `stowage <argv...>` through `run` in this process (non-TTY, empty stdin, never aborted), its output
 * seen as it is written: `watch.stdout` / `watch.stderr` get the whole text so far after each chunk,
 * for a test that checks what was printed before the run went on (progress lines, the first
 * comparisons before the last page).
 */
export function watched(ws: Workspace): (argv: readonly string[], watch?: OutputWatchers) => Promise<MainResult> {
  return async (argv, watch = {}) => {
    const text = { stdout: "", stderr: "" };
    const sink = (name: "stdout" | "stderr"): PassThrough =>
      new PassThrough().on("data", (c: Buffer) => {
        text[name] += c.toString("utf8");
        watch[name]?.(text[name]);
      });
    const io = { stdin: new PassThrough().end(), stdout: sink("stdout"), stderr: sink("stderr"), env: ws.env, cwd: ws.work, stderrIsTTY: false, stdinIsTTY: false };
    const code = await run(argv, io, new AbortController().signal);
    return { code, ...text };
  };
}

/**
 * `stowage <argv...>` through the built binary ({@link runCli}). Registers a `beforeAll` that builds
 * the CLI when its dist is missing or older than its sources (ensureBuilt), so call it in the file or a `describe` block, not in a test.
 */
export function binary(ws: Workspace, options: BinaryOptions = {}): (argv: readonly string[], input?: RunInput<RunExtras>) => Promise<CliResult> {
  beforeAll(ensureBuilt);
  return (argv, input) => {
    const { stdin, cwd, env } = extrasOf(input);
    return runCli(argv, {
      env: envOf(ws, options, env),
      cwd: cwd ?? ws.work,
      ...(stdin === undefined ? {} : { input: stdin }),
      ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    });
  };
}

/** A run's exit code and stderr, and its `--stats-json` summary. */
export interface StatsRun<S> {
  code: number;
  stderr: string;
  /** The first stdout line that starts with `{`, parsed (undefined: none). */
  stats: S | undefined;
}

/** `run` (a pending in-process run given `--stats-json`) with its summary parsed. */
export async function withStats<S>(run: Promise<MainResult>): Promise<StatsRun<S>> {
  const r = await run;
  const line = r.stdout.split("\n").find((l) => l.startsWith("{"));
  return { code: r.code, stderr: r.stderr, stats: line === undefined ? undefined : (JSON.parse(line) as S) };
}
