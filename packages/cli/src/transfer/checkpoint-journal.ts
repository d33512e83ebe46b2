import type { DoneRecord, UploadRecord } from "./checkpoint.js";
import { isDoneRecord, isUploadRecord } from "./checkpoint-tables.js";

// A version-2 checkpoint is a journal of JSON lines, each ended by "\n":
//
//   {"version":2,"command":"cp","source":"…","destination":"…","writes":"…","updated":"…"}   the header (line 1)
//   {"start":"a/big.bin","upload":{"multipartId":"…","partSize":8388608,"source":{…},"bytesDone":0}}
//   {"progress":"a/big.bin","bytesDone":16777216}
//   {"end":"a/big.bin"}                                   the upload's Complete was answered (UploadRecord.ended)
//   {"drop":"a/big.bin"}                                  the upload is forgotten (finished, aborted or gone)
//   {"done":"a/small.txt","object":{"size":1,"etag":"…","destination":{…}}}   finished (its upload, if any, is forgotten)
//
// A change names its object path (the key) by its first and only word of the five; replaying the
// lines in order gives the state. JSON.stringify escapes "\n" and "\r" in a key, so a line never
// holds a line break of its own.

/** The first line of a version-2 checkpoint: whose it is (locations redacted) and when it was written whole. */
export interface JournalHeader {
  version: 2;
  command: string;
  source: string;
  destination: string;
  writes?: string;
  updated: string;
}

/** The tables a journal's changes are applied to: uploads without prototype (checkpoint-tables.ts), done a Map. */
export interface JournalTables {
  uploads: Record<string, UploadRecord>;
  done: Map<string, DoneRecord>;
}

/** Whether `v` is a plain object (not null, not an array). @throws nothing */
function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** The header line (without its "\n"). @throws nothing */
export function headerLine(header: JournalHeader): string {
  const { version, command, source, destination, writes, updated } = header;
  return JSON.stringify({ version, command, source, destination, ...(writes === undefined ? {} : { writes }), updated });
}

/**
 * Why `v` (line 1, parsed) is no version-2 header (in found-checkpoint.ts's words); undefined when it is one.
 * @throws nothing
 */
export function notHeader(v: Record<string, unknown>): string | undefined {
  const fields = ["command", "source", "destination"].every((f) => typeof v[f] === "string");
  if (!fields || (v["writes"] !== undefined && typeof v["writes"] !== "string")) return "version 2, but not the fields of a checkpoint";
  return undefined;
}

/** The line of an upload started (or recorded anew). @throws nothing */
export function startLine(key: string, upload: UploadRecord): string {
  return JSON.stringify({ start: key, upload });
}

/** The line of an upload's progress. @throws nothing */
export function progressLine(key: string, bytesDone: number): string {
  return JSON.stringify({ progress: key, bytesDone });
}

/** The line of an upload {@link UploadRecord.ended ended}. @throws nothing */
export function endLine(key: string): string {
  return JSON.stringify({ end: key });
}

/** The line of an upload forgotten. @throws nothing */
export function dropLine(key: string): string {
  return JSON.stringify({ drop: key });
}

/** The line of an object finished (built by hand: no wrapper object per line, as a compaction writes millions). @throws nothing */
export function doneLine(key: string, object: DoneRecord): string {
  return `{"done":${JSON.stringify(key)},"object":${JSON.stringify(object)}}`;
}

const KINDS = ["start", "progress", "end", "drop", "done"] as const;

/**
 * Applies one change line (not the header) to `tables`: false when the line is no change (not
 * JSON, not an object, none or more than one of the five words, a key that is no string), which
 * makes the file no checkpoint. A change of the right kind whose record is ill-formed (hand-edited,
 * damaged) forgets that entry, as a version-1 file's ill-formed entries are (checkpoint-tables.ts):
 * that object is copied again.
 * @throws nothing
 */
export function applyLine(line: string, tables: JournalTables): boolean {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return false;
  }
  if (!isRecord(v)) return false;
  let kind: (typeof KINDS)[number] | undefined;
  for (const k of KINDS) {
    if (v[k] === undefined) continue;
    if (kind !== undefined) return false;
    kind = k;
  }
  if (kind === undefined) return false;
  const key = v[kind];
  if (typeof key !== "string") return false;
  const { uploads, done } = tables;
  switch (kind) {
    case "start":
      if (isUploadRecord(v["upload"])) uploads[key] = v["upload"];
      else delete uploads[key];
      break;
    case "progress": {
      const record = uploads[key];
      if (record !== undefined && typeof v["bytesDone"] === "number") record.bytesDone = v["bytesDone"];
      break;
    }
    case "end": {
      const record = uploads[key];
      if (record !== undefined) record.ended = true;
      break;
    }
    case "drop":
      delete uploads[key];
      break;
    case "done":
      delete uploads[key];
      if (isDoneRecord(v["object"])) done.set(key, v["object"]);
      else done.delete(key);
      break;
  }
  return true;
}
