import type { ObjectInfo } from "@stowage/core";
import { ErrorCode, isStorageError } from "@stowage/core";
import type { CliContext } from "./context.js";
import { describeError, exitCodeOf, isAbort, shownLines, UsageError } from "./errors.js";
import type { Location } from "./locations.js";
import { shownPath } from "./shown-path.js";
import { isRoot, statOrUndefined } from "./transfer/jobs.js";

/** A failure of one operand (as opposed to one of the command line): reported, and the other operands are still done. Exit code 2. */
export class OperandError extends UsageError {}

/**
 * Runs `each` on every operand in turn, as rm(1) does: an operand that fails with a StorageError
 * or an {@link OperandError} is reported on stderr and the others are still done; the exit code is
 * the first failure's. Ctrl-C (`Aborted`) and any other error stop the loop. The line names the
 * command and the operand as typed (secrets redacted), as a failed transfer names its path:
 * `stowage: restore backup:2025/db.dump: ObjectNotExist: ...`, since the error's `path=` is relative
 * to the operand's parent (two operands `a/db.dump` and `b/db.dump` would read alike); an error whose
 * message names the operand already (`backup:x does not exist`) is printed as it is.
 * @throws StorageError `Aborted`, and whatever `each` throws that is neither a StorageError nor an OperandError
 */
export async function forEachOperand(ctx: CliContext, command: string, locs: readonly Location[], each: (loc: Location) => Promise<void>): Promise<void> {
  for (const loc of locs) {
    try {
      await each(loc);
    } catch (e) {
      if (isAbort(e) || !(isStorageError(e) || e instanceof OperandError)) throw e;
      ctx.warn(operandFailure(command, loc, e, ctx.options.debug));
      ctx.fail(exitCodeOf(e));
    }
  }
}

/**
 * The line (without `stowage: `) reporting that `command` failed on `loc` with `e`:
 * `<command> <operand>: <error>`, or the error alone when its message names the operand already.
 * @throws nothing
 */
function operandFailure(command: string, loc: Location, e: unknown, debug = false): string {
  const described = describeError(e, debug);
  const shown = shownPath(loc.display);
  return namesOperand(messageOf(e), shown) ? described : `${command} ${shown}: ${described}`;
}

/** What an error says, without a StorageError's code and context (its `path=` is not the operand). */
function messageOf(e: unknown): string {
  if (isStorageError(e)) return e.detail;
  return e instanceof Error ? e.message : "";
}

/**
 * Whether `message` names the operand `shown` (as {@link shownPath} shows it) as a word of its own:
 * at its start or after a blank, a quote or a parenthesis, and followed by one of those, a `:` or `,`,
 * or the end. Compared as printed (secrets redacted, controls escaped).
 * @throws nothing
 */
function namesOperand(message: string, shown: string): boolean {
  const text = shownLines(message);
  const word = shownLines(shown);
  if (word === "") return false;
  for (let at = text.indexOf(word); at !== -1; at = text.indexOf(word, at + 1)) {
    const before = at === 0 ? " " : text[at - 1]!;
    const after = text[at + word.length] ?? " ";
    if (/[\s"'(]/.test(before) && /[\s"'),:;]/.test(after)) return true;
  }
  return false;
}

/**
 * The object (or link) an operand without a trailing `/` names, if any: undefined for a directory,
 * for nothing there, and where the store refuses the key (`InvalidArgument`).
 * @throws StorageError from the HEAD (`PermissionDenied`, `Aborted`, ...), `InvalidArgument` aside
 */
export async function operandEntry(ctx: CliContext, loc: Location): Promise<ObjectInfo | undefined> {
  if (loc.path.endsWith("/") || isRoot(loc)) return undefined;
  const { endpoint, key } = await ctx.locations.object(loc);
  const info = await statOrUndefined(endpoint.store, key, { signal: ctx.signal }).catch((e: unknown) => {
    if (isStorageError(e, ErrorCode.InvalidArgument)) return undefined;
    throw e;
  });
  return info?.mode === "dir" ? undefined : info;
}
