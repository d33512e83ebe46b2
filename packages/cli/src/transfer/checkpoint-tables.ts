import type { DoneRecord, UploadRecord } from "./checkpoint.js";

// A checkpoint's two tables are looked up by object path, a word that comes from the source's
// listing: a path named `constructor`, `toString` or `__proto__` must find its own entry or none,
// never an inherited member of a plain object (an upload "found" with no id would have its key
// deleted as a plain object; `__proto__` written by assignment would set the prototype and be lost).
// So the tables have no prototype, and what a file gives them is taken entry by entry, well-formed
// entries only (a hand-edited or damaged entry is forgotten: that object is copied again).

/** Whether `v` is a plain object (not null, not an array). @throws nothing */
function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Whether `v[name]` is absent or of type `type`. @throws nothing */
function optional(v: Record<string, unknown>, name: string, type: "string" | "number"): boolean {
  return v[name] === undefined || typeof v[name] === type;
}

/** Whether `v` has the shape of a SourceId or DestinationId: a size, and an ETag, CRC-64 (and mtime) of the right types when there. @throws nothing */
function isVersion(v: unknown): v is Record<string, unknown> {
  return isRecord(v) && typeof v["size"] === "number" && optional(v, "etag", "string") && optional(v, "crc64", "string") && optional(v, "mtime", "number");
}

/** Whether `v` has the shape of an {@link UploadRecord}: an upload id, a part size, a source, bytes done. @throws nothing */
export function isUploadRecord(v: unknown): v is UploadRecord {
  return (
    isRecord(v) &&
    typeof v["multipartId"] === "string" &&
    v["multipartId"] !== "" &&
    Number.isSafeInteger(v["partSize"]) &&
    (v["partSize"] as number) > 0 &&
    isVersion(v["source"]) &&
    typeof v["bytesDone"] === "number" &&
    optional(v, "writes", "string")
  );
}

/** Whether `v` has the shape of a {@link DoneRecord}: a source version, and the destination's when recorded. @throws nothing */
export function isDoneRecord(v: unknown): v is DoneRecord {
  return isVersion(v) && (v["destination"] === undefined || isVersion(v["destination"]));
}

/** A table without a prototype holding the entries of `from` that pass `keep`. @throws nothing */
function table<T>(from: unknown, keep: (v: unknown) => v is T): Record<string, T> {
  const out = Object.create(null) as Record<string, T>;
  if (!isRecord(from)) return out;
  for (const [key, value] of Object.entries(from)) if (keep(value)) out[key] = value;
  return out;
}

/** The uploads table of a checkpoint, from what its file held (or nothing). @throws nothing */
export function uploadTable(from?: unknown): Record<string, UploadRecord> {
  return table(from, isUploadRecord);
}

/** The table of finished objects of a checkpoint, from what its file held (or nothing). @throws nothing */
export function doneTable(from?: unknown): Record<string, DoneRecord> {
  return table(from, isDoneRecord);
}
