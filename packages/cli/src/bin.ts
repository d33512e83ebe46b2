#!/usr/bin/env node
/**
 * The `stowage` executable: argv in, exit code out. Ctrl-C (or SIGTERM)
 * aborts in-flight transfers, which keep their checkpoint and exit 130; a
 * second Ctrl-C exits at once.
 */
import { UNLISTED_WARNING } from "@stowage/fs";
import { EXIT_CODES } from "./errors.js";
import { run } from "./program.js";

const controller = new AbortController();
let signals = 0;
const interrupt = (): void => {
  signals++;
  if (signals > 1) process.exit(EXIT_CODES.Aborted);
  controller.abort();
};
process.on("SIGINT", interrupt);
process.on("SIGTERM", interrupt);
// The commands print the warnings they expect (entries the fs driver could not list) themselves,
// on the command's stderr, in stowage's words: Node's own "(node:PID) Warning" line would repeat them.
process.removeAllListeners("warning");
process.on("warning", (w: Error & { code?: string }) => {
  if (w.code !== UNLISTED_WARNING) process.stderr.write(`stowage: ${w.name}: ${w.message}\n`);
});
// `stowage cat x | head`: a closed pipe ends the command quietly.
process.stdout.on("error", (e: NodeJS.ErrnoException) => {
  if (e.code === "EPIPE") process.exit(EXIT_CODES.ok);
});

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
process.exitCode = signals > 0 && code === EXIT_CODES.ok ? EXIT_CODES.Aborted : code;
// Idle keep-alive sockets or timers must not hold the process open.
setTimeout(() => process.exit(), 1000).unref();
