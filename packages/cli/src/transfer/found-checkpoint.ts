import { constants, lstat, open, type FileHandle } from "node:fs/promises";
import { UsageError } from "../errors.js";
import { shownPath } from "../shown-path.js";
import type { CheckpointData, DoneRecord } from "./checkpoint.js";
import { CHUNK_BYTES, readJournal } from "./checkpoint-file.js";
import { notHeader, type JournalHeader } from "./checkpoint-journal.js";
import { doneTable, uploadTable } from "./checkpoint-tables.js";

/** Whose a checkpoint is: the transfer it records. */
export interface CheckpointOwner {
  command: string;
  source: string;
  destination: string;
}

/**
 * What is at a checkpoint's path: nothing; an entry that is no regular file (`what`: `a symbolic
 * link`, `a fifo`...), never read; a regular file of zero bytes; a stowage checkpoint (version 2,
 * a journal of JSON lines, or version 1, one JSON text; with the fields every stowage writes; its
 * tables without prototype, well-formed entries only); or a regular file that is none (`why`: it
 * cannot be read, is no JSON, is another version or shape, a journal line is no change).
 */
export type FoundCheckpoint =
  | { kind: "none" }
  | { kind: "not-regular"; what: string }
  | { kind: "empty" }
  | { kind: "checkpoint"; data: CheckpointData; file?: FileIdentity }
  | { kind: "foreign"; why: string };

/**
 * Which file a checkpoint was read from, and as it was then: a file still showing all of these
 * (its inode, size and change time) holds what was read.
 */
export interface FileIdentity {
  dev: number;
  ino: number;
  size: number;
  mtimeMs: number;
  ctimeMs: number;
}

/** The {@link FileIdentity} of `st`. @throws nothing */
function identityOf(st: FileIdentity): FileIdentity {
  return { dev: st.dev, ino: st.ino, size: st.size, mtimeMs: st.mtimeMs, ctimeMs: st.ctimeMs };
}

/** Whether `v` is a plain object (not null, not an array). */
function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Why `text` (a file that is no journal) is no version-1 stowage checkpoint; undefined when it is one. */
function notCheckpoint(text: string): string | undefined {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return "not JSON";
  }
  if (!isRecord(data)) return "JSON, but not an object";
  // A journal's header is a line of its own: version 2 in one JSON text is none.
  if (data["version"] === 2) return "version 2, but not the lines of a checkpoint";
  if (data["version"] !== 1) return data["version"] === undefined ? "no checkpoint version" : `checkpoint version ${JSON.stringify(data["version"])}, not 1 or 2`;
  const fields = ["command", "source", "destination"].every((f) => typeof data[f] === "string");
  if (!fields || !isRecord(data["uploads"]) || !isRecord(data["done"])) return "version 1, but not the fields of a checkpoint";
  if (data["writes"] !== undefined && typeof data["writes"] !== "string") return "version 1, but not the fields of a checkpoint";
  return undefined;
}

/**
 * The version-2 header at the start of `head` (the file's first bytes), when its first line is one
 * (ended by its "\n"); undefined when the file is no journal (a version-1 file is one JSON text).
 * @throws nothing
 */
function journalHeader(head: string): Record<string, unknown> | undefined {
  const end = head.indexOf("\n");
  if (end < 0) return undefined;
  try {
    const v: unknown = JSON.parse(head.slice(0, end));
    return isRecord(v) && v["version"] === 2 ? v : undefined;
  } catch {
    return undefined;
  }
}

/**
 * What the regular file open as `handle` holds: a version-2 journal, streamed line by line
 * (checkpoint-file.ts `readJournal`), or else a version-1 checkpoint, one JSON text read whole (an
 * earlier stowage wrote it, small), or no checkpoint. The tables are taken entry by entry, well-formed
 * entries only, without prototype (checkpoint-tables.ts).
 * @throws the file system's error of a read
 */
async function readCheckpoint(handle: FileHandle, size: number): Promise<FoundCheckpoint> {
  const first = Buffer.alloc(Math.min(size, CHUNK_BYTES));
  const { bytesRead } = await handle.read(first, 0, first.length, 0);
  const head = first.subarray(0, bytesRead).toString("utf8");
  const header = journalHeader(head);
  // No header stowage writes is that long (a command, two redacted locations, a digest): not read on.
  if (header === undefined && bytesRead === CHUNK_BYTES && !head.includes("\n") && /^\{"version":2[,}]/.test(head)) {
    return { kind: "foreign", why: `version 2, but its first line is over ${CHUNK_BYTES / 1024} KiB` };
  }
  if (header !== undefined) {
    const why = notHeader(header);
    if (why !== undefined) return { kind: "foreign", why };
    const tables = { uploads: uploadTable(), done: new Map<string, DoneRecord>() };
    const bad = await readJournal(handle, size, tables);
    if (bad !== undefined) return { kind: "foreign", why: `version 2, but line ${bad} is no change of a checkpoint` };
    return { kind: "checkpoint", data: { ...(header as unknown as JournalHeader), ...tables } };
  }
  const text = await handle.readFile("utf8");
  const why = notCheckpoint(text);
  if (why !== undefined) return { kind: "foreign", why };
  const data = JSON.parse(text) as Record<string, unknown>;
  return { kind: "checkpoint", data: { ...(data as unknown as CheckpointData), uploads: uploadTable(data["uploads"]), done: new Map(Object.entries(doneTable(data["done"]))) } };
}

/**
 * What is at `path` ({@link FoundCheckpoint}). A regular file is opened without following a
 * symbolic link and without waiting on a fifo (O_NOFOLLOW | O_NONBLOCK), then checked to be one.
 * @throws nothing
 */
export async function findCheckpoint(path: string): Promise<FoundCheckpoint> {
  let handle: FileHandle;
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (e) {
    return await unopened(path, e);
  }
  try {
    const st = await handle.stat();
    if (!st.isFile()) return await unopened(path, new Error("not a regular file"));
    if (st.size === 0) return { kind: "empty" };
    const found = await readCheckpoint(handle, st.size);
    return found.kind === "checkpoint" ? { ...found, file: identityOf(st) } : found;
  } catch (e) {
    return await unopened(path, e);
  } finally {
    await handle.close().catch(() => undefined);
  }
}

/**
 * What is at `path`, as {@link findCheckpoint} says, taking `earlier` (what a call of it found
 * there before) when that was a checkpoint and the regular file at `path` still is that very file,
 * unchanged ({@link FileIdentity}): a journal of a million objects is not read twice (a named
 * `--checkpoint` is checked before its lock is taken, then opened under it).
 * @throws nothing
 */
export async function findCheckpointAgain(path: string, earlier?: FoundCheckpoint): Promise<FoundCheckpoint> {
  if (earlier?.kind === "checkpoint" && earlier.file !== undefined) {
    const now = await lstat(path).catch(() => undefined);
    const then = earlier.file;
    const same = now?.isFile() === true && (["dev", "ino", "size", "mtimeMs", "ctimeMs"] as const).every((f) => now[f] === then[f]);
    if (same) return earlier;
  }
  return findCheckpoint(path);
}

/** What is at `path` when it could not be opened or read as a regular file (`e`, the error). @throws nothing */
async function unopened(path: string, e: unknown): Promise<FoundCheckpoint> {
  const what = await notRegular(path);
  if (what !== undefined) return { kind: "not-regular", what };
  const there = await lstat(path).catch(() => undefined);
  return there === undefined ? { kind: "none" } : { kind: "foreign", why: `it cannot be read: ${(e as NodeJS.ErrnoException).code ?? "error"}` };
}

/**
 * Whether checkpoint `data` records the transfer `owner` (the same command, source and destination).
 * @throws nothing
 */
export function recordsTransfer(data: CheckpointData, owner: CheckpointOwner): boolean {
  return data.command === owner.command && data.source === owner.source && data.destination === owner.destination;
}

/**
 * Refuses a `--checkpoint` path the user named when what is there is a regular file the run would
 * replace, and later delete, but is no checkpoint of this transfer: a file that is no stowage
 * checkpoint (a file name that slid into the option's value), or the checkpoint of another
 * command, source or destination (whose recorded uploads would be left behind). Nothing there, a
 * file of zero bytes (nothing in it to lose: a `mktemp` file, or a checkpoint a crash left empty),
 * a checkpoint of this transfer, and an entry that is no regular file (a link or fifo, never read
 * nor followed: the run starts over and replaces that entry) are let through.
 * @throws UsageError (exit 2) naming the file and why; the file is left as it is
 */
export function refuseForeign(command: string, path: string, found: FoundCheckpoint, owner: CheckpointOwner): void {
  const shown = shownPath(path);
  const leftAlone = "refused, the file is left as it is and nothing was transferred";
  if (found.kind === "foreign") {
    throw new UsageError(`${command}: --checkpoint ${shown} is not a stowage checkpoint (${found.why}): ${leftAlone}; name another file, or remove this one`);
  }
  if (found.kind === "checkpoint" && !recordsTransfer(found.data, owner)) {
    const { data } = found;
    throw new UsageError(
      `${command}: --checkpoint ${shown} is the checkpoint of another transfer (${shownPath(data.command)} ${shownPath(data.source)} to ${shownPath(data.destination)}): ` +
        `${leftAlone}; resume that transfer with it, name another file, or remove it to give up what it records`,
    );
  }
}

/**
 * What is at `path` when it is there but no regular file (`a symbolic link`, `a fifo`...); else
 * undefined (nothing there, or a regular file).
 * @throws nothing
 */
export async function notRegular(path: string): Promise<string | undefined> {
  const st = await lstat(path).catch(() => undefined);
  if (st === undefined || st.isFile()) return undefined;
  if (st.isSymbolicLink()) return "a symbolic link";
  if (st.isFIFO()) return "a fifo";
  if (st.isDirectory()) return "a directory";
  if (st.isSocket()) return "a socket";
  return "a device";
}
