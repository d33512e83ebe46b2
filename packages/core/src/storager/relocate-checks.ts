import { ErrorCode } from "../errors/error-code.js";
import { contextOf, isStorageError, StorageError, storageError } from "../errors/storage-error.js";
import type { RawObject, StorageDriver } from "../driver/storage-driver.js";
import { isMissingBucket } from "../driver/missing-bucket.js";

/** Links followed at most when checking where a new link's target leads (a loop stops earlier). */
const MAX_LINK_HOPS = 40;

/** Which side of a copy or move an error is about. */
type Side = "source" | "destination";

/**
 * What a copy or move whose driver call failed with `error` reports: the message names the side at
 * fault where core can tell (`path` keeps both paths), its code, answer and verdict kept.
 * - `ObjectNotExist` is the source's (the driver contract: nothing at the source; a missing
 *   bucket, which is both sides', is left as it is), or, for a source key without a trailing `/`
 *   that names a directory, `ObjectModeInvalid` ({@link sourceDirError}).
 * - `ObjectModeInvalid`: one stat of the source, a directory (`d/`, or on memory and fs `d`) makes
 *   it the directory source's error, the same on every storage; else one stat of the destination,
 *   a directory there (memory, fs: `d` names `d/`) makes it the destination's. Else as it was (an
 *   append object's copy on an object store, fs: a source that is no regular file).
 * Anything else (a `Conflict`, which may be the source's change or the destination's condition)
 * is left as it is. The stats are made only after such a failure, and any of them failing leaves
 * the error as the driver gave it.
 * @throws nothing: returns the error to throw.
 */
export async function relocateError(driver: StorageDriver, op: "copy" | "move", from: string, to: string, error: StorageError, signal: AbortSignal | undefined): Promise<unknown> {
  if (signal?.aborted) return error;
  if (error.code === ErrorCode.ObjectNotExist) return missingSource(driver, op, from, error, signal);
  if (error.code !== ErrorCode.ObjectModeInvalid) return error;
  if ((await modeOf(driver, from, signal)) === "dir") return dirSource(op);
  if ((await modeOf(driver, to, signal)) === "dir") return onSide(error, "destination");
  return error;
}

/**
 * The `Conflict` of a copy or move given `ifNotExists` that found an object at its destination
 * (if-not-exists.ts `refuseExisting`), its message naming the destination.
 * @throws nothing (returns the error).
 */
export function destinationConflict(error: StorageError): StorageError {
  return onSide(error, "destination");
}

/** The mode a stat of `key` answers, or undefined when it fails. @throws nothing */
async function modeOf(driver: StorageDriver, key: string, signal: AbortSignal | undefined): Promise<RawObject["mode"] | undefined> {
  if (signal?.aborted) return undefined;
  const found = await driver.stat(key, signal ? { signal } : {}).catch(() => undefined);
  return found?.mode;
}

/**
 * `e` when it is a StorageError, else undefined: for anything else too, a value `instanceof`
 * throws on (a revoked Proxy, which an async function cannot even return: its `then` is looked up).
 * @throws nothing
 */
export function asStorageError(e: unknown): StorageError | undefined {
  try {
    return isStorageError(e) ? e : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The `ObjectNotExist` `error` of a copy or move whose source `key` is missing, as reported: a
 * directory named without its `/` per {@link sourceDirError}, a missing bucket as it is, else
 * `error` naming the source.
 * @throws nothing: returns the error to throw.
 */
async function missingSource(driver: StorageDriver, op: "copy" | "move", key: string, error: StorageError, signal: AbortSignal | undefined): Promise<unknown> {
  const dir = await sourceDirError(driver, op, key, error, signal);
  return dir !== error || isMissingBucket(error) ? dir : onSide(error, "source");
}

/**
 * `error` with its message naming the side of the copy or move it is about (`source: no such
 * object`); its code, context, answer, cause, verdict and stack kept.
 * @throws nothing (returns the error).
 */
function onSide(error: StorageError, side: Side): StorageError {
  const sided = new StorageError({ code: error.code, message: `${side}: ${error.detail}`, cause: error.cause, ...contextOf(error, true), retryable: error.retryable });
  if (error.stack !== undefined) sided.stack = `${sided.stack?.split("\n")[0]}\n${error.stack.split("\n").slice(1).join("\n")}`;
  return sided;
}

/**
 * What a copy or move whose source `key` was not found reports: `error` itself, unless it is
 * `ObjectNotExist` for a source key without a trailing `/` that names a directory (`d` while `d/`
 * exists, made or implied by the objects below it): then `ObjectModeInvalid`, as memory and fs
 * report it. Asked only after `ObjectNotExist` (a stat of `key/`: on a cloud a HEAD of the marker
 * and, with none, a LIST of one key), so a copy that succeeds costs nothing more. Any failure of
 * that stat leaves `error` as it was.
 * @throws nothing: returns the error to throw.
 */
async function sourceDirError(driver: StorageDriver, op: "copy" | "move", key: string, error: unknown, signal: AbortSignal | undefined): Promise<unknown> {
  if (!isStorageError(error, ErrorCode.ObjectNotExist) || key === "" || key.endsWith("/") || signal?.aborted) return error;
  const dir = await driver.stat(key + "/", signal ? { signal } : {}).catch(() => undefined);
  if (dir?.mode !== "dir") return error;
  return dirSource(op);
}

/**
 * What a copy or move of `key` fails with whatever its destination, asked only when a conditional
 * one (`ifNotExists`) found an object at its destination and is about to be refused: the source's
 * own failure comes first, as it would without `ifNotExists` (a missing source is `ObjectNotExist`,
 * not `Conflict`). One stat of `key`; when it is missing, {@link sourceDirError}'s stat of `key/`
 * (`d` for the directory `d/` is `ObjectModeInvalid`); a copy of a link, one stat per link it leads
 * through (a copy copies what the link leads to; a move moves the link itself). Resolves undefined
 * when the source is there, or its stat fails otherwise (no HeadObject permission, an SSE-C object
 * the stat cannot open): the refusal stands.
 * @throws StorageError `Aborted` (the call was aborted); otherwise returns the error to throw.
 */
export async function sourceError(driver: StorageDriver, op: "copy" | "move", key: string, signal: AbortSignal | undefined): Promise<unknown> {
  const options = signal ? { signal } : {};
  const look = async (at: string): Promise<RawObject | StorageError | undefined> => {
    try {
      return await driver.stat(at, options);
    } catch (e) {
      if (isStorageError(e, ErrorCode.Aborted) || signal?.aborted) throw e;
      return isStorageError(e, ErrorCode.ObjectNotExist) ? e : undefined;
    }
  };
  let at = await look(key);
  if (isStorageError(at)) return missingSource(driver, op, key, at, signal);
  if (at?.mode === "dir") return dirSource(op);
  if (op === "move") return undefined;
  const seen = new Set<string>([key]);
  for (let hops = 0; at?.mode === "link" && at.linkTarget !== undefined && hops < MAX_LINK_HOPS; hops++) {
    const next = at.linkTarget.slice(1);
    if (seen.has(next)) return undefined;
    seen.add(next);
    at = await look(next);
    if (isStorageError(at)) return storageError(ErrorCode.ObjectNotExist, "source: the link's target does not exist");
  }
  return undefined;
}

/** The `ObjectModeInvalid` of a copy or move whose source is a directory. @throws nothing (returns the error). */
function dirSource(op: "copy" | "move"): StorageError {
  return storageError(ErrorCode.ObjectModeInvalid, `the ${op} source is a directory (copy or move the objects below it one by one)`);
}
