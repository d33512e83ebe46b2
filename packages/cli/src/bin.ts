#!/usr/bin/env node
/**
 * The `stowage` executable: argv in, exit code out. Ctrl-C (or SIGTERM)
 * aborts in-flight transfers, which keep their checkpoint; a command that
 * Ctrl-C interrupted says "interrupted" and exits 130, while one whose work was
 * done (Ctrl-C came too late to stop it) reports it and exits with its own
 * code. A second Ctrl-C exits 130 at once, with one line saying so, after removing (synchronously)
 * the run's own checkpoint lock and the temp file of a checkpoint save in progress. A failed write to stdout ends the command as run() says
 * (output.ts).
 */
import { EXIT_CODES, shownLines } from "./errors.js";
import { run } from "./program.js";
import { removeOwnFilesNow } from "./transfer/checkpoint-lock.js";
import { UNLISTED_CODES } from "./unlisted.js";
import { watchOutput } from "./output.js";

const controller = new AbortController();
let signals = 0;
const interrupt = (): void => {
  signals++;
  if (signals > 1) {
    // Nothing is waited for: what is in flight stays as it is, unrecorded (said in one line). Only
    // this run's own files go, synchronously: its checkpoint lock and a checkpoint save's temp file
    // (the checkpoint itself stays, for a resume).
    removeOwnFilesNow();
    process.stderr.write(
      "stowage: interrupted again: exiting at once; multipart uploads in flight may be left at the destination, unrecorded (stowage uploads <destination> lists them, --abort ends them)\n",
    );
    process.exit(EXIT_CODES.Aborted);
  }
  controller.abort();
};
process.on("SIGINT", interrupt);
process.on("SIGTERM", interrupt);
// The commands print the warnings they expect (entries a listing left out) themselves,
// on the command's stderr, in stowage's words: Node's own "(node:PID) Warning" line would repeat them.
process.removeAllListeners("warning");
process.on("warning", (w: Error & { code?: string }) => {
  if (w.code === undefined || !UNLISTED_CODES.has(w.code)) process.stderr.write(`stowage: ${shownLines(`${w.name}: ${w.message}`)}\n`);
});
// A failed write to stdout (`stowage ls | head` closing the pipe: EPIPE; `> /dev/full`: ENOSPC) stops
// the command at its next line of output, and run() chooses the exit code: the command's own when it
// had failed already (a verify that found differences stays 13), else 141 for EPIPE, quietly, or 1
// with a one-line message. A closed stderr drops its lines.
watchOutput(process.stdout);
process.stderr.on("error", () => undefined);

const code = await run(
  process.argv.slice(2),
  {
    get stdin() {
      return process.stdin;
    },
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: process.cwd(),
    stderrIsTTY: process.stderr.isTTY === true,
    stdinIsTTY: process.stdin.isTTY === true,
  },
  controller.signal,
);
// The command's own code: an interrupted command failed with Aborted (130), and a command that
// returned normally did its work (commands never swallow an abort), so its summary stands.
process.exitCode = code;
// Idle keep-alive sockets or timers must not hold the process open.
setTimeout(() => process.exit(), 1000).unref();
