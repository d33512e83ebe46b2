import { randomBytes } from "node:crypto";
import { constants, mkdir, open, rename, unlink, type FileHandle } from "node:fs/promises";
import { dirname } from "node:path";
import { createInterface } from "node:readline";
import { applyLine, type JournalTables } from "./checkpoint-journal.js";
import { writingTemp } from "./checkpoint-temps.js";

/** Mode of a checkpoint file (it names the objects transferred): the user's only. */
const FILE_MODE = 0o600;

/** Mode of the directories the CLI makes for checkpoints. */
const DIR_MODE = 0o700;

/** Lines are written in chunks of about this many bytes (never one string of the whole state). */
export const CHUNK_BYTES = 64 * 1024;

/** Which file a journal's appends go to: the one its last compaction renamed into place. */
export interface JournalFile {
  dev: number;
  ino: number;
}

/** Writes all of `text` at the handle's position (or its end, opened O_APPEND). @throws the file system's error */
async function writeAll(handle: FileHandle, text: string): Promise<void> {
  const bytes = Buffer.from(text, "utf8");
  for (let at = 0; at < bytes.length; ) at += (await handle.write(bytes, at, bytes.length - at)).bytesWritten;
}

/**
 * Writes `lines`, each followed by "\n", through `handle` in chunks of about {@link CHUNK_BYTES};
 * resolves with how many were written.
 * @throws the file system's error
 */
async function writeLines(handle: FileHandle, lines: Iterable<string>): Promise<number> {
  let chunk: string[] = [];
  let size = 0;
  let count = 0;
  for (const line of lines) {
    chunk.push(line, "\n");
    size += line.length + 1;
    count++;
    if (size >= CHUNK_BYTES) {
      await writeAll(handle, chunk.join(""));
      chunk = [];
      size = 0;
    }
  }
  if (chunk.length > 0) await writeAll(handle, chunk.join(""));
  return count;
}

/**
 * Writes `lines` as the whole file at `path`: through a new temp file (O_EXCL, a random name: never
 * a file or symlink someone put there; mode 0600) renamed over what is there (a link or fifo is
 * replaced, never followed), in directories made 0700. The lines are streamed in chunks, never
 * joined into one string. Resolves with how many lines were written and which file now is at `path`.
 * @throws the file system's error (the temp file is removed)
 */
export async function writeWhole(path: string, lines: Iterable<string>): Promise<{ lines: number; file: JournalFile }> {
  await mkdir(dirname(path), { recursive: true, mode: DIR_MODE });
  const temp = `${path}.${randomBytes(8).toString("hex")}.tmp`;
  // Removed at once should the process exit in the middle (a second Ctrl-C: checkpoint-temps.ts).
  const written = writingTemp(temp);
  let handle: FileHandle | undefined;
  try {
    handle = await open(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, FILE_MODE);
    const count = await writeLines(handle, lines);
    const { dev, ino } = await handle.stat();
    await handle.close();
    handle = undefined;
    await rename(temp, path);
    return { lines: count, file: { dev, ino } };
  } catch (e) {
    await handle?.close().catch(() => undefined);
    // Never remove what someone else made under the name (EEXIST: nothing was written).
    if ((e as NodeJS.ErrnoException).code !== "EEXIST") await unlink(temp).catch(() => undefined);
    throw e;
  } finally {
    written.done();
  }
}

/**
 * Appends `lines` to the journal at `path` when it still is `file` (the one the last
 * {@link writeWhole} put there): opened O_APPEND without following a symbolic link or waiting on a
 * fifo, then checked to be that very file. False, writing nothing, when it is not (gone, replaced,
 * a link): the caller then writes the file whole.
 * @throws the file system's error of the write (or of an open that fails otherwise)
 */
export async function appendLines(path: string, file: JournalFile, lines: readonly string[]): Promise<boolean> {
  let handle: FileHandle;
  try {
    handle = await open(path, constants.O_WRONLY | constants.O_APPEND | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ELOOP" || code === "ENXIO" || code === "EMLINK" || code === "EISDIR") return false;
    throw e;
  }
  try {
    const st = await handle.stat();
    if (!st.isFile() || st.dev !== file.dev || st.ino !== file.ino) return false;
    await writeLines(handle, lines);
    return true;
  } finally {
    await handle.close();
  }
}

/**
 * Reads the journal of the regular file open as `handle` (`size` bytes), line by line (a stream,
 * never the whole file as one string): line 1, its header, is skipped (the caller checked it), each
 * later line is applied to `tables` (checkpoint-journal.ts `applyLine`). A last line without its
 * "\n" (an append cut short by a crash) is left out. Resolves with the number of the first line
 * that is no change (the file is then no checkpoint), else undefined.
 * @throws the file system's error of a read
 */
export async function readJournal(handle: FileHandle, size: number, tables: JournalTables): Promise<number | undefined> {
  const last = Buffer.alloc(1);
  await handle.read(last, 0, 1, size - 1);
  const whole = last[0] === 0x0a;
  const stream = handle.createReadStream({ start: 0, end: size - 1, autoClose: false, encoding: "utf8" });
  const lines = createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY });
  let n = 0;
  let pending: string | undefined;
  try {
    for await (const line of lines) {
      // Each line is applied once the next one is seen: the last one only when the file ends with "\n".
      if (pending !== undefined && !applyLine(pending, tables)) return n;
      n++;
      pending = n === 1 ? undefined : line;
    }
    if (pending !== undefined && whole && !applyLine(pending, tables)) return n;
    return undefined;
  } finally {
    lines.close();
    stream.destroy();
  }
}
