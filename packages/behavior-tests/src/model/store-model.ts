import type { ErrorCode, ObjectInfo, Part, StorageFeatures } from "@stowage/core";
import type { DriverRules } from "./model-rules.js";

/** Content attributes a write, createAppend or createMultipart may set. */
export interface Attributes {
  contentType?: string;
  metadata?: Record<string, string>;
  /** Which of the storage's two storage classes ({@link DriverRules.storageClasses}) to ask for. */
  storageClass?: StorageClassPick;
}

/** A storage class as the model names it: the storage's standard one or its infrequent-access one. */
export type StorageClassPick = "standard" | "infrequent";

/** What the model says is stored at one key. */
export interface ModelObject extends Attributes {
  data: Buffer;
  /** Made by createAppend (and still appendable). */
  append: boolean;
  /** The ETag the write that stored these bytes answered with (only a plain write's; stat must report it). */
  etag?: string;
}

/** One in-progress (or finished: `alive` false) multipart upload, with the parts sent to it. */
export interface ModelUpload {
  /** The `part` object createMultipart returned. */
  obj: ObjectInfo;
  key: string;
  attributes: Attributes;
  parts: Map<number, { data: Buffer; part: Part }>;
  alive: boolean;
}

/** An append object as a caller holds it: `obj` (advanced by writeAppend) and the bytes it believes precede its offset. */
export interface AppendHandle {
  obj: ObjectInfo;
  key: string;
  seen: Buffer;
}

/** One listing entry as the model and the checks print it: `path mode size`, or `path dir`. */
export function entryLine(o: Pick<ObjectInfo, "path" | "mode" | "size">): string {
  return o.mode === "dir" ? `${o.path} dir` : `${o.path} ${o.mode} ${o.size ?? "?"}`;
}

/** The parent directories of `key`, outermost first (`a/b/c` → `a/`, `a/b/`). */
export function parentsOf(key: string): string[] {
  const out: string[] = [];
  for (let i = key.indexOf("/"); i !== -1 && i < key.length - 1; i = key.indexOf("/", i + 1)) out.push(key.slice(0, i + 1));
  return out;
}

/**
 * What a storage must hold after a sequence of operations: objects by key, directories
 * (entries, markers, or fs's real directories), multipart uploads and the append handles a
 * caller keeps. Keys are paths relative to the work_dir; directories end with `/`.
 */
export class StoreModel {
  readonly files = new Map<string, ModelObject>();
  /** Directories that exist on their own (not only implied by keys below them). */
  readonly dirs = new Set<string>();
  readonly uploads: ModelUpload[] = [];
  readonly appends: AppendHandle[] = [];
  /** Every ETag answered so far (bare: see `bareEtag`), oldest first: conditional reads take stale ones from here. */
  readonly etags: string[] = [];

  constructor(
    readonly rules: Readonly<DriverRules>,
    readonly features: Readonly<StorageFeatures>,
  ) {}

  get tree(): boolean {
    return this.rules.namespace === "tree";
  }

  /** True when `dir` (ends with `/`, or `""`) is a directory: its own, or implied by anything below it. */
  dirExists(dir: string): boolean {
    if (dir === "" || this.dirs.has(dir)) return true;
    for (const key of this.files.keys()) if (key.startsWith(dir)) return true;
    for (const d of this.dirs) if (d.startsWith(dir) && d !== dir) return true;
    return false;
  }

  /** True when anything (object or directory) lies below `dir`. */
  hasChildren(dir: string): boolean {
    for (const key of this.files.keys()) if (key.startsWith(dir)) return true;
    for (const d of this.dirs) if (d.startsWith(dir) && d !== dir) return true;
    return false;
  }

  /** Tree namespaces: `ObjectModeInvalid` when an object cannot be at `key` (a directory there, or a file above it). */
  fileSlotError(key: string): ErrorCode | undefined {
    if (!this.tree) return undefined;
    if (this.dirExists(key + "/")) return "ObjectModeInvalid";
    return this.parentFileError(key);
  }

  /** Tree namespaces: `ObjectModeInvalid` when directory `dir` (ends with `/`) cannot exist (a file there or above it). */
  dirSlotError(dir: string): ErrorCode | undefined {
    if (!this.tree) return undefined;
    if (this.files.has(dir.slice(0, -1))) return "ObjectModeInvalid";
    return this.parentFileError(dir.slice(0, -1));
  }

  private parentFileError(key: string): ErrorCode | undefined {
    for (const p of parentsOf(key)) if (this.files.has(p.slice(0, -1))) return "ObjectModeInvalid";
    return undefined;
  }

  /**
   * Stores `obj` at `key` (making the parents where directories persist). The stored object has
   * the ETag `etag` (a write's answer) or none known: an ETag `obj` carries over is dropped.
   */
  putFile(key: string, obj: ModelObject, etag?: string): void {
    const { etag: _old, ...rest } = obj;
    this.files.set(key, etag === undefined ? rest : { ...rest, etag });
    if (this.rules.parentsPersist) for (const p of parentsOf(key)) this.dirs.add(p);
  }

  /** Makes directory `dir` (ends with `/`), and its parents where directories persist. */
  addDir(dir: string): void {
    this.dirs.add(dir);
    if (this.rules.parentsPersist) for (const p of parentsOf(dir)) this.dirs.add(p);
  }

  /** The mode `where` reports for `obj`. */
  modeOf(obj: ModelObject, where: "stat" | "list"): "file" | "append" {
    if (!obj.append) return "file";
    return where === "stat" ? this.rules.appendStatMode : this.rules.appendListMode;
  }

  /** Records an ETag some answer carried (bare), for conditions that name a stale one. */
  sawEtag(etag: string | undefined): void {
    const bare = etag?.replace(/"/g, "").toLowerCase();
    if (bare !== undefined && bare !== "" && !this.etags.includes(bare)) this.etags.push(bare);
  }

  /** The storage class stat must report for `obj` (undefined: none, or not a feature). */
  storageClassOf(obj: Attributes): string | undefined {
    if (!this.features.storageClass) return undefined;
    return obj.storageClass === undefined ? this.rules.defaultStorageClass : this.rules.storageClasses?.[obj.storageClass];
  }

  /** The content type stat must report for `obj` (undefined: none, or not a feature). */
  contentTypeOf(obj: Attributes): string | undefined {
    if (!this.features.contentType) return undefined;
    return obj.contentType ?? this.rules.defaultContentType;
  }

  /** Dir-mode listing of `dir` (`""` or ends with `/`): its files and one level of sub-directories, sorted. */
  dirListing(dir: string): string[] {
    const out = new Set<string>();
    const below = (key: string): void => {
      const rest = key.slice(dir.length);
      const slash = rest.indexOf("/");
      if (slash !== -1) out.add(`${dir}${rest.slice(0, slash + 1)} dir`);
    };
    for (const [key, obj] of this.files) {
      if (!key.startsWith(dir)) continue;
      if (key.slice(dir.length).includes("/")) below(key);
      else out.add(entryLine({ path: key, mode: this.modeOf(obj, "list"), size: obj.data.length }));
    }
    for (const d of this.dirs) if (d.startsWith(dir) && d !== dir) below(d);
    return [...out].sort();
  }

  /**
   * Prefix-mode listing of raw prefix `prefix`: every object whose key starts with it (and, with
   * `after`, sorts after it in UTF-8 byte order), no directories, sorted.
   */
  prefixListing(prefix: string, after?: string): string[] {
    const out: string[] = [];
    const bound = after === undefined ? undefined : Buffer.from(after, "utf8");
    for (const [key, obj] of this.files) {
      if (bound !== undefined && Buffer.compare(Buffer.from(key, "utf8"), bound) <= 0) continue;
      if (key.startsWith(prefix)) out.push(entryLine({ path: key, mode: this.modeOf(obj, "list"), size: obj.data.length }));
    }
    return out.sort();
  }

  /** Part-mode listing: the live uploads whose key starts with `prefix`, as `path multipartId`, sorted. */
  uploadListing(prefix: string): string[] {
    return this.uploads
      .filter((u) => u.alive && u.key.startsWith(prefix))
      .map((u) => `${u.key} ${u.obj.multipartId}`)
      .sort();
  }

  /** Every key the model knows (objects, directories without their `/`, uploads), sorted: what commands pick "existing" keys from. */
  knownKeys(): string[] {
    const all = new Set<string>(this.files.keys());
    for (const d of this.dirs) all.add(d.slice(0, -1));
    for (const u of this.uploads) all.add(u.key);
    return [...all].sort();
  }

  /** Every directory worth listing: the root, own directories, and the parents of every key. */
  knownDirs(): string[] {
    const all = new Set<string>([""]);
    for (const d of this.dirs) all.add(d);
    for (const key of [...this.files.keys(), ...this.dirs]) for (const p of parentsOf(key)) all.add(p);
    return [...all].sort();
  }
}
