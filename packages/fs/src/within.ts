import { ErrorCode, storageError } from "@stowage/core";

/**
 * One side of a copy or move confined to a directory of the work_dir, as the driver options
 * `sourceWithin` and `destinationWithin` ask (confinement.ts): what that side touches must lie
 * inside `path` lexically and, checked on what was really opened (FsPaths.pinDir), inside `real`.
 */
export interface Within {
  /** The pair that asked for it (`source_within`, `destination_within`), named in refusals. */
  readonly pair: string;
  /** The directory, absolute, without a trailing `/` (the work_dir itself for an empty prefix). */
  readonly path: string;
  /** Its real path, looked up once per call (of its deepest existing ancestor, joined with the rest). */
  readonly real: string;
}

/**
 * The fs driver's call options of `copy` and `move` (pairs `source_within`, `destination_within`):
 * each a directory key relative to the work_dir, ending in `/`, that side is confined to.
 */
export interface WithinOptions {
  sourceWithin?: string | undefined;
  destinationWithin?: string | undefined;
}

/** What a copy or move is confined to: either side, both, or neither (no option given). */
export interface Confinement {
  source?: Within | undefined;
  destination?: Within | undefined;
}

/**
 * Refuses a path outside `within`; nothing has changed when this is thrown.
 * @throws StorageError `InvalidArgument` ("path escapes source_within", or destination_within), always.
 */
export function escapesWithin(within: Within, why?: string): never {
  throw storageError(ErrorCode.InvalidArgument, `path escapes ${within.pair}${why === undefined ? "" : `: ${why}`}`);
}

/**
 * The problem with a `source_within` or `destination_within` value, or undefined: a key prefix
 * relative to the work_dir, empty (the whole work_dir) or ending in `/`, without `.` or `..`
 * segments, empty segments or NUL. @throws nothing.
 */
export function withinProblem(value: string): string | undefined {
  if (value === "") return undefined;
  if (!value.endsWith("/") || value.startsWith("/")) return "must be a directory key relative to the work_dir, ending in / (e.g. a/b/)";
  const parts = value.slice(0, -1).split("/");
  if (value.includes("\0") || parts.some((p) => p === "" || p === "." || p === "..")) return "must not hold empty, . or .. segments, nor NUL";
  return undefined;
}
