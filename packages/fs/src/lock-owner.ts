import { randomBytes } from "node:crypto";
import { readFileSync, readlinkSync } from "node:fs";
import { hostname } from "node:os";
import { errnoOf } from "./errors.js";

/**
 * Who holds an append lock (append-lock.ts), as its lock file says: written by the holder right
 * after it created the file, as one line of JSON.
 */
export interface LockOwner {
  /** The holder's process id. */
  pid: number;
  /** The holder's host name (os.hostname()). */
  host: string;
  /** The holder's pid namespace (Linux: `/proc/self/ns/pid`, e.g. `pid:[4026531836]`; empty elsewhere): a container sharing the host name has its own. */
  ns: string;
  /** A random token of the holder's process, so a later process given the same pid is told apart. */
  token: string;
  /**
   * When the holder's process started (Linux: field 22 of `/proc/<pid>/stat`, clock ticks since
   * boot; empty elsewhere, and in locks of earlier versions): with the pid, names that one process,
   * so a later process given the same pid is told apart from it by any process of its machine.
   */
  start: string;
  /** When the lock was taken (ISO 8601, the holder's clock), for people reading it. */
  since: string;
}

/** A lock file as read once: its inode, last modification (the holder refreshes it) and text. */
export interface LockSeen {
  ino: bigint;
  mtimeMs: number;
  text: string;
}

/** Shared by every copy of this module loaded in one process (one process, one token). */
const TOKEN_KEY = Symbol.for("@stowage/fs append-lock process token");

let self: Omit<LockOwner, "since"> | undefined;

/** This process as a lock owner. @throws nothing. */
export function thisOwner(): Omit<LockOwner, "since"> {
  if (self === undefined) {
    const shared = globalThis as { [TOKEN_KEY]?: string };
    const token = (shared[TOKEN_KEY] ??= randomBytes(8).toString("hex"));
    self = { pid: process.pid, host: hostname(), ns: pidNamespace(), token, start: ownStart() };
  }
  return self;
}

/**
 * The text this process writes into a lock file it takes: one line of JSON naming it, with the
 * fields of `extra` (an append's committed state, committed.ts) after those.
 * @throws nothing.
 */
export function ownerText(extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ ...thisOwner(), since: new Date().toISOString(), ...extra }) + "\n";
}

/** The owner a lock file's text names, or undefined (not written yet, or not a lock's). @throws nothing. */
export function parseOwner(text: string): LockOwner | undefined {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof v !== "object" || v === null) return undefined;
  const o = v as Record<string, unknown>;
  // A pid of 0 or below would name a process group to process.kill: never taken as a pid.
  if (typeof o.pid !== "number" || !Number.isSafeInteger(o.pid) || o.pid <= 0) return undefined;
  if (typeof o.host !== "string" || typeof o.ns !== "string" || typeof o.token !== "string") return undefined;
  const start = typeof o.start === "string" ? o.start : "";
  return { pid: o.pid, host: o.host, ns: o.ns, token: o.token, start, since: typeof o.since === "string" ? o.since : "?" };
}

/**
 * Whether the file `seen`, named as an append lock or its guard (reserved-names.ts isOwnLockName),
 * is one: its text names a holder ({@link parseOwner}), or it is empty and was modified within
 * `staleMs` (a lock just created, its holder's name not written yet; a holder keeps its lock's
 * mtime fresh). Anything else under such a name (other text, or empty and older) is a user's
 * file: listings report it, and nothing removes it.
 * @throws nothing.
 */
export function isLockFile(seen: LockSeen, staleMs: number, now = Date.now()): boolean {
  if (seen.text === "") return now - seen.mtimeMs <= staleMs;
  return parseOwner(seen.text) !== undefined;
}

/**
 * Why the lock file `seen` is stale (its holder is gone), or undefined while it may still be held:
 * - it names a process on this machine (same host name and pid namespace):
 *   - this process's pid: stale only with another token (an earlier process given the same pid);
 *   - one that no longer runs (`process.kill(pid, 0)` answers ESRCH): stale;
 *   - one that runs, and the lock says when its holder started (`start`, Linux): stale when the
 *     process running under that pid started at another time (a later process given the pid);
 *     else never stale, however long since it refreshed the lock: a holder stalled (stopped,
 *     frozen, its event loop blocked) still holds it, and appends wait for it, then `Conflict`;
 *   - one that runs, where that cannot be told (no `start`: not Linux, or a lock of an earlier
 *     version): as below, by age;
 * - any other (another host, or a lock whose text is not an owner's yet): stale once not
 *   modified for more than `staleMs` (by this process's clock): a holder refreshes its lock's
 *   mtime every few seconds, so its process died, or its host, or it stalled that long (an append
 *   then stops before its next slice, append.ts).
 * Callers first check {@link isLockFile}: a file whose text names no owner and is not empty is not a lock at all.
 * @throws nothing.
 */
export function staleness(seen: LockSeen, staleMs: number, now = Date.now()): string | undefined {
  const owner = parseOwner(seen.text);
  const me = thisOwner();
  if (owner !== undefined && owner.host === me.host && owner.ns === me.ns) {
    if (owner.pid === me.pid) return owner.token === me.token ? undefined : "left by an earlier process with this process's pid";
    if (processGone(owner.pid)) return `its process ${owner.pid} is gone`;
    const start = owner.start === "" || me.start === "" ? undefined : processStart(owner.pid);
    if (start !== undefined) return start === owner.start ? undefined : `its process ${owner.pid} is gone (the pid is another process's now)`;
  }
  if (now - seen.mtimeMs > staleMs) return `not refreshed for more than ${Math.round(staleMs / 1000)} s`;
  return undefined;
}

/** Who holds the lock `seen`, for a message. @throws nothing. */
export function describeOwner(seen: LockSeen): string {
  const owner = parseOwner(seen.text);
  return owner === undefined ? "a process that has not said who it is yet" : `process ${owner.pid} on ${owner.host}, since ${owner.since}`;
}

/** True when no process `pid` runs here (ESRCH); a process this one may not signal (EPERM) runs. */
function processGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch (e) {
    return errnoOf(e) === "ESRCH";
  }
}

/**
 * When process `pid` of this pid namespace started (Linux: field 22 of `/proc/<pid>/stat`, clock
 * ticks since boot), or undefined where that cannot be read (not Linux, no such process).
 */
function processStart(pid: number): string | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, "latin1");
  } catch {
    return undefined;
  }
  // The command name (field 2, in parentheses) may hold spaces and parentheses: the fields after it follow its last `)`.
  const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
  const start = fields[19];
  return start !== undefined && /^\d+$/.test(start) ? start : undefined;
}

/**
 * When this process started ({@link processStart}), or "" where that cannot be read, or where
 * `/proc` is not of this process's pid namespace (its entry for this pid is another process's).
 */
function ownStart(): string {
  try {
    if (!readFileSync("/proc/self/stat", "latin1").startsWith(`${process.pid} (`)) return "";
  } catch {
    return "";
  }
  return processStart(process.pid) ?? "";
}

/** This process's pid namespace (Linux), or "" where there is none to read. */
function pidNamespace(): string {
  try {
    return readlinkSync("/proc/self/ns/pid");
  } catch {
    return "";
  }
}
