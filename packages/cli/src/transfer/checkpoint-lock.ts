import { randomBytes } from "node:crypto";
import { constants } from "node:fs";
import { link, lstat, mkdir, open, readFile, unlink, utimes, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import { dirname } from "node:path";
import { Checkpoint } from "./checkpoint.js";

// A run that uses a checkpoint holds `<checkpoint>.lock` while it runs, so a second run of the same
// command (same checkpoint) does not resume the uploads the first is still sending and complete them
// under it. The lock file names the holder: its pid, host and, on Linux, its process start time. A
// lock whose holder is gone (no such pid on this host, or the pid now belongs to a process started
// later) is stale and taken over. A holder touches its lock every minute; a lock of another host
// (whose pid cannot be asked) is stale once untouched for 10 minutes (a killed run in a container,
// whose next run has another host name, would otherwise never resume again).

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

/** Lock files this process holds: a pid of this process is alive only for these. */
const heldHere = new Set<string>();

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

/** The holder a lock file names; undefined when it names none (unreadable, not ours). */
async function holderOf(path: string): Promise<{ holder: LockHolder; ino: number; touchedMs: number } | undefined> {
  let handle;
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch {
    return undefined;
  }
  try {
    const st = await handle.stat();
    if (!st.isFile()) return undefined;
    const parsed = JSON.parse(await handle.readFile("utf8")) as Partial<LockHolder>;
    if (typeof parsed.pid !== "number" || typeof parsed.host !== "string") return undefined;
    return { holder: { pid: parsed.pid, host: parsed.host, ...(typeof parsed.start === "string" ? { start: parsed.start } : {}) }, ino: st.ino, touchedMs: st.mtimeMs };
  } catch {
    return undefined;
  } finally {
    await handle.close();
  }
}

/**
 * Takes the lock of the checkpoint at `checkpoint` (`<checkpoint>.lock`). The lock file is written
 * whole under a temp name and then hard-linked to its name, so it never exists half-written. A lock
 * held by a live run (this host, pid alive and started when the lock says; a lock of another
 * host touched in the last {@link OTHER_HOST_STALE_MS}) is not taken: `holder` says whose it is. One whose holder is gone, or that names no holder,
 * is removed and taken (best effort against two runs breaking one stale lock at the same moment:
 * it is removed only while it is the file that was read).
 * @throws the file system's errors other than an existing lock (EACCES...); an Error when what is
 *   at the lock's name is no lock file and cannot be removed (a directory)
 */
export async function lockCheckpoint(checkpoint: string): Promise<{ lock: CheckpointLock } | { holder: LockHolder }> {
  const path = `${checkpoint}.lock`;
  await mkdir(dirname(path), { recursive: true, mode: DIR_MODE });
  const start = await startOf(process.pid);
  const me: LockHolder = { pid: process.pid, host: hostname(), ...(start === undefined ? {} : { start }) };
  const temp = `${path}.${randomBytes(8).toString("hex")}.tmp`;
  await writeFile(temp, JSON.stringify(me), { flag: "wx", mode: FILE_MODE });
  try {
    // Bounded: each round either takes the lock, finds a live holder, or removed a stale one.
    for (let round = 0; round < 5; round++) {
      try {
        await link(temp, path);
        heldHere.add(path);
        return { lock: lockOf(path) };
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      }
      const found = await holderOf(path);
      if (found !== undefined && (await alive(found.holder, path, found.touchedMs))) return { holder: found.holder };
      // Stale (or naming nobody): removed only while it is the very file read.
      const now = await lstat(path).catch(() => undefined);
      if (now !== undefined && (found === undefined || now.ino === found.ino)) await unlink(path).catch(() => undefined);
    }
    throw new Error(`${path} is there and could not be taken or removed`);
  } finally {
    await unlink(temp).catch(() => undefined);
  }
}

function lockOf(path: string): CheckpointLock {
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
      heldHere.delete(path);
      // Only our own: a lock another run took over (ours deemed stale) stays.
      const found = await holderOf(path);
      if (found !== undefined && found.holder.pid === process.pid && found.holder.host === hostname()) await unlink(path).catch(() => undefined);
    },
  };
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
 * another reason (a permission) is warned of, and the checkpoint used without it.
 * @throws nothing
 */
export async function openLocked(
  command: string,
  path: string,
  meta: Parameters<typeof Checkpoint.open>[1],
  warn: (line: string) => void,
): Promise<LockedCheckpoint> {
  let taken: Awaited<ReturnType<typeof lockCheckpoint>> | undefined;
  try {
    taken = await lockCheckpoint(path);
  } catch (e) {
    warn(`${command}: checkpoint ${path}: its lock could not be taken (${(e as Error).message}); going on without it`);
  }
  if (taken !== undefined && "holder" in taken) {
    const { pid, host } = taken.holder;
    const who = host === hostname() ? `pid ${pid}` : `pid ${pid} on ${host}`;
    warn(
      `${command}: checkpoint ${path} is in use by another run (${who}): this run neither resumes from it nor records in it ` +
        `(its large objects go in uploads of their own); if no such run is going, remove ${path}.lock`,
    );
    return { checkpoint: undefined, release: async () => undefined };
  }
  const lock = taken?.lock;
  try {
    return { checkpoint: await Checkpoint.open(path, meta), release: async () => lock?.release() };
  } catch (e) {
    await lock?.release();
    throw e;
  }
}
