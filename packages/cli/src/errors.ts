import { ErrorCode, isStorageError, ownEntry, redactSecrets, thrownText } from "@stowage/core";
import { shownText } from "./shown-path.js";

/**
 * Exit codes of the `stowage` command. Each StorageError code has its own, so
 * scripts can tell "not found" from "permission denied" without parsing text.
 */
export const EXIT_CODES = {
  /** Everything worked. */
  ok: 0,
  /** An unexpected failure (a bug, or an error that is not a StorageError). */
  failure: 1,
  /** Bad command line: unknown command or flag, missing argument, refused without --yes. */
  usage: 2,
  ObjectNotExist: 3,
  PermissionDenied: 4,
  CapabilityInsufficient: 5,
  PairUnsupported: 6,
  PairRequired: 7,
  ConnectionStringInvalid: 8,
  ServiceNotRegistered: 9,
  /** Also used when a command left local files out (names no object key can address). */
  ObjectModeInvalid: 10,
  InvalidArgument: 11,
  Conflict: 12,
  /** Also used when verification after a copy finds a mismatch. */
  IntegrityMismatch: 13,
  RequestThrottled: 14,
  ServiceInternal: 15,
  Unexpected: 1,
  /** Interrupted (Ctrl-C): transfers were aborted, the checkpoint kept. */
  Aborted: 130,
} as const satisfies Record<string, number> & Record<ErrorCode, number>;

/**
 * A mistake on the command line (as opposed to a storage failure): exit code 2.
 * Also thrown when a destructive command needs `--yes` and cannot ask.
 */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

/** The codes core defines (`ErrorCode`): the StorageError codes an exit code is chosen by. */
const STORAGE_CODES: ReadonlySet<string> = new Set(Object.values(ErrorCode));

/** The exit code for anything a command threw. @throws nothing */
export function exitCodeOf(e: unknown): number {
  if (e instanceof UsageError) return EXIT_CODES.usage;
  // Only a code core defines has its own exit code: a driver's made-up `ok` or `constructor` is a failure.
  if (isStorageError(e)) return (STORAGE_CODES.has(e.code) ? ownEntry(EXIT_CODES as Record<string, number>, e.code) : undefined) ?? EXIT_CODES.failure;
  return EXIT_CODES.failure;
}

/**
 * One line describing `e`, safe to print: StorageError messages (already
 * redacted by core) are passed through `redactSecrets` once more, anything else
 * is labelled unexpected. Control characters, C1 controls and bidirectional controls in it (a
 * service's error message may carry terminal escape sequences) are escaped as keys are (`\x1b`,
 * `\u009b`, `\u202e`), a backslash left as it is. With `debug`, the (redacted, likewise escaped)
 * stack and causes follow, one line each. Total: a value whose `toString`, `message`, `stack` or
 * `cause` throws is described by what can be read of it (its kind, `(object)`, at worst).
 * @throws nothing
 */
export function describeError(e: unknown, debug = false): string {
  const line = shownLines(oneLine(headline(e)));
  if (!debug) return line;
  const lines = [line];
  let cause: unknown = e;
  for (let depth = 0; isError(cause) && depth < 5; depth++) {
    const stack = read(cause, "stack");
    if (typeof stack === "string" && stack !== "") lines.push(shownLines(stack));
    cause = read(cause, "cause");
    if (isError(cause)) lines.push(`caused by: ${shownLines(oneLine(thrownText(cause)))}`);
  }
  return lines.join("\n");
}

/** The first line of {@link describeError}, before it is escaped. @throws nothing */
function headline(e: unknown): string {
  try {
    if (isStorageError(e) || e instanceof UsageError) return thrownText(e);
  } catch {
    // an exotic value (a Proxy whose traps throw): described as unexpected below
  }
  return `unexpected error: ${thrownText(e)}`;
}

/** `text` on one line: each line break, with the blanks around it, made one space. */
function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, " ");
}

/** `instanceof Error`, false for a value whose prototype cannot be read (a revoked Proxy). @throws nothing */
function isError(value: unknown): value is Error {
  try {
    return value instanceof Error;
  } catch {
    return false;
  }
}

/** `value[key]`, undefined when reading it throws (a getter that throws). @throws nothing */
function read(value: Error, key: "stack" | "cause"): unknown {
  try {
    return value[key];
  } catch {
    return undefined;
  }
}

/**
 * `text` safe to print: secrets redacted, and each of its lines escaped as {@link describeError}
 * escapes (the line breaks kept).
 * @throws nothing
 */
export function shownLines(text: string): string {
  return redactSecrets(text)
    .split("\n")
    .map((l) => shownText(l))
    .join("\n");
}

/** True for the error an aborted (Ctrl-C) operation ends with. */
export function isAbort(e: unknown): boolean {
  return isStorageError(e, ErrorCode.Aborted);
}
