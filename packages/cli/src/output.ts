import type { Writable } from "node:stream";

/**
 * The exit code of a command whose stdout was closed by its reader (EPIPE, e.g. `| head`) before it
 * wrote all its output, when it had not failed otherwise: 128 + SIGPIPE, as a shell reports a
 * process that SIGPIPE ended (the output is incomplete, so it is no success).
 */
export const EXIT_OUTPUT_CLOSED = 141;

/** The exit code of a command whose other write to stdout failed (ENOSPC, EBADF...), when it had not failed otherwise. */
export const EXIT_OUTPUT_FAILED = 1;

/** The first write error of each watched stream since {@link watchOutput} (re)started watching it. */
const failures = new WeakMap<Writable, NodeJS.ErrnoException>();
/** Streams with the `'error'` listener of {@link watchOutput}. */
const watched = new WeakSet<Writable>();

/**
 * Starts (or starts again, forgetting an earlier failure) to record the first failed write to
 * `stream`, and keeps that failure's `'error'` event from crashing the process. One listener per
 * stream, however often it is called.
 * @throws nothing
 */
export function watchOutput(stream: Writable): void {
  failures.delete(stream);
  if (watched.has(stream)) return;
  watched.add(stream);
  stream.on("error", (e: NodeJS.ErrnoException) => {
    if (!failures.has(stream)) failures.set(stream, e);
  });
}

/**
 * The first error a write to `stream` failed with since {@link watchOutput}, or undefined while
 * every write went through. Known as soon as the write returns (the stream's `errored`, which a
 * process stdout clears again), before its `'error'` event.
 * @throws nothing
 */
export function outputError(stream: Writable): NodeJS.ErrnoException | undefined {
  const seen = failures.get(stream);
  if (seen !== undefined) return seen;
  const now = stream.errored ?? undefined;
  if (now !== undefined) failures.set(stream, now);
  return now;
}

/**
 * True when `e` is `failed`, the stdout failure, as a command passes it on (thrown again by
 * `CliContext.out`, or the rejection of a `pipeline` into stdout).
 * @throws nothing
 */
export function isOutputFailure(e: unknown, failed: NodeJS.ErrnoException): boolean {
  if (e === failed) return true;
  const err = e as NodeJS.ErrnoException | undefined;
  return err instanceof Error && err.code === failed.code && err.syscall === failed.syscall;
}

/**
 * How a command ends once its stdout failed with `failed`: its own exit code when it had failed
 * already (`commandCode`), else {@link EXIT_OUTPUT_CLOSED} for a closed pipe (EPIPE) and
 * {@link EXIT_OUTPUT_FAILED} for any other write error; and the line to print on stderr (none for
 * EPIPE: the reader went away on purpose).
 * @throws nothing
 */
export function outputFailure(failed: NodeJS.ErrnoException, commandCode: number): { code: number; message?: string } {
  if (failed.code === "EPIPE") return { code: commandCode || EXIT_OUTPUT_CLOSED };
  return { code: commandCode || EXIT_OUTPUT_FAILED, message: `stowage: cannot write the output: ${failed.message}` };
}

/**
 * The exit code `run` ends with, given the command's own `code`: that code while stdout took every
 * write, else as {@link outputFailure} says, its line written to `stderr`.
 * @throws nothing
 */
export function settleOutput(stdout: Writable, stderr: Writable, code: number): number {
  const failed = outputError(stdout);
  if (failed === undefined) return code;
  const end = outputFailure(failed, code);
  if (end.message !== undefined) stderr.write(end.message + "\n");
  return end.code;
}
