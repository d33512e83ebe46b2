import { createInterface } from "node:readline/promises";
import type { CliContext } from "./context.js";
import { UsageError } from "./errors.js";

/**
 * Asks `question` on the terminal; true for "y" or "yes". Without a terminal
 * it refuses (the caller's `--yes` is the only way to go on).
 * @throws UsageError when stdin is not a terminal.
 */
export async function confirm(ctx: CliContext, question: string): Promise<boolean> {
  if (!ctx.io.stdinIsTTY) throw new UsageError(`${question.replace(/\?$/, "")}: refusing without --yes (no terminal to ask on)`);
  const rl = createInterface({ input: ctx.io.stdin, output: ctx.io.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question(`${question} [y/N] `)).trim());
  } finally {
    rl.close();
  }
}
