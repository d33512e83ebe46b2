import { ErrorCode, storageError, type StorageError } from "@stowage/core";
import type { CliContext } from "./context.js";
import type { Endpoint, Location } from "./locations.js";
import { shownPath } from "./shown-path.js";
import { statOrUndefined } from "./transfer/jobs.js";

/**
 * True when `loc` ends in `/` below its root: by the README's rule it names a directory, never
 * the object of the same name without the slash (`rm x/`, `cat x/` must not act on `x`).
 * @throws nothing
 */
export function namesDirectory(loc: Location): boolean {
  return loc.path.endsWith("/") && loc.path.replace(/\/+$/, "") !== "";
}

/**
 * The error for an operand that ends in `/` (a directory) given to a command that acts on one
 * object, when no directory of that name exists: `ObjectModeInvalid` when an object (or a link)
 * has the name without the slash, which is left alone, else `ObjectNotExist`. `key` is the name
 * without the slash in `endpoint` (what `Locations.object` gives).
 * @throws StorageError from the stat (`PermissionDenied`...), except `ObjectNotExist`
 */
export async function notADirectory(ctx: CliContext, loc: Location, endpoint: Endpoint, key: string, op: string): Promise<StorageError> {
  const info = await statOrUndefined(endpoint.store, key, { signal: ctx.signal });
  const service = endpoint.store.info.service;
  if (info !== undefined && info.mode !== "dir") {
    const what = info.mode === "link" ? "a symbolic link" : "an object";
    return storageError(
      ErrorCode.ObjectModeInvalid,
      `${shownPath(loc.display)} ends in / (a directory), but ${shownPath(key)} is ${what}, not a directory: it was left alone (write it without the trailing /)`,
      { op, service, path: key },
    );
  }
  return storageError(ErrorCode.ObjectNotExist, `${shownPath(loc.display)} does not exist`, { op, service, path: key });
}
