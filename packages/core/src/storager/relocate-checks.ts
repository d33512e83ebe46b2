import { ErrorCode } from "../errors/error-code.js";
import { isStorageError, storageError, type StorageError } from "../errors/storage-error.js";
import type { RawObject, StorageDriver } from "../driver/storage-driver.js";

/** Links followed at most when checking where a new link's target leads (a loop stops earlier). */
const MAX_LINK_HOPS = 40;

/**
 * What a failed copy or move reports: `error` itself, unless it is `ObjectNotExist` for a source
 * key without a trailing `/` that names a directory (`d` while `d/` exists, made or implied by the
 * objects below it): then `ObjectModeInvalid`, as memory and fs report it. Asked only after the
 * driver failed with `ObjectNotExist` (a stat of `key/`: on a cloud a HEAD of the marker and, with
 * none, a LIST of one key), so a copy that succeeds costs nothing more. Any failure of that
 * stat leaves `error` as it was.
 * @throws nothing: returns the error to throw.
 */
export async function sourceDirError(driver: StorageDriver, key: string, error: unknown, signal: AbortSignal | undefined): Promise<unknown> {
  if (!isStorageError(error, ErrorCode.ObjectNotExist) || key === "" || key.endsWith("/") || signal?.aborted) return error;
  const dir = await driver.stat(key + "/", signal ? { signal } : {}).catch(() => undefined);
  if (dir?.mode !== "dir") return error;
  return dirSource();
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
  if (isStorageError(at)) return sourceDirError(driver, key, at, signal);
  if (at?.mode === "dir") return dirSource();
  if (op === "move") return undefined;
  const seen = new Set<string>([key]);
  for (let hops = 0; at?.mode === "link" && at.linkTarget !== undefined && hops < MAX_LINK_HOPS; hops++) {
    const next = at.linkTarget.slice(1);
    if (seen.has(next)) return undefined;
    seen.add(next);
    at = await look(next);
    if (isStorageError(at)) return storageError(ErrorCode.ObjectNotExist, "the link's target does not exist");
  }
  return undefined;
}

/** The `ObjectModeInvalid` of a copy or move whose source is a directory. @throws nothing (returns the error). */
function dirSource(): StorageError {
  return storageError(ErrorCode.ObjectModeInvalid, "the copy source is a directory (copy or move the objects below it one by one)");
}
