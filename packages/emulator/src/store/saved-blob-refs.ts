import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";

/** The blob ids the saved records name, or why they cannot all be told (then no blob may be removed). */
export type BlobReferences = { ids: Set<string> } | { unreadable: string };

/** The names in `dir`; none when it is missing or no directory (as `load` reads it). */
async function names(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    if (code === "ENOENT" || code === "ENOTDIR") return [];
    throw e;
  }
}

/** The blob ids record `value` names: an object's `blobId`, an upload's parts' (undefined: a record of neither form). */
function blobIdsOf(value: unknown, kind: "object" | "upload"): string[] | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  if (kind === "object") {
    const id = (value as { blobId?: unknown }).blobId;
    return typeof id === "string" ? [id] : undefined;
  }
  const parts = (value as { parts?: unknown }).parts;
  if (!Array.isArray(parts)) return undefined;
  const ids = parts.map((p: unknown) => (typeof p === "object" && p !== null ? (p as { blobId?: unknown }).blobId : undefined));
  return ids.every((id): id is string => typeof id === "string") ? ids : undefined;
}

/**
 * Every blob id the records under metadata directory `dir` name: each object record's in
 * `objects/<bucket>/` (whether its bucket's record is there or not) and each part's in
 * `uploads/`. A record that cannot be read or parsed, or names no blob where it should, makes the
 * answer `unreadable`: the blob it names is unknown, so none may be taken for an orphan.
 */
export async function savedBlobRefs(dir: string): Promise<BlobReferences> {
  const ids = new Set<string>();
  const records: { path: string; kind: "object" | "upload" }[] = [];
  try {
    for (const n of await names(join(dir, "uploads"))) if (n.endsWith(".json")) records.push({ path: join(dir, "uploads", n), kind: "upload" });
    for (const b of await names(join(dir, "objects"))) {
      for (const n of await names(join(dir, "objects", b))) if (n.endsWith(".json")) records.push({ path: join(dir, "objects", b, n), kind: "object" });
    }
  } catch (e) {
    return { unreadable: `the records under ${dir} cannot be listed (${reason(e)})` };
  }
  for (const r of records) {
    let named: string[] | undefined;
    try {
      named = blobIdsOf(JSON.parse(await readFile(r.path, "utf8")), r.kind);
    } catch (e) {
      return { unreadable: `record ${r.path} cannot be read (${reason(e)})` };
    }
    if (named === undefined) return { unreadable: `record ${r.path} names no blob` };
    for (const id of named) ids.add(id);
  }
  return { ids };
}

/** A short reason for a read error: its code, else its message's first line. */
function reason(e: unknown): string {
  const { code, message } = typeof e === "object" && e !== null ? (e as { code?: unknown; message?: unknown }) : {};
  if (typeof code === "string") return code;
  return (typeof message === "string" ? message : String(e)).split("\n")[0]!.slice(0, 200);
}
