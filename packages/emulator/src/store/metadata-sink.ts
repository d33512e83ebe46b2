import { createHash, randomBytes } from "node:crypto";
import type { Dirent } from "node:fs";
import { mkdir, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { ownEntries } from "./own-dir.js";
import { savedBlobRefs, type BlobReferences } from "./saved-blob-refs.js";
import type { StoredBucket, StoredObject, StoredPart, StoredUpload } from "./types.js";

/** Receives every metadata change so a directory-backed store survives restarts. */
export interface MetadataSink {
  saveBucket(b: StoredBucket): Promise<void>;
  removeBucket(name: string): Promise<void>;
  saveObject(bucket: string, o: StoredObject): Promise<void>;
  removeObject(bucket: string, key: string): Promise<void>;
  saveUpload(u: StoredUpload): Promise<void>;
  removeUpload(u: StoredUpload): Promise<void>;
  /** Everything saved before, as buckets with their objects and uploads. */
  load(): Promise<StoredBucket[]>;
  /** Removes what saves a crash cut short left (a sink on disk; called once at start, before {@link load}). */
  removeStale?(): Promise<void>;
  /**
   * The blob ids the saved records name, or why they cannot all be told (a sink on disk; called at
   * start, after {@link load}): the blobs no record names are removed, see `BlobStore.removeUnreferenced`.
   */
  referencedBlobs?(): Promise<BlobReferences>;
}

/** The in-memory default: nothing is persisted. */
export class NoMetadataSink implements MetadataSink {
  async saveBucket(): Promise<void> {}
  async removeBucket(): Promise<void> {}
  async saveObject(): Promise<void> {}
  async removeObject(): Promise<void> {}
  async saveUpload(): Promise<void> {}
  async removeUpload(): Promise<void> {}
  async load(): Promise<StoredBucket[]> {
    return [];
  }
}

interface BucketFile {
  name: string;
  region: string;
  created: number;
  owner?: string;
}

interface UploadFile extends Omit<StoredUpload, "parts"> {
  parts: StoredPart[];
}

function keyFile(key: string): string {
  return createHash("sha1").update(key, "utf8").digest("hex") + ".json";
}

/** The suffix of a record being written; renamed to its `.json` name once whole. */
const TMP = ".tmp";

/**
 * Writes `value` to `path` through a temp file and a rename, so the file is the old record or the
 * new one, never part of one; a write that fails removes its temp file.
 */
async function writeJson(path: string, value: unknown): Promise<void> {
  const tmp = `${path}.${randomBytes(4).toString("hex")}${TMP}`;
  try {
    await writeFile(tmp, JSON.stringify(value));
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true }).catch(() => undefined);
    throw e;
  }
}

/** The entries of `dir` a clean-up at start may remove from (see `ownEntries`): none when it is missing, unreadable or a symbolic link. */
async function entriesToClean(dir: string): Promise<Dirent[]> {
  try {
    const entries = await ownEntries(dir);
    return Array.isArray(entries) ? entries : [];
  } catch {
    return [];
  }
}

/** Removes the `*.tmp` files of `dir` (none when it is missing or a symbolic link). */
async function removeTemps(dir: string): Promise<void> {
  for (const e of await entriesToClean(dir)) if (e.isFile() && e.name.endsWith(TMP)) await rm(join(dir, e.name), { force: true });
}

async function readJsonDir<T>(dir: string): Promise<T[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return [];
  }
  const out: T[] = [];
  for (const n of names) {
    if (!n.endsWith(".json")) continue;
    try {
      out.push(JSON.parse(await readFile(join(dir, n), "utf8")) as T);
    } catch {
      // a half-written file from a crash: skip it
    }
  }
  return out;
}

/**
 * JSON files under `<dir>`: `buckets/<name>.json`,
 * `objects/<bucket>/<sha1(key)>.json`, `uploads/<uploadId>.json`.
 */
export class DirMetadataSink implements MetadataSink {
  /** @param dir the metadata directory; created as needed */
  constructor(private readonly dir: string) {}

  async saveBucket(b: StoredBucket): Promise<void> {
    const d = join(this.dir, "buckets");
    await mkdir(d, { recursive: true });
    await mkdir(join(this.dir, "objects", b.name), { recursive: true });
    const file: BucketFile = { name: b.name, region: b.region, created: b.created, ...(b.owner === undefined ? {} : { owner: b.owner }) };
    await writeJson(join(d, `${b.name}.json`), file);
  }

  async removeBucket(name: string): Promise<void> {
    await rm(join(this.dir, "buckets", `${name}.json`), { force: true });
    await rm(join(this.dir, "objects", name), { recursive: true, force: true });
  }

  async saveObject(bucket: string, o: StoredObject): Promise<void> {
    const d = join(this.dir, "objects", bucket);
    await mkdir(d, { recursive: true });
    await writeJson(join(d, keyFile(o.key)), o);
  }

  async removeObject(bucket: string, key: string): Promise<void> {
    await rm(join(this.dir, "objects", bucket, keyFile(key)), { force: true });
  }

  async saveUpload(u: StoredUpload): Promise<void> {
    const d = join(this.dir, "uploads");
    await mkdir(d, { recursive: true });
    const file: UploadFile = { ...u, parts: [...u.parts.values()] };
    await writeJson(join(d, `${u.uploadId}.json`), file);
  }

  async removeUpload(u: StoredUpload): Promise<void> {
    await rm(join(this.dir, "uploads", `${u.uploadId}.json`), { force: true });
  }

  /**
   * Removes the temp files of saves a crash cut short (`*.tmp` in `buckets/`, `uploads/` and each
   * `objects/<bucket>/`); a directory on the way that is a symbolic link is left alone.
   */
  async removeStale(): Promise<void> {
    if (!Array.isArray(await ownEntries(this.dir).catch(() => []))) return;
    await removeTemps(join(this.dir, "buckets"));
    await removeTemps(join(this.dir, "uploads"));
    for (const b of await entriesToClean(join(this.dir, "objects"))) if (b.isDirectory()) await removeTemps(join(this.dir, "objects", b.name));
  }

  /** Every blob id the records name (see `savedBlobRefs`). */
  referencedBlobs(): Promise<BlobReferences> {
    return savedBlobRefs(this.dir);
  }

  async load(): Promise<StoredBucket[]> {
    const buckets = new Map<string, StoredBucket>();
    for (const b of await readJsonDir<BucketFile>(join(this.dir, "buckets"))) {
      const bucket: StoredBucket = { ...b, objects: new Map(), uploads: new Map() };
      for (const o of await readJsonDir<StoredObject>(join(this.dir, "objects", b.name))) bucket.objects.set(o.key, o);
      buckets.set(b.name, bucket);
    }
    for (const u of await readJsonDir<UploadFile>(join(this.dir, "uploads"))) {
      const parts = new Map(u.parts.map((p) => [p.partNumber, p] as const));
      buckets.get(u.bucket)?.uploads.set(u.uploadId, { ...u, parts });
    }
    return [...buckets.values()];
  }
}
