import { UNLISTED_KEYS_WARNING } from "@stowage/core";
import { UNLISTED_WARNING } from "@stowage/fs";

/** The process warnings of listings that left entries out: fs's for local names, core's for keys. */
export const UNLISTED_CODES: ReadonlySet<string> = new Set([UNLISTED_WARNING, UNLISTED_KEYS_WARNING]);

/**
 * Counts the warnings of listings that left entries out during one command, so that a command
 * that left some out never ends with success: local names no key can address (the fs driver's
 * `STOWAGE_FS_UNLISTED`, one per directory listing) and keys no path can address (core's
 * `STOWAGE_UNLISTED_KEYS`, one per listing). Each distinct warning is printed once (a directory
 * listed page by page warns again with the same message) and counted once.
 */
export class UnlistedReport {
  private readonly local = new Set<string>();
  private readonly keys = new Set<string>();

  constructor(private readonly write: (line: string) => void) {}

  /** The `process.on("warning")` listener: records and prints the warnings it counts, ignores the rest. @throws nothing */
  readonly onWarning = (w: Error & { code?: string }): void => {
    const seen = w.code === UNLISTED_WARNING ? this.local : w.code === UNLISTED_KEYS_WARNING ? this.keys : undefined;
    if (seen === undefined || seen.has(w.message)) return;
    seen.add(w.message);
    this.write(`stowage: warning: ${w.message}\n`);
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
    const keys = this.keys.size;
    if (keys > 0) {
      this.write(
        `stowage: objects were left out: ${keys} listing${keys === 1 ? " holds" : "s hold"} keys no path can address (written by another client with a backslash, an empty, "." or ".." segment, or a lone surrogate: see the warnings above); rename them with that client to include them\n`,
      );
    }
  }
}
