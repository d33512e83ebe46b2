import { AsyncLocalStorage } from "node:async_hooks";
import { UNLISTED_KEYS_WARNING } from "@stowage/core";
import { UNLISTED_WARNING } from "@stowage/fs";
import { shownText } from "./shown-path.js";

/** The process warnings of listings that left entries out: fs's for local names, core's for keys. */
export const UNLISTED_CODES: ReadonlySet<string> = new Set([UNLISTED_WARNING, UNLISTED_KEYS_WARNING]);

/**
 * The report of the command whose code is running, carried along its asynchronous calls. Node
 * emits a warning in a `process.nextTick` of the code that raised it, and the tick keeps that
 * code's context: the `'warning'` listener finds out whose listing it came from, although every
 * listener hears every warning of the process.
 */
const owner = new AsyncLocalStorage<UnlistedReport | undefined>();

/** Core's warning for a part-mode listing: it counts uploads ("1 upload in the ..."), not keys. */
const UPLOADS = /^\d+ uploads? in the /;

/**
 * Counts the warnings of listings that left entries out during one command, so that a command
 * that left some out never ends with success: local names no key can address (the fs driver's
 * `STOWAGE_FS_UNLISTED`, one per directory listing) and keys no path can address (core's
 * `STOWAGE_UNLISTED_KEYS`, one per listing; for an uploads listing, uploads whose keys no path
 * can address). Only the listings made by the code {@link UnlistedReport.run} runs count: not
 * another command running in the same process at the same time, and not a probe run
 * {@link uncounted}. Each distinct warning is printed once (a directory listed page by page warns
 * again with the same message) and counted once.
 */
export class UnlistedReport {
  private readonly local = new Set<string>();
  private readonly keys = new Set<string>();

  constructor(private readonly write: (line: string) => void) {}

  /**
   * Runs `command` as the code this report counts the listings of (its asynchronous calls
   * included, and the warnings they raise even when Node delivers them after it settled).
   * @throws whatever `command` throws
   */
  run<T>(command: () => T): T {
    return owner.run(this, command);
  }

  /**
   * The `process.on("warning")` listener: records and prints the warnings it counts (those of
   * listings made by what {@link UnlistedReport.run} runs), ignores the rest.
   * @throws nothing
   */
  readonly onWarning = (w: Error & { code?: string }): void => {
    if (owner.getStore() !== this) return;
    const seen = w.code === UNLISTED_WARNING ? this.local : w.code === UNLISTED_KEYS_WARNING ? this.keys : undefined;
    if (seen === undefined || seen.has(w.message)) return;
    seen.add(w.message);
    // The keys in it are JSON-quoted, which leaves C1 and bidirectional controls raw: escaped as keys are.
    this.write(`stowage: warning: ${shownText(w.message)}\n`);
  };

  /** True when some listing left entries out. */
  get any(): boolean {
    return this.local.size > 0 || this.keys.size > 0;
  }

  /** Prints what was left out (after the command's own output). @throws nothing */
  summarize(): void {
    const local = this.local.size;
    if (local > 0) {
      this.write(
        `stowage: local entries were left out: ${local} director${local === 1 ? "y holds" : "ies hold"} names no object key can address (not UTF-8, with a backslash, or names the fs driver reserves for its own temporary files: see the warnings above); rename them to include them\n`,
      );
    }
    const reasons = 'a backslash, an empty, "." or ".." segment, NUL, or a lone surrogate';
    const uploads = [...this.keys].filter((m) => UPLOADS.test(m)).length;
    const keys = this.keys.size - uploads;
    if (keys > 0) {
      this.write(
        `stowage: objects were left out: ${keys} listing${keys === 1 ? " holds" : "s hold"} keys no path can address (written by another client with ${reasons}, or ending in "/" while holding bytes: see the warnings above); rename them with that client to include them\n`,
      );
    }
    if (uploads > 0) {
      this.write(
        `stowage: uploads were left out: ${uploads} listing${uploads === 1 ? " holds" : "s hold"} multipart uploads whose keys no path can address (started by another client with ${reasons}: see the warnings above); abort them with that client\n`,
      );
    }
  }
}

/**
 * Runs `probe` so that no report counts what its listings leave out: a listing made only to see
 * whether something exists (a bucket answers), which covers nothing the command reports on.
 * @throws whatever `probe` throws
 */
export function uncounted<T>(probe: () => T): T {
  return owner.run(undefined, probe);
}
