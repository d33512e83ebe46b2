import type { ObjectInfo } from "@stowage/core";
import { ErrorCode, isStorageError } from "@stowage/core";
import type { CliContext } from "./context.js";
import { describeError, exitCodeOf, isAbort, UsageError } from "./errors.js";
import type { Location } from "./locations.js";
import { isRoot, statOrUndefined } from "./transfer/jobs.js";

/** A failure of one operand (as opposed to one of the command line): reported, and the other operands are still done. Exit code 2. */
export class OperandError extends UsageError {}

/**
 * Runs `each` on every operand in turn, as rm(1) does: an operand that fails with a StorageError
 * or an {@link OperandError} is reported on stderr and the others are still done; the exit code is
 * the first failure's. Ctrl-C (`Aborted`) and any other error stop the loop.
 * @throws StorageError `Aborted`, and whatever `each` throws that is neither a StorageError nor an OperandError
 */
export async function forEachOperand(ctx: CliContext, locs: readonly Location[], each: (loc: Location) => Promise<void>): Promise<void> {
  for (const loc of locs) {
    try {
      await each(loc);
    } catch (e) {
      if (isAbort(e) || !(isStorageError(e) || e instanceof OperandError)) throw e;
      ctx.warn(describeError(e, ctx.options.debug));
      ctx.fail(exitCodeOf(e));
    }
  }
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
