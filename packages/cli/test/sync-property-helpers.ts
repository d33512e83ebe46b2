/**
 * Helpers of the tree-transfer property specs (sync-property*.spec.ts): random trees with awkward
 * keys, the three kinds of storage a tree lives on (a temp directory, a named memory store, a prefix
 * of a bucket on the COS emulator), read back independently of the CLI, and the model of what
 * `sync`, `cp -r` and `mv -r` must leave behind according to packages/cli/README.md.
 */
import fc from "fast-check";
import { mkdir, readdir, readFile, rm, stat, unlink, writeFile } from "node:fs/promises";
import { dirname, join, relative } from "node:path";
import { newStorager, type Storager } from "@stowage/core";
import "@stowage/cos";
import "@stowage/memory";
import { main } from "../src/index.js";
import { bytes } from "./helpers.js";
import { BUCKET, type Harness } from "./sync-property-harness.js";

/** Bytes in a KiB. */
export const KiB = 1024;
/** Bytes in a MiB. */
export const MiB = 1024 * KiB;

/** Where a tree lives. */
export type Kind = "fs" | "memory" | "cos";
/** Every {@link Kind}. */
export const KINDS: readonly Kind[] = ["fs", "memory", "cos"];

/**
 * Tuning pairs of every location given to the CLI: objects above 64 KiB go in parts. fs and memory
 * have no part-size minimum (32 KiB parts); COS's is 1 MiB, so it gets 1 MiB parts (an object of
 * 1 MiB + 5 bytes is then two parts, one of 150,001 bytes a single-part upload).
 */
export const TUNING: Readonly<Record<Kind, string>> = {
  fs: "multipart_threshold=64KiB&part_size=32KiB",
  memory: "multipart_threshold=64KiB&part_size=32KiB",
  cos: "multipart_threshold=64KiB&part_size=1MiB",
};

/** Bytes of an object: {@link bytes}`(size, seed)`. */
export interface Content {
  size: number;
  seed: number;
}

/** A tree: key (relative to the tree's directory) → bytes. */
export type Tree = Map<string, Buffer>;

/** The bytes `c` stands for. */
export const materialize = (c: Content): Buffer => bytes(c.size, c.seed);

// Keys: spaces, `+`, `%` (also as a would-be escape), characters a URL or a query treats specially,
// precomposed and combining accents, CJK, an astral emoji and a fullwidth plus (which sorts after
// the emoji in UTF-16 but before it in UTF-8). No `.` (so no `.`/`..` segment, no dotfile, no
// fs-hidden `.stowage-*` entry) except the extension; no `\` (no key can name such a local file).
const CHARS = ["a", "b", "Z", "0", " ", "+", "%", "%2F", "%20", "é", "e\u0301", "日本", "😀", "＋", "~", "-", "_", "=", "&", "#", "?", "'"];
const segment = fc.array(fc.constantFrom(...CHARS), { minLength: 1, maxLength: 4 }).map((chars) => chars.join(""));
/** A key: up to 3 directories, a name, maybe an extension (`.tmp` is what `--exclude '*.tmp'` leaves out). */
export const keyArb = fc
  .tuple(fc.array(segment, { maxLength: 3 }), segment, fc.constantFrom("", "", ".txt", ".tmp"))
  .map(([dirs, name, ext]) => [...dirs, name + ext].join("/"));

/** Keys no one of which is another's directory (a local directory cannot hold a file `a` and a file `a/b`). */
export function prefixFree(keys: readonly string[]): string[] {
  const kept: string[] = [];
  for (const k of keys) if (!kept.some((j) => j === k || k.startsWith(j + "/") || j.startsWith(k + "/"))) kept.push(k);
  return kept;
}

/** At most 12 distinct keys, so no tree holds more than 12 objects. */
export const universeArb = fc.uniqueArray(keyArb, { minLength: 1, maxLength: 12 }).map(prefixFree);

/** Mostly small sizes, some empty, a few at and across the 64 KiB threshold, rarely two COS parts. */
export const sizeArb = fc.oneof(
  { weight: 12, arbitrary: fc.integer({ min: 0, max: 300 }) },
  { weight: 3, arbitrary: fc.constant(0) },
  { weight: 3, arbitrary: fc.constantFrom(64 * KiB, 64 * KiB + 1, 150_001) },
  { weight: 1, arbitrary: fc.constant(MiB + 5) },
);
/** Random {@link Content}. */
export const contentArb: fc.Arbitrary<Content> = fc.record({ size: sizeArb, seed: fc.integer({ min: 1, max: 0x7fffffff }) });

/** What each key holds at first, in the source and in the destination (a stale copy or an extra). */
export interface Slot {
  src: Content | undefined;
  dst: Content | undefined;
}
/** Twelve slots, one per possible key: mostly a source object, sometimes a destination one. */
export const slotsArb = fc.array(
  fc.record({
    src: fc.oneof({ weight: 3, arbitrary: contentArb }, { weight: 1, arbitrary: fc.constant(undefined) }),
    dst: fc.oneof({ weight: 1, arbitrary: contentArb }, { weight: 2, arbitrary: fc.constant(undefined) }),
  }),
  { minLength: 12, maxLength: 12 },
);

/**
 * One edit between runs, to the key `slot` picks. `put` writes `content` (adds the key or replaces
 * it); `rewrite` keeps the size with other bytes; `resize` changes the size; `delete` removes the
 * key. `rewrite` and `resize` of a missing key add it. None touches metadata.
 */
export interface Edit {
  side: "src" | "dst";
  op: "put" | "delete" | "rewrite" | "resize";
  slot: number;
  content: Content;
}
/** Up to 6 edits, two in three to the source. */
export const editsArb = fc.array(
  fc.record({ side: fc.constantFrom<"src" | "dst">("src", "src", "dst"), op: fc.constantFrom<Edit["op"]>("put", "delete", "rewrite", "resize"), slot: fc.nat(), content: contentArb }),
  { maxLength: 6 },
);

/** What applying `edit` to `tree` writes at `key`: the new bytes, or null for a delete. */
export function editedBytes(tree: Tree, key: string, edit: Edit): Buffer | null {
  const old = tree.get(key);
  const c = edit.content;
  if (edit.op === "delete") return null;
  if (old === undefined || edit.op === "put") return materialize(c);
  if (edit.op === "rewrite") return materialize({ size: old.length, seed: c.seed });
  return materialize({ size: c.size === old.length ? old.length + 1 : c.size, seed: c.seed });
}

/** A tree's storage, as the CLI sees it (`location`) and as the test writes and reads it. */
export interface Side {
  kind: Kind;
  location: string;
  write(key: string, data: Buffer): Promise<void>;
  remove(key: string): Promise<void>;
  /** Every object (not directories) below the location, with its bytes. */
  read(): Promise<Tree>;
  /** Whether the location exists as a source (README: a missing directory, prefix or bucket fails with exit 3). */
  exists(): Promise<boolean>;
  /** Removes everything the side holds. */
  cleanup(): Promise<void>;
}

/** A local directory, written and read with node:fs (not the fs driver). */
export function fsSide(dir: string): Side {
  return {
    kind: "fs",
    location: `fs://${dir}/?${TUNING.fs}`,
    async write(key, data) {
      await mkdir(dirname(join(dir, key)), { recursive: true });
      await writeFile(join(dir, key), data);
    },
    remove: (key) => unlink(join(dir, key)),
    async read() {
      const out: Tree = new Map();
      const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch((e: NodeJS.ErrnoException) => {
        if (e.code === "ENOENT") return [];
        throw e;
      });
      for (const entry of entries) {
        const full = join(entry.parentPath, entry.name);
        const rel = relative(dir, full);
        // The fs driver's in-progress multipart uploads live in hidden `.stowage-*` directories.
        if (!entry.isFile() || rel.split("/").some((s) => s.startsWith(".stowage-"))) continue;
        out.set(rel, await readFile(full));
      }
      return out;
    },
    exists: () => stat(dir).then((st) => st.isDirectory(), () => false),
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

/** A side read and written through a core Storager (memory, the COS emulator). */
export function storagerSide(kind: Kind, location: string, open: string): Side {
  const store: Storager = newStorager(open);
  const read = async (): Promise<Tree> => {
    const out: Tree = new Map();
    for await (const o of store.list("", { mode: "prefix" })) if (o.mode === "file") out.set(o.path, await store.read(o.path));
    return out;
  };
  return {
    kind,
    location,
    write: async (key, data) => void (await store.write(key, data)),
    remove: (key) => store.delete(key),
    read,
    exists: async () => (await read()).size > 0,
    async cleanup() {
      const keys: string[] = [];
      for await (const o of store.list("", { mode: "prefix" })) keys.push(o.path);
      if (keys.length > 0) await store.deleteMany(keys);
    },
  };
}

/** Undefined when `actual` holds the same keys with the same bytes as `expected`; else a readable difference. */
export function treeDiff(actual: Tree, expected: Tree): string | undefined {
  const lines: string[] = [];
  for (const [k, v] of expected) {
    const got = actual.get(k);
    if (got === undefined) lines.push(`missing ${JSON.stringify(k)} (${v.length} bytes)`);
    else if (!got.equals(v)) lines.push(`wrong bytes at ${JSON.stringify(k)}: ${got.length} bytes, expected ${v.length}`);
  }
  for (const [k, v] of actual) if (!expected.has(k)) lines.push(`unexpected ${JSON.stringify(k)} (${v.length} bytes)`);
  return lines.length === 0 ? undefined : lines.join("; ");
}

/** The `--stats-json` summary (the last line of stdout). */
export interface Stats {
  objects: { planned: number; copied: number; skipped: number; deleted: number; failed: number; verified: number; mismatched: number };
  bytes: { planned: number; copied: number; sent: number; resumed: number; serverSide: number };
  failures: Array<{ path: string; code: string; message: string }>;
}

/** True when `--exclude '*.tmp'` (a glob without `/`: the file name at any depth) leaves `key` out. */
export const excludedBy = (exclude: boolean, key: string): boolean => exclude && key.split("/").pop()!.endsWith(".tmp");

/** What `sync` must leave in the destination, and how many copies and deletes that takes. */
export interface SyncExpectation {
  dst: Tree;
  /** Objects that are missing from the destination or differ from the source: these must be copied. */
  mustCopy: number;
  /** Objects the filter lets through in the source: at most these are copied. */
  candidates: number;
  deleted: number;
}

/**
 * README "How sync decides" and `--delete`: every source object the filter lets through ends up in
 * the destination with the source's bytes; a destination object the source lacks is deleted with
 * `--delete` unless the filter leaves it out ("excluded destination objects are kept").
 */
export function expectSync(src: Tree, dst: Tree, opts: { delete: boolean; exclude: boolean }): SyncExpectation {
  const out: Tree = new Map(dst);
  let mustCopy = 0;
  let candidates = 0;
  let deleted = 0;
  for (const [k, v] of src) {
    if (excludedBy(opts.exclude, k)) continue;
    candidates++;
    if (!dst.get(k)?.equals(v)) mustCopy++;
    out.set(k, v);
  }
  if (opts.delete) {
    for (const k of dst.keys()) {
      if (src.has(k) || excludedBy(opts.exclude, k)) continue;
      out.delete(k);
      deleted++;
    }
  }
  return { dst: out, mustCopy, candidates, deleted };
}

/** Waits `ms` (a bounded pause, never a timed assertion). */
export const pause = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

let runs = 0;

/**
 * Source and destination of one run, below a fresh `r<n>/`: same kind means the same directory
 * tree, memory store or bucket (one account, so copies may be server-side). `cosPairs` are added
 * to the COS locations the CLI opens (not to the test's own storager).
 */
export function openSides(h: Harness, src: Kind, dst: Kind, cosPairs = ""): [Side, Side] {
  const id = `r${++runs}`;
  const open = (kind: Kind, role: string): Side => {
    if (kind === "fs") return fsSide(join(h.work, id, role));
    if (kind === "memory") return storagerSide(kind, `memory://${id}/${role}/?${TUNING.memory}`, `memory://${id}/${role}/`);
    const conn = h.emulator.connectionString(BUCKET, `/${id}/${role}/`);
    return storagerSide(kind, `${conn}&${TUNING.cos}${cosPairs}`, conn);
  };
  return [open(src, "src"), open(dst, "dst")];
}

/** An exit code and the `--stats-json` summary, when the command printed one. */
export interface CliRun {
  code: number;
  stderr: string;
  stats: Stats | undefined;
}

/** Runs `stowage <argv> --stats-json --quiet` in process. */
export async function runCli(h: Harness, argv: readonly string[]): Promise<CliRun> {
  const r = await main([...argv, "--stats-json", "--quiet"], { env: h.env, cwd: h.work });
  const last = r.stdout.trim().split("\n").pop() ?? "";
  return { code: r.code, stderr: r.stderr, stats: last.startsWith("{") ? (JSON.parse(last) as Stats) : undefined };
}

/** Writes (or, for null, deletes) keys in order. */
export async function applyWrites(side: Side, writes: Iterable<[string, Buffer | null]>): Promise<void> {
  for (const [key, data] of writes) await (data === null ? side.remove(key) : side.write(key, data));
}

/** Fails with a readable difference unless `side` holds exactly `expected`. */
export async function expectTree(side: Side, expected: Tree, what: string): Promise<void> {
  const diff = treeDiff(await side.read(), expected);
  if (diff !== undefined) throw new Error(`${what} (${side.kind}): ${diff}`);
}

/** The trees each key's slot starts with; at least one source object (an empty source is left to the edits). */
export function initialTrees(keys: readonly string[], slots: readonly Slot[]): [Tree, Tree] {
  const src: Tree = new Map();
  const dst: Tree = new Map();
  keys.forEach((k, i) => {
    const slot = slots[i]!;
    if (slot.src) src.set(k, materialize(slot.src));
    if (slot.dst) dst.set(k, materialize(slot.dst));
  });
  if (src.size === 0) src.set(keys[0]!, materialize({ size: 1, seed: 1 }));
  return [src, dst];
}
