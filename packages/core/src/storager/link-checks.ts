import type { DriverCallOptions, RawObject, StorageDriver } from "../driver/storage-driver.js";
import { answerOf } from "../errors/answer-of.js";
import { ErrorCode } from "../errors/error-code.js";
import { isStorageError, StorageError, storageError } from "../errors/storage-error.js";
import type { StorageOperation } from "../operations.js";
import type { PairSet } from "../pairs/pair-definition.js";

/** Links followed at most when checking where a link leads (a loop stops earlier). */
const MAX_LINK_HOPS = 40;

/**
 * The pairs of a call's validated options (open-time defaults merged) that the driver's `stat`
 * takes too, `signal` aside: what core's own stats for `op` carry so that they see the objects the
 * call works on. On COS and QingStor that is the SSE-C key and its algorithm (a storager opened
 * with a key writes its objects, virtual links included, with it, and a HEAD without the key fails
 * on them); no copy, move or createLink takes a condition, so none is carried.
 * @throws nothing.
 */
export function objectStatPairs(pairs: PairSet, op: StorageOperation, options: Readonly<Record<string, unknown>>): DriverCallOptions {
  const out: DriverCallOptions = {};
  for (const [field, pair] of Object.entries(pairs)) {
    if (field === "signal" || options[field] === undefined) continue;
    if (pair.operations.includes("stat") && pair.operations.includes(op)) out[field] = options[field];
  }
  return out;
}

/**
 * The object at `key` as a stat with `pairs` (see {@link objectStatPairs}) or, that refused, one
 * without them sees it (a plain object refuses an SSE-C key); undefined when it does not exist.
 * A stat refused before anything was sent (a key over plain http, a bad key) is thrown as it is:
 * the call would be refused alike. A stat the service refuses both ways throws the first refusal.
 * @throws StorageError (any but `ObjectNotExist`: `Aborted`, `InvalidArgument`, `PermissionDenied`...)
 */
export async function lookAt(driver: StorageDriver, key: string, pairs: DriverCallOptions, signal: AbortSignal | undefined): Promise<RawObject | undefined> {
  const plain: DriverCallOptions = signal ? { signal } : {};
  const missing = (e: unknown): undefined => {
    if (isStorageError(e, ErrorCode.ObjectNotExist) && !signal?.aborted) return undefined;
    throw e;
  };
  if (Object.keys(pairs).length === 0) return driver.stat(key, plain).catch(missing);
  try {
    return await driver.stat(key, { ...pairs, ...plain });
  } catch (keyed) {
    if (!isStorageError(keyed) || keyed.statusCode === undefined) return missing(keyed);
    if (isStorageError(keyed, ErrorCode.ObjectNotExist)) return missing(keyed);
    return driver.stat(key, plain).catch((e: unknown) => (isStorageError(e, ErrorCode.ObjectNotExist) || isStorageError(e, ErrorCode.Aborted) ? missing(e) : Promise.reject(keyed)));
  }
}

/**
 * A link moved onto what it leads to (directly or through more links) would replace the target's
 * bytes with a link to itself: refused. Costs one stat of the source, and one per link it leads
 * through ({@link lookAt}: with the call's SSE-C pairs, then without). A missing object ends the
 * walk; so does a link's target that a local stat refuses (no status code and not retryable: fs's
 * fifo, a path outside the work_dir, an unreadable directory), which is no link the walk could
 * follow, and moving the link needs nothing of it (a network failure there fails the move). An object a service refuses to show (a key other than the
 * call's, no HeadObject permission) might be a link onto the destination: the move is refused,
 * its code kept, rather than risk the target. The source's own local refusal is thrown as it is
 * (the move would fail alike: an SSE-C key over plain http, for one).
 * @throws StorageError `InvalidArgument` (a link onto its target, a chain too long to check), the code of a stat
 *   that failed otherwise (`PermissionDenied`, ...: nothing moved), `Aborted`
 */
export async function refuseMoveOntoTarget(driver: StorageDriver, from: string, to: string, pairs: DriverCallOptions, signal: AbortSignal | undefined): Promise<void> {
  const look = (key: string, hop: number): Promise<RawObject | undefined> =>
    lookAt(driver, key, pairs, signal).catch((e: unknown) => {
      // Past the source, a local refusal (no status code, not retryable: fs's fifo, a path outside the
      // work_dir) ends the walk; a network failure (retryable) does not: nothing was seen there.
      if (isStorageError(e) && e.code !== ErrorCode.Aborted && e.statusCode === undefined && !e.retryable && hop > 0) return undefined;
      if (!isStorageError(e) || e.code === ErrorCode.Aborted || e.statusCode === undefined) throw e;
      throw new StorageError({
        code: e.code,
        message: `${e.detail}: the move source (or a link it leads through) cannot be stat'ed, so whether it is a link onto the destination is unknown; nothing was moved (give the key it was written with, or check the HeadObject permission)`,
        ...answerOf(e),
        retryable: e.retryable,
      });
    });
  let at = await look(from, 0);
  const seen = new Set<string>();
  for (let hops = 0; at?.mode === "link" && at.linkTarget !== undefined && !seen.has(at.linkTarget); hops++) {
    if (at.linkTarget === "/" + to) throw storageError(ErrorCode.InvalidArgument, "moving a link onto the object it leads to would replace that object with a link to itself");
    if (hops === MAX_LINK_HOPS) throw storageError(ErrorCode.InvalidArgument, `the link leads through more than ${MAX_LINK_HOPS} links: it cannot be checked before moving`);
    seen.add(at.linkTarget);
    at = await look(at.linkTarget.slice(1), hops + 1);
  }
}

/**
 * A new link at `link` whose target leads back to `link` (directly, or through the links already
 * there) would close a loop, and replace whatever is at `link` (a file's bytes included) with it:
 * refused. Costs one stat of the target, and one per link it leads through (at most
 * {@link MAX_LINK_HOPS}; {@link lookAt}: with the call's SSE-C pairs, then without). A target that
 * is missing, or that cannot be stat'ed either way, ends the walk (a dangling link, or one to an
 * object under another key, is allowed: createLink replaces what is at `link` whatever its target,
 * and the driver refuses what it cannot send, an SSE-C key over plain http for one).
 * @throws StorageError `InvalidArgument` (a loop, or a chain too long to check), `Aborted`
 */
export async function refuseLinkLoop(driver: StorageDriver, link: string, target: string, pairs: DriverCallOptions, signal: AbortSignal | undefined): Promise<void> {
  const look = (key: string): Promise<RawObject | undefined> =>
    lookAt(driver, key, pairs, signal).catch((e: unknown) => (isStorageError(e, ErrorCode.Aborted) || signal?.aborted ? Promise.reject(e) : undefined));
  let at = await look(target);
  const seen = new Set<string>([target]);
  for (let hops = 0; at?.mode === "link" && at.linkTarget !== undefined; hops++) {
    const next = at.linkTarget.slice(1);
    if (next === link) throw storageError(ErrorCode.InvalidArgument, "the link's target leads back to the link: it would close a loop (and replace what is at the link's path)");
    if (seen.has(next)) return;
    if (hops === MAX_LINK_HOPS) throw storageError(ErrorCode.InvalidArgument, `the link's target leads through more than ${MAX_LINK_HOPS} links: it cannot be checked for a loop`);
    seen.add(next);
    at = await look(next);
  }
}
