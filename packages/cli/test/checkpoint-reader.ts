/**
 * Reads a checkpoint file the way a person would check it, independently of the CLI's own reader:
 * version 2 (a journal of JSON lines: a header, then one change per line) or version 1 (one JSON
 * text, written by an earlier stowage or by a spec setting up a resume), into the version-1 shape
 * `{version, command, source, destination, writes?, updated, uploads, done}`.
 */
import { readFile } from "node:fs/promises";

/** A source or destination version as recorded. */
export interface RecordedVersion {
  size: number;
  etag?: string;
  mtime?: number;
  crc64?: string;
}

/** A multipart upload as recorded. */
export interface RecordedUpload {
  multipartId: string;
  partSize: number;
  source: RecordedVersion;
  bytesDone: number;
  ended?: boolean;
  /** Digest of the flags of the run that started it ("" for none); absent in version 1. */
  writes?: string;
}

/** An object finished, as recorded. */
export type RecordedDone = RecordedVersion & { destination?: RecordedVersion };

/** A checkpoint file's state, whatever its version. */
export interface CheckpointFile {
  version: number;
  command: string;
  source: string;
  destination: string;
  writes?: string;
  updated: string;
  /** Without prototype (a key `__proto__` is an entry like any other). */
  uploads: Record<string, RecordedUpload>;
  done: Record<string, RecordedDone>;
}

type Change = { start: string; upload: RecordedUpload } | { progress: string; bytesDone: number } | { end: string } | { drop: string } | { done: string; object: RecordedDone };

/**
 * The state `text` (a checkpoint file's content) holds. A journal's last line without its "\n" (an
 * append cut short) is left out.
 * @throws SyntaxError when it is no JSON (a journal line included), Error for a line that is no change
 */
export function parseCheckpoint(text: string): CheckpointFile {
  const lines = text.split("\n");
  let header: Record<string, unknown> | undefined;
  try {
    header = JSON.parse(lines[0]!) as Record<string, unknown>;
  } catch {
    header = undefined;
  }
  if (header?.["version"] !== 2) return JSON.parse(text) as CheckpointFile;
  const uploads = Object.create(null) as Record<string, RecordedUpload>;
  const done = Object.create(null) as Record<string, RecordedDone>;
  // The element after the last "\n" is "" (or a line cut short).
  for (const line of lines.slice(1, -1)) {
    const change = JSON.parse(line) as Change;
    if ("start" in change) uploads[change.start] = change.upload;
    else if ("progress" in change) uploads[change.progress]!.bytesDone = change.bytesDone;
    else if ("end" in change) uploads[change.end]!.ended = true;
    else if ("drop" in change) delete uploads[change.drop];
    else if ("done" in change) {
      delete uploads[change.done];
      done[change.done] = change.object;
    } else throw new Error(`not a checkpoint change: ${line}`);
  }
  return { ...(header as unknown as Omit<CheckpointFile, "uploads" | "done">), uploads, done };
}

/**
 * The state of the checkpoint file at `path` ({@link parseCheckpoint}).
 * @throws the file system's error (ENOENT...), or what {@link parseCheckpoint} throws
 */
export async function readCheckpoint(path: string): Promise<CheckpointFile> {
  return parseCheckpoint(await readFile(path, "utf8"));
}
