import { createInterface } from "node:readline/promises";
import { ErrorCode, storageError } from "@stowage/core";
import type { CliContext } from "./context.js";
import { UsageError } from "./errors.js";

/**
 * Asks `question` on the terminal; true for "y" or "yes". Any other answer, and the end of input
 * (Ctrl-D) before one, is "no". Without a terminal it refuses (the caller's `--yes` is the only way
 * to go on).
 * @throws UsageError when stdin is not a terminal; Aborted when the command's signal aborts (Ctrl-C)
 *   while it asks.
 */
export async function confirm(ctx: CliContext, question: string): Promise<boolean> {
  if (!ctx.io.stdinIsTTY) throw new UsageError(`${question.replace(/\?$/, "")}: refusing without --yes (no terminal to ask on)`);
  const rl = createInterface({ input: ctx.io.stdin, output: ctx.io.stderr });
  // Input that ends before an answer (Ctrl-D, or stdin closed) closes the interface: the question
  // then stays unanswered, or fails (on a terminal), depending on which comes first.
  let ended = false;
  const closed = new Promise<undefined>((resolve) =>
    rl.once("close", () => {
      ended = true;
      resolve(undefined);
    }),
  );
  try {
    const answer = await Promise.race([rl.question(`${question} [y/N] `, { signal: ctx.signal }), closed]);
    if (answer === undefined) ctx.io.stderr.write("\n");
    return answer !== undefined && /^y(es)?$/i.test(answer.trim());
  } catch (e) {
    if (ctx.signal.aborted) throw storageError(ErrorCode.Aborted, "interrupted at the confirmation prompt");
    if (ended) {
      ctx.io.stderr.write("\n");
      return false;
    }
    throw e;
  } finally {
    rl.close();
  }
}
