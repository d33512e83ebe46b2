import { contextOf, ErrorCode, isStorageError, storageError, thrownText, type ObjectInfo, type Storager, type StorageError } from "@stowage/core";
import type { CompareListener } from "../compare-progress.js";
import { isAbort } from "../errors.js";
import { isCredentialRefusal } from "../credential-refusal.js";
import type { Endpoint } from "../locations.js";
import { compareObjects, type StoredObject } from "../verify.js";
import { sourceIdOf, type Checkpoint } from "./checkpoint.js";
import { CounterpartListing } from "./counterpart-listing.js";
import { emptyDirectoriesAt, listDestination, wholeDestination } from "./destination-listing.js";
import { comparable, localVsCrc, settledByContent, type LocalVsCrc } from "./content-rule.js";
import type { PathFilter } from "./filter.js";
import { refuseKindSwaps } from "./kind-swap.js";
import { refuseThroughLinks } from "./link-parents.js";
import { Limiter, mapLimit } from "./pool.js";
import { specialEntries, type SpecialEntry } from "./special-files.js";
import { walk } from "./walk.js";

/** How sync decides an object is unchanged. */
export type CompareMode = "default" | "checksum" | "size-only";

/** One object to copy (or skipped, with the reason). */
export interface PlanItem {
  /** Path relative to the source directory (what filters and output show). */
  rel: string;
  srcPath: string;
  dstPath: string;
  src: ObjectInfo;
  dst?: ObjectInfo;
  size: number;
  reason: string;
  /**
   * `src` is what a stat of the source answered (a single-object transfer), not a listing: it holds
   * the source's headers, so a server-side copy carrying attributes need not stat it again.
   */
  stated?: boolean;
  /** Read through a symbolic link (`src` is its target's metadata): streamed, never copied server-side, where a service may copy the link itself. */
  viaLink?: boolean;
  /** Where to read the bytes, when not at `srcPath` in the source (what a followed link leads to). */
  readFrom?: { store: Storager; path: string };
  /**
   * Why the copy is refused before anything is written (its destination path passes through a
   * symbolic link the destination lists: link-parents.ts; the destination has a directory where
   * the source has a file, or the reverse: kind-swap.ts; comparing it with its destination failed:
   * a read, a hash or a stat of either side); the transfer reports it as a failed copy.
   */
  refused?: StorageError;
  /**
   * Its compare was never started: another compare had been refused for the credential itself
   * (credential-refusal.ts); `refused` is that refusal. The transfer counts it as not attempted.
   */
  heldBack?: boolean;
}

/** What a transfer will do. */
export interface Plan {
  copies: PlanItem[];
  skipped: PlanItem[];
  /** Destination objects to delete (sync --delete), paths relative to the destination. */
  deletes: ObjectInfo[];
  /** Bytes to copy. */
  bytes: number;
  /** Symbolic links in the source, not followed (counted among `skipped`). */
  links: number;
  /** Fifos, sockets and devices in a local source, left out (not among `skipped`). */
  specials: SpecialEntry[];
}

/** Options of {@link planTree}. */
export interface PlanOptions {
  /** `copy` copies everything (except what a checkpoint says is done); `sync` only what changed. */
  kind: "copy" | "sync";
  filter: PathFilter;
  compare: CompareMode;
  /** Plan deleting destination objects the source lacks. */
  deleteExtras: boolean;
  checkpoint?: Checkpoint;
  signal?: AbortSignal;
  /**
   * Follow symbolic links (`-L`): the metadata of what a link points to and where to read it,
   * undefined when that is not a readable object. Without it links are skipped.
   */
  followLink?: (link: ObjectInfo) => Promise<{ info: ObjectInfo; readFrom: { store: Storager; path: string } } | undefined>;
  /** Told of the compare phase (objects to compare, bytes hashed, objects compared), for progress. */
  progress?: CompareListener;
  /**
   * Objects compared at once: how many stats (a HEAD each, where a listing gave no CRC-64) are in
   * flight, the copy phase's `--small-concurrency`. Reading and hashing stays at 8 objects at once
   * whatever this is. Default (and at least): 8.
   */
  compareConcurrency?: number;
}

/** The reason of an object skipped because a checkpoint says an earlier run copied it (`cp`, `mv`). */
export const DONE_EARLIER = "done in an earlier run";

/** Objects read and hashed at once by a compare (`--checksum`, a local file against a CRC-64). */
const HASH_CONCURRENCY = 8;

/** The quick decision; `undefined` means "read both and compare". */
function decide(src: ObjectInfo, dst: ObjectInfo | undefined, dstPath: string, options: PlanOptions, local?: LocalVsCrc, byContent?: (s: ObjectInfo, d: ObjectInfo) => boolean): [boolean, string] | undefined {
  const size = src.size ?? 0;
  if (options.kind === "copy") {
    // Done only while the destination still shows what that copy left (ETag / CRC-64 and size).
    const done = options.checkpoint?.isDone(dstPath, sourceIdOf(src), dst) === true;
    return done ? [false, DONE_EARLIER] : [true, dst === undefined ? "new" : "overwrite"];
  }
  if (dst === undefined) return [true, "new"];
  // A link at the destination is replaced by the object, never compared through (its target may be anything).
  if (dst.mode === "link") return [true, "a link at the destination"];
  if (dst.size !== size) return [true, "size differs"];
  if (options.compare === "size-only") return [false, "same size"];
  if (src.crc64 !== undefined && dst.crc64 !== undefined) return src.crc64 === dst.crc64 ? [false, "same crc64"] : [true, "crc64 differs"];
  if (src.contentMd5 !== undefined && dst.contentMd5 !== undefined) {
    return src.contentMd5 === dst.contentMd5 ? [false, "same md5"] : [true, "md5 differs"];
  }
  if (options.compare === "checksum") return undefined;
  // A local file against a service's CRC-64: hash the local file (the other side's CRC-64 is listed or stat'ed, not read).
  if ((local?.srcLocal === true && src.crc64 === undefined) || (local?.dstLocal === true && dst.crc64 === undefined)) return undefined;
  if (src.lastModified !== undefined && dst.lastModified !== undefined) {
    // Compared in whole seconds: most services list times to the second, while local files have
    // milliseconds. In the same second the times cannot tell an edit from the copy before it
    // (a file changed right after its upload): the contents decide.
    const seconds = (d: Date): number => Math.floor(d.getTime() / 1000);
    const [s, d] = [seconds(src.lastModified), seconds(dst.lastModified)];
    if (s === d) return undefined;
    if (s < d) return [false, "destination up to date"];
    // Two local files, or a local file against an object whose listing states a checksum: a copy's
    // time is when it was made, so "source newer" alone would re-send it on every round trip.
    return byContent?.(src, dst) === true ? undefined : [true, "source newer"];
  }
  return [true, "nothing to compare"];
}

/**
 * Plans copying every (filtered) object below `src` to the same relative
 * path below `dst`: lists both sides once (the destination's whole tree for `sync` and with globs;
 * for a copy without globs only the destination's directories the source has too, so that its
 * work grows with the source: counterpart-listing.ts, unless one whole listing is cheaper:
 * destination-listing.ts), decides per object by size and
 * CRC64/MD5 when both services report them, a local file against a service's
 * CRC64 by hashing the local file only, else by modification time (`--checksum` reads and hashes
 * instead); a same-size object the times would copy is compared by content first where that is
 * cheap (two local files, a local file against a listed checksum: content-rule.ts). It lists extras
 * to delete, and, from a local source, the fifos, sockets and devices it leaves out. A copy whose destination path passes through a
 * symbolic link the destination lists (`inner/x` while `inner` is a link), or where the
 * destination holds a directory for a file or the reverse (kind-swap.ts), is marked refused
 * ({@link PlanItem.refused}; link-parents.ts). So is an object whose compare (a read, a hash, a
 * stat of either side) or, with `-L`, whose link's target failed: the transfer reports it as a
 * failed copy (and holds `--delete` back) while the others go on. `options.progress` is told of
 * the compare phase.
 * @throws whatever listing throws, Aborted (an abort during a compare stops the whole plan)
 */
export async function planTree(src: Endpoint, dst: Endpoint, options: PlanOptions): Promise<Plan> {
  const signal = options.signal ? { signal: options.signal } : {};
  // cp -r and mv -r without globs list the destination only where the source has directories
  // (counterpart-listing.ts): nothing else there changes what they do. sync needs all of it (its
  // extras), and globs are matched against both trees (a glob naming a directory whose contents it
  // leaves, jobs.ts).
  const counterparts = options.kind === "copy" && !options.deleteExtras && !options.filter.active ? new CounterpartListing(dst.store, options.signal) : undefined;
  let existing = new Map<string, ObjectInfo>();
  // The destination's real directories (fs, memory), where a file cannot be written.
  let dstDirs: ReadonlySet<string> = new Set();
  /** Listed whole (by prefix): the directories known are those holding an entry. */
  let listedWhole = counterparts === undefined;
  let sources: AsyncIterable<ObjectInfo> | ObjectInfo[] = walk(src.store, { ...signal, links: true });
  if (counterparts === undefined) {
    // Links too: an object replaces a link, and `--delete` removes links the source lacks.
    const listing = (await listDestination(dst.store, options.signal, Infinity, (path) => options.filter.see(path)))!;
    existing = listing.entries;
    dstDirs = listing.dirs;
  } else {
    await counterparts.root();
    const listed: ObjectInfo[] = [];
    for await (const o of sources) listed.push(o);
    sources = listed;
    const paths = listed.map((o) => o.path);
    // A source over many directories onto a destination not much larger: one whole listing is cheaper.
    const whole = await wholeDestination(dst.store, options.signal, paths);
    if (whole !== undefined) {
      ({ entries: existing, dirs: dstDirs } = whole);
      listedWhole = true;
    } else {
      await counterparts.reach(paths);
      existing = counterparts.entries;
      dstDirs = counterparts.dirs;
    }
  }

  const plan: Plan = { copies: [], skipped: [], deletes: [], bytes: 0, links: 0, specials: [] };
  const local = localVsCrc(src, dst);
  const byContent = (s: ObjectInfo, d: ObjectInfo): boolean => settledByContent(src, dst, s, d);
  const undecided: PlanItem[] = [];
  const seen = new Set<string>();
  for await (const o of sources) {
    if (!options.filter(o.path)) continue;
    seen.add(o.path);
    let info = o;
    let followed: { store: Storager; path: string } | undefined;
    if (o.mode === "link") {
      // Like rsync: a link is skipped (its target may lie outside the tree) unless -L asks to copy what it points to.
      let target: Awaited<ReturnType<NonNullable<PlanOptions["followLink"]>>>;
      try {
        target = await options.followLink?.(o);
      } catch (e) {
        if (isAbort(e) || options.signal?.aborted === true) throw e;
        failed(plan, { rel: o.path, srcPath: o.path, dstPath: o.path, src: o, size: 0, reason: "" }, e, "following the symbolic link failed");
        continue;
      }
      if (target === undefined) {
        plan.skipped.push({ rel: o.path, srcPath: o.path, dstPath: o.path, src: o, size: 0, reason: options.followLink ? "symbolic link to nothing readable" : "symbolic link, not followed" });
        plan.links++;
        continue;
      }
      info = { ...target.info, path: o.path };
      followed = target.readFrom;
    }
    const dstInfo = existing.get(o.path);
    const item: PlanItem = { rel: o.path, srcPath: o.path, dstPath: o.path, src: info, size: info.size ?? 0, reason: "", ...(dstInfo ? { dst: dstInfo } : {}) };
    if (followed !== undefined) {
      item.viaLink = true;
      item.readFrom = followed;
    }
    const decision = decide(info, dstInfo, o.path, options, local, byContent);
    if (decision === undefined) undecided.push(item);
    else add(plan, item, decision);
  }
  await compareAll(plan, undecided, src, dst, options);
  plan.copies.sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
  refuseThroughLinks(plan, existing, dst);
  if (listedWhole && !dst.store.features.virtualDir) {
    // A file of the source where the destination has an empty directory: only dir listings show it.
    const fresh = plan.copies.filter((i) => i.refused === undefined && i.dst === undefined).map((i) => i.dstPath);
    dstDirs = new Set([...dstDirs, ...(await emptyDirectoriesAt(dst.store, options.signal, fresh))]);
  }
  refuseKindSwaps(plan, existing, dst, dstDirs, listedWhole);
  // The fs listing leaves fifos, sockets and devices out without a word: found here, to be reported.
  if (src.loc.type === "fs") plan.specials = await specialEntries(src.dir, options.filter, options.signal);

  if (options.deleteExtras) {
    for (const [path, o] of existing) if (!seen.has(path) && options.filter(path)) plan.deletes.push(o);
  }
  return plan;
}

/**
 * Compares the `undecided` items with their destinations by content and adds each to the plan:
 * the stats that fill in a CRC-64 a listing left out run {@link PlanOptions.compareConcurrency} at
 * once, the reads and hashes {@link HASH_CONCURRENCY} at once. Each item is then unchanged,
 * changed, or (its compare failed) refused with that error. An abort stops them all; a compare
 * refused for the credential itself stops those not started yet (or waiting for a hashing slot),
 * each then refused with that refusal and {@link PlanItem.heldBack}. An object is stat'ed once:
 * compareObjects is told (`stated`), so a stat that states no CRC-64 (an object stored without one)
 * is not made again there.
 * @throws Aborted
 */
async function compareAll(plan: Plan, undecided: readonly PlanItem[], src: Endpoint, dst: Endpoint, options: PlanOptions): Promise<void> {
  if (undecided.length === 0) return;
  const progress = options.progress;
  progress?.start(undecided.length);
  const onBytes = progress === undefined ? {} : { onBytes: (n: number): void => progress.hashed(n) };
  const signal = options.signal ? { signal: options.signal } : {};
  const compareOptions = { ...signal, ...onBytes };
  let refusal: StorageError | undefined;
  const heldBack = new Set<PlanItem>();
  const hashing = new Limiter(HASH_CONCURRENCY);
  // Listings often omit checksums a stat reports (as compareObjects fills them in): stat'ed here, so
  // that many small stats run at once while only HASH_CONCURRENCY objects are read at a time.
  const stated = async (s: StoredObject): Promise<StoredObject> =>
    s.info.crc64 === undefined && s.store.features.crc64 ? { ...s, info: await s.store.stat(s.path, signal), stated: true } : s;
  const concurrency = Math.max(HASH_CONCURRENCY, options.compareConcurrency ?? HASH_CONCURRENCY);
  const outcomes = await mapLimit(undecided, concurrency, async (item) => {
    const from = item.readFrom ?? { store: src.store, path: item.srcPath };
    if (refusal !== undefined) {
      heldBack.add(item);
      progress?.compared();
      return refusal;
    }
    try {
      const [a, b] = await Promise.all([stated(comparable(src, from.store, from.path, item.src)), stated(comparable(dst, dst.store, item.dstPath, item.dst!))]);
      const compare = async (): Promise<boolean | StorageError> => {
        // A refusal for the credential while this one waited for a hashing slot: read nothing more.
        if (refusal !== undefined) {
          heldBack.add(item);
          return refusal;
        }
        return (await compareObjects(a, b, compareOptions)).ok;
      };
      // Both CRC-64s known: nothing to read, no need to wait for a hashing slot.
      return a.info.crc64 !== undefined && b.info.crc64 !== undefined ? await compare() : await hashing.run(compare);
    } catch (e) {
      if (isAbort(e) || options.signal?.aborted === true) throw e;
      if (isCredentialRefusal(e)) refusal ??= e;
      return e;
    } finally {
      progress?.compared();
    }
  });
  undecided.forEach((item, i) => {
    const outcome = outcomes[i];
    if (typeof outcome === "boolean") add(plan, item, outcome ? [false, "same content"] : [true, "content differs"]);
    else failed(plan, item, outcome, "comparing it with the destination failed");
    if (heldBack.has(item)) item.heldBack = true;
  });
}

/**
 * Adds `item` to the copies, refused with `e` (what `doing` failed with, said in front of its
 * message; its code and context kept): the transfer reports it as a failed copy. Its bytes are not planned.
 */
function failed(plan: Plan, item: PlanItem, e: unknown, doing: string): void {
  item.reason = doing;
  item.refused = isStorageError(e)
    ? storageError(e.code, `${doing}: ${e.detail}`, { ...contextOf(e, true), cause: e, retryable: e.retryable })
    : storageError(ErrorCode.Unexpected, `${doing}: ${thrownText(e)}`, { cause: e });
  plan.copies.push(item);
}

/** Plans one object (cp, mv, get, put of a single file). */
export function planOne(src: ObjectInfo, srcPath: string, dst: ObjectInfo | undefined, dstPath: string, options: PlanOptions): Plan {
  const plan: Plan = { copies: [], skipped: [], deletes: [], bytes: 0, links: 0, specials: [] };
  const item: PlanItem = { rel: dstPath, srcPath, dstPath, src, size: src.size ?? 0, reason: "", ...(dst ? { dst } : {}) };
  add(plan, item, decide(src, dst, dstPath, options) ?? [true, "cannot compare"]);
  return plan;
}

function add(plan: Plan, item: PlanItem, [copy, reason]: [boolean, string]): void {
  item.reason = reason;
  if (copy) {
    plan.copies.push(item);
    plan.bytes += item.size;
  } else {
    plan.skipped.push(item);
  }
}
