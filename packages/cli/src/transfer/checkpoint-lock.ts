import { createHash, randomBytes } from "node:crypto";
import { constants, lstatSync, readFileSync, unlinkSync, type BigIntStats } from "node:fs";
import { link, lstat, mkdir, open, readFile, rename, unlink, utimes, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import { dirname } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { UsageError } from "../errors.js";
import { shownPath } from "../shown-path.js";
import { Checkpoint } from "./checkpoint.js";
import { removeStaleTemps, removeWrittenTempsNow, writingTemp } from "./checkpoint-temps.js";
import { findCheckpoint, notRegular, refuseForeign } from "./found-checkpoint.js";

// A run that uses a checkpoint holds `<checkpoint>.lock` while it runs, so a second run of the same
// command (same checkpoint) does not resume the uploads the first is still sending and complete them
// under it. The lock file names the holder: its pid, host and, on Linux, its process start time. A
// lock whose holder is gone (no such pid on this host, or the pid now belongs to a process started
// later) is stale and taken over. A holder touches its lock every minute; a lock of another host
// (whose pid cannot be asked) is stale once untouched for 10 minutes (a killed run in a container,
// whose next run has another host name, would otherwise never resume again).
//
// Breaking a stale lock is atomic against other runs breaking it at the same moment: only the run
// that creates the break token of that very file (`<checkpoint>.lock.<16 hex digits>.tmp`, named
// after the stale file's device, inode and change time, written exclusively) removes it, and only
// while the file at the lock's name is still that one; nobody else removes a lock that is not
// their own, so between that check and the removal nothing else can come to the name (a link()
// only succeeds on a free name). The others wait for the break and try again. A token left by a
// run killed in the middle of a break (its pid gone, or older than BREAK_STALE_MS) is moved aside
// and removed, and put back (never over another) when what was moved is someone's live token.
// A run that linked its lock reads it back: it holds the lock only when the file at the name is
// its own (its pid and the inode of the file it wrote).

/** Who holds a checkpoint's lock. */
export interface LockHolder {
  pid: number;
  host: string;
  /** The holder's start time (`/proc/<pid>/stat`, clock ticks since boot), where known. */
  start?: string;
}

/** A checkpoint lock this run holds. */
export interface CheckpointLock {
  /** The lock file. */
  readonly path: string;
  /** Removes the lock file (when it still is this run's). @throws nothing */
  release(): Promise<void>;
}

/** Mode of the lock file, and of the directories made for it. */
const FILE_MODE = 0o600;
const DIR_MODE = 0o700;

/** How often a holder touches its lock's modification time. */
export const LOCK_REFRESH_MS = 60_000;
/** A lock of another host untouched this long is stale. */
export const OTHER_HOST_STALE_MS = 10 * 60_000;

/** A break token (see above) older than this, or whose run is gone, is a killed run's and is removed. */
const BREAK_STALE_MS = 10_000;

/** Lock files this process holds, with the inode of the file it wrote: a pid of this process is alive only for these. */
const heldHere = new Map<string, number>();

/** The start time of process `pid` (field 22 of `/proc/<pid>/stat`); undefined where there is no /proc. */
async function startOf(pid: number): Promise<string | undefined> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, "utf8");
    // The command name (field 2) is in parentheses and may hold spaces: count from after it.
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19];
  } catch {
    return undefined;
  }
}

/** Whether `holder`, of lock file `path` last touched at `touchedMs`, may still be running. */
async function alive(holder: LockHolder, path: string, touchedMs: number): Promise<boolean> {
  // Another host's pid cannot be asked: alive while it keeps touching the lock.
  if (holder.host !== hostname()) return Date.now() - touchedMs < OTHER_HOST_STALE_MS;
  if (holder.pid === process.pid) return heldHere.has(path);
  try {
    process.kill(holder.pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ESRCH") return false;
  }
  // The pid exists (or is another user's): the same process only when it started when the holder did.
  const start = holder.start === undefined ? undefined : await startOf(holder.pid);
  return start === undefined || start === holder.start;
}

/** What is at a name: its identity (device, inode, change and birth time) and when it was last touched. */
interface Found {
  /** Unique to the file while it exists, and not taken again by a file that replaces it. */
  id: string;
  ino: number;
  touchedMs: number;
}

/** A lock file that names its holder: who, and the file's identity. */
interface HeldLock extends Found {
  holder: LockHolder;
}

/** A file at a lock's name that names no holder (why not), and its identity. */
interface NoLock extends Found {
  why: string;
}

function found(st: BigIntStats): Found {
  return { id: `${st.dev}:${st.ino}:${st.ctimeNs}:${st.birthtimeNs}`, ino: Number(st.ino), touchedMs: Number(st.mtimeNs / 1000n) / 1000 };
}

/**
 * The holder the lock file at `path` names; `{ why }` when what is there names none (why not: a
 * symbolic link, a file that cannot be read, is empty, no JSON, names no pid and host...);
 * undefined when nothing is there.
 */
async function holderOf(path: string): Promise<HeldLock | NoLock | undefined> {
  // What the open fails on is told by its identity before and after: should the name change
  // meanwhile (a stale lock removed, a live one linked), it is undefined (look again), never the
  // failure of one file with the identity of another (which a breaker would then remove).
  const first = await lstat(path, { bigint: true }).catch(() => undefined);
  if (first === undefined) return undefined;
  let handle;
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    const what = await notRegular(path);
    const there = await lstat(path, { bigint: true }).catch(() => undefined);
    if (there === undefined || found(there).id !== found(first).id) return undefined;
    return { why: what !== undefined ? `it is ${what}` : `it cannot be read: ${(e as NodeJS.ErrnoException).code ?? "error"}`, ...found(there) };
  }
  let st: BigIntStats | undefined;
  try {
    st = await handle.stat({ bigint: true });
    if (!st.isFile()) return { why: `it is ${(await notRegular(path)) ?? "no regular file"}`, ...found(st) };
    const text = await handle.readFile("utf8");
    if (text.length === 0) return { why: "it is empty", ...found(st) };
    let parsed: Partial<LockHolder>;
    try {
      parsed = JSON.parse(text) as Partial<LockHolder>;
    } catch {
      return { why: "it is not JSON", ...found(st) };
    }
    if (typeof parsed?.pid !== "number" || typeof parsed.host !== "string") return { why: "it names no pid and host", ...found(st) };
    return { holder: { pid: parsed.pid, host: parsed.host, ...(typeof parsed.start === "string" ? { start: parsed.start } : {}) }, ...found(st) };
  } catch (e) {
    // The opened file's identity, or none known: then look again.
    return st === undefined ? undefined : { why: `it cannot be read: ${(e as NodeJS.ErrnoException).code ?? "error"}`, ...found(st) };
  } finally {
    await handle.close();
  }
}

/** A name beside the lock of the form removeStaleTemps (checkpoint-temps.ts) removes once it is an hour old. */
function besideName(path: string, hex16: string): string {
  return `${path}.${hex16}.tmp`;
}

/**
 * Removes the stale file `stale` read at the lock's name `path`, unless another run is already
 * doing so (then it waits a moment: "waited"): see "Breaking a stale lock" above. Whatever it
 * finds, the caller then tries to take the lock again.
 */
async function breakStale(path: string, stale: Found, me: LockHolder): Promise<"waited" | "done"> {
  const token = besideName(path, createHash("sha256").update(stale.id).digest("hex").slice(0, 16));
  let written: { done(): void };
  try {
    await writeFile(token, JSON.stringify(me), { flag: "wx", mode: FILE_MODE });
    // Another run's token may come to this name once this one is gone: noted only once it is this run's.
    written = writingTemp(token);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EEXIST") {
      await unlink(token).catch(() => undefined);
      throw e;
    }
    // Another run breaks this very file (or it broke it, or was killed while doing so).
    await removeIfAbandoned(path, token);
    await sleep(2 + Math.random() * 8);
    return "waited";
  }
  try {
    const now = await lstat(path, { bigint: true }).catch(() => undefined);
    if (now !== undefined && found(now).id === stale.id) await unlink(path).catch(() => undefined);
  } finally {
    await unlink(token).catch(() => undefined);
    written.done();
  }
  return "done";
}

/** Removes break token `token` of lock `path` when the run that made it is gone or it is old. */
async function removeIfAbandoned(path: string, token: string): Promise<void> {
  const there = await holderOf(token);
  if (there === undefined) return;
  let abandoned = Date.now() - there.touchedMs > BREAK_STALE_MS;
  if (!abandoned && "holder" in there && !(there.holder.pid === process.pid && there.holder.host === hostname())) {
    abandoned = !(await alive(there.holder, token, there.touchedMs));
  }
  if (!abandoned) return;
  // Moved aside, so that only the very token read is removed; one made since is put back.
  const aside = besideName(path, randomBytes(8).toString("hex"));
  try {
    await rename(token, aside);
  } catch {
    return;
  }
  const moved = await lstat(aside, { bigint: true }).catch(() => undefined);
  if (moved !== undefined && Number(moved.ino) !== there.ino) await link(aside, token).catch(() => undefined);
  await unlink(aside).catch(() => undefined);
}

/**
 * Takes the lock of the checkpoint at `checkpoint` (`<checkpoint>.lock`). The lock file is written
 * whole under a temp name and then hard-linked to its name, so it never exists half-written. A lock
 * held by a live run (this host, pid alive and started when the lock says; a lock of another
 * host touched in the last {@link OTHER_HOST_STALE_MS}) is not taken: `holder` says whose it is. One
 * whose holder is gone is removed and taken; of runs breaking one stale lock at the same moment
 * exactly one removes it (see "Breaking a stale lock" above), and a run holds the lock only once it
 * read back, at the lock's name, the very file it wrote. What is at the lock's
 * name but names no holder (a file of the user's, a link, an empty file) is never a lock stowage
 * wrote: with `named` (the user gave the checkpoint's path, and so chose the lock's name without
 * knowing it) it is refused and left as it is; else (the default checkpoint, in stowage's own state
 * directory) it is removed and the lock taken.
 * @throws UsageError with `named`, when what is at the lock's name names no holder; the file
 *   system's errors other than an existing lock (EACCES...); an Error when what is at the lock's
 *   name is no lock file and cannot be removed (a directory)
 */
export async function lockCheckpoint(checkpoint: string, named = false): Promise<{ lock: CheckpointLock } | { holder: LockHolder }> {
  const path = `${checkpoint}.lock`;
  if (named) {
    // Refused before the temp file is written (and again below, should one appear meanwhile).
    const there = await holderOf(path);
    if (there !== undefined && "why" in there) throw notALock(path, there.why);
  }
  await mkdir(dirname(path), { recursive: true, mode: DIR_MODE });
  const start = await startOf(process.pid);
  const me: LockHolder = { pid: process.pid, host: hostname(), ...(start === undefined ? {} : { start }) };
  const temp = `${path}.${randomBytes(8).toString("hex")}.tmp`;
  // Removed at once should the process exit meanwhile (a second Ctrl-C: removeOwnFilesNow).
  const written = writingTemp(temp);
  try {
    await writeFile(temp, JSON.stringify(me), { flag: "wx", mode: FILE_MODE });
  } catch (e) {
    // Created but not written (ENOSPC, EDQUOT...): removed, as the checkpoint's own temp file is.
    // Never what someone else made under the name (EEXIST: nothing was written).
    if ((e as NodeJS.ErrnoException).code !== "EEXIST") await unlink(temp).catch(() => undefined);
    written.done();
    throw e;
  }
  try {
    const mine = Number((await lstat(temp, { bigint: true })).ino);
    // Bounded: each round either takes the lock, finds a live holder, or removed a stale one; a
    // round that waited for another run's break of a stale lock is not counted, up to the time a
    // break token takes to go stale.
    const waitUntil = Date.now() + 2 * BREAK_STALE_MS;
    for (let round = 0; round < 5; round++) {
      let linked = false;
      try {
        await link(temp, path);
        linked = true;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      }
      const found = await holderOf(path);
      // Held only when what is at the name is the file this run wrote.
      if (linked && found !== undefined && "holder" in found && found.ino === mine && found.holder.pid === me.pid && found.holder.host === me.host) {
        heldHere.set(path, mine);
        return { lock: lockOf(path, mine) };
      }
      if (found === undefined) continue;
      if ("why" in found) {
        if (named) throw notALock(path, found.why);
      } else if (await alive(found.holder, path, found.touchedMs)) {
        return { holder: found.holder };
      }
      // Stale (or, in the state directory, naming nobody): removed by one run only, while it is the very file read.
      if ((await breakStale(path, found, me)) === "waited" && Date.now() < waitUntil) round--;
    }
    throw new Error(`${path} is there and could not be taken or removed`);
  } finally {
    await unlink(temp).catch(() => undefined);
    written.done();
  }
}

/**
 * Who holds the lock of the checkpoint at `checkpoint` now, looked at without taking it (a dry
 * run's look): a live run's holder, else undefined (no lock, or one whose holder is gone). With
 * `named`, what is at the lock's name but names no holder is refused as {@link lockCheckpoint}
 * refuses it; else it is no holder.
 * @throws UsageError with `named`, when what is at the lock's name names no holder
 */
export async function liveHolder(checkpoint: string, named = false): Promise<LockHolder | undefined> {
  const path = `${checkpoint}.lock`;
  const found = await holderOf(path);
  if (found === undefined) return undefined;
  if ("why" in found) {
    if (named) throw notALock(path, found.why);
    return undefined;
  }
  return (await alive(found.holder, path, found.touchedMs)) ? found.holder : undefined;
}

/** The warning of a run that does not use checkpoint `path` because live `holder` has it. */
export function inUseLine(command: string, path: string, holder: LockHolder, dryRun = false): string {
  const who = holder.host === hostname() ? `pid ${holder.pid}` : `pid ${holder.pid} on ${holder.host}`;
  const verbs = dryRun ? "a run now would neither resume from it nor record in it" : "this run neither resumes from it nor records in it";
  return `${command}: checkpoint ${path} is in use by another run (${who}): ${verbs} (its large objects go in uploads of their own); if no such run is going, remove ${path}.lock`;
}

/** The refusal of a `<checkpoint>.lock` that names no holder, next to a checkpoint the user named. */
function notALock(path: string, why: string): UsageError {
  return new UsageError(
    `${shownPath(path)} is not a stowage checkpoint lock (${why}): refused, the file is left as it is and nothing was transferred; ` +
      "name another checkpoint file, or remove or rename this one",
  );
}

function lockOf(path: string, ino: number): CheckpointLock {
  let released = false;
  // Touched while held, so that a run on another host can tell a live lock from a dead one's.
  const touch = setInterval(() => {
    const now = new Date();
    utimes(path, now, now).catch(() => undefined);
  }, LOCK_REFRESH_MS);
  touch.unref();
  return {
    path,
    release: async () => {
      if (released) return;
      released = true;
      clearInterval(touch);
      try {
        // Only our own (the file this run wrote): a lock another run took over (ours deemed stale) stays.
        const found = await holderOf(path);
        if (found !== undefined && "holder" in found && found.ino === ino && found.holder.pid === process.pid && found.holder.host === hostname()) await unlink(path).catch(() => undefined);
      } finally {
        // Held until removed: a process that exits at once meanwhile still removes it (removeOwnFilesNow).
        heldHere.delete(path);
      }
    },
  };
}

/**
 * Removes at once, synchronously, what this process's checkpoint runs would leave were it to exit
 * this moment, for a `process.exit` that waits for nothing (a second Ctrl-C): each lock it holds,
 * only while the file at the lock's name still is the one it wrote (same inode, naming this
 * process's pid and host: never a lock another run took over), and the temp files of the saves
 * (of a checkpoint, a lock or a break token) it is in the middle of. The checkpoints themselves stay,
 * for a resume.
 * @throws nothing
 */
export function removeOwnFilesNow(): void {
  for (const [path, ino] of heldHere) {
    try {
      const st = lstatSync(path);
      if (!st.isFile() || st.ino !== ino) continue;
      const holder = JSON.parse(readFileSync(path, "utf8")) as Partial<LockHolder>;
      if (holder.pid === process.pid && holder.host === hostname()) unlinkSync(path);
    } catch {
      // Gone already, or not readable or removable: left (the next run takes a stale lock over).
    }
  }
  heldHere.clear();
  removeWrittenTempsNow();
}

/** A run's checkpoint (none when another live run holds it) and the release of its lock. */
export interface LockedCheckpoint {
  checkpoint: Checkpoint | undefined;
  /** Releases the lock, when taken. @throws nothing */
  release(): Promise<void>;
}

/**
 * Opens the checkpoint at `path` ({@link Checkpoint.open}) under its lock ({@link lockCheckpoint}).
 * A checkpoint another live run holds is not used: this run neither resumes from it nor records in
 * it (each of its large objects then goes in an upload of its own), and `warn` says so, naming the
 * holder and the lock file to remove if no such run is going. A lock that cannot be taken for
 * another reason (a permission) is warned of, and the checkpoint used without it. With `named`
 * (the user gave `path`: `--checkpoint`), a regular file there that is no checkpoint of this
 * transfer, and a `<path>.lock` that names no holder, are refused before anything is written, and
 * left as they are. Temp files killed runs left next to it, an hour old or more, are removed first
 * (checkpoint-temps.ts).
 * @throws UsageError with `named`: a file at `path` that is no checkpoint of this command, source
 *   and destination (found-checkpoint.ts `refuseForeign`), or a `<path>.lock` that is no lock
 */
export async function openLocked(
  command: string,
  path: string,
  meta: Parameters<typeof Checkpoint.open>[1],
  warn: (line: string) => void,
  named = false,
): Promise<LockedCheckpoint> {
  // Checked before the lock is written (and again under it, by the open: not read again when unchanged).
  const found = named ? await findCheckpoint(path) : undefined;
  if (found !== undefined) refuseForeign(command, path, found, meta);
  // What killed runs left in the directory (a temp file of a checkpoint or a lock, for good).
  await removeStaleTemps(path, named);
  let taken: Awaited<ReturnType<typeof lockCheckpoint>> | undefined;
  try {
    taken = await lockCheckpoint(path, named);
  } catch (e) {
    if (e instanceof UsageError) throw new UsageError(`${command}: --checkpoint ${shownPath(path)}: ${e.message}`);
    warn(`${command}: checkpoint ${path}: its lock could not be taken (${(e as Error).message}); going on without it (the checkpoint may not be writable either)`);
  }
  if (taken !== undefined && "holder" in taken) {
    warn(inUseLine(command, path, taken.holder));
    return { checkpoint: undefined, release: async () => undefined };
  }
  const lock = taken?.lock;
  try {
    return { checkpoint: await Checkpoint.open(path, meta, named, found), release: async () => lock?.release() };
  } catch (e) {
    await lock?.release();
    throw e;
  }
}
