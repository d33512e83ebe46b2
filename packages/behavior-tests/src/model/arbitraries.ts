import fc from "fast-check";
import type { Attributes, StorageClassPick, StoreModel } from "./store-model.js";

/**
 * Path segments the model's keys are made of: few, so that keys collide and one key is often
 * the directory of another (`a` and `a/a b`), and `a` is a raw prefix of `a b`. Between them they
 * carry a space, `+`, `%` (and `%2F`, which must not become a `/`), `~`, the characters URLs and
 * query strings treat specially, spaces and a dot at a segment's ends, and unicode (two-byte,
 * three-byte and astral characters).
 */
export const SEGMENTS: readonly string[] = ["a", "a b", "+%2F~", "é日😀", "?#&= *'!;,@$", " x. "];

/** A key of 1 to 3 segments, short ones more often. */
export const keyArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom(...SEGMENTS) },
  { weight: 4, arbitrary: fc.tuple(fc.constantFrom(...SEGMENTS), fc.constantFrom(...SEGMENTS)).map((s) => s.join("/")) },
  { weight: 2, arbitrary: fc.array(fc.constantFrom(...SEGMENTS), { minLength: 3, maxLength: 3 }).map((s) => s.join("/")) },
);

/**
 * A key as a command names it: a literal key, or one the model knows when the command runs
 * (`existing`, taken modulo the keys there are, maybe with a segment `below` it), so that
 * operations meet the objects and directories earlier ones made. `slash` adds a trailing `/`.
 */
export interface KeyRef {
  literal?: string;
  existing?: number;
  below?: string;
  slash?: boolean;
  /** Passed to the call as an absolute path inside the work_dir (it addresses the same object). */
  absolute?: boolean;
}

/** The key `ref` names in `model` now (a literal one when the model knows none). */
export function resolveKey(model: StoreModel, ref: KeyRef): string {
  let key = ref.literal ?? SEGMENTS[0]!;
  if (ref.existing !== undefined) {
    // Three times in four an object's key, else any key the model knows (directories, uploads).
    const objects = [...model.files.keys()].sort();
    const known = ref.existing % 4 !== 3 && objects.length > 0 ? objects : model.knownKeys();
    if (known.length > 0) key = known[Math.floor(ref.existing / 4) % known.length]!;
    if (ref.below !== undefined) key += "/" + ref.below;
  }
  return ref.slash === true ? key + "/" : key;
}

/** The path a call passes for `key` (which `ref` resolved to): the key itself, or (absolute) the work_dir and the key. */
export function callPath(workDir: string, ref: KeyRef | "", key: string): string {
  return ref !== "" && ref.absolute === true ? workDir + key : key;
}

/** How `ref` shows in a command's name (its resolved key shows in failures). */
export function showKey(ref: KeyRef): string {
  const base = ref.existing === undefined ? JSON.stringify(ref.literal) : `existing#${ref.existing}${ref.below === undefined ? "" : ` + ${JSON.stringify("/" + ref.below)}`}`;
  const path = ref.slash === true ? `${base} + "/"` : base;
  return ref.absolute === true ? `workDir + ${path}` : path;
}

const literalRefArb: fc.Arbitrary<KeyRef> = keyArb.map((literal) => ({ literal }));
const existingRefArb: fc.Arbitrary<KeyRef> = fc.nat(63).map((existing) => ({ existing }));
const belowRefArb: fc.Arbitrary<KeyRef> = fc.tuple(fc.nat(63), fc.constantFrom(...SEGMENTS)).map(([existing, below]) => ({ existing, below }));

/** `refs`, one time in eight as an absolute path. */
function sometimesAbsolute(refs: fc.Arbitrary<KeyRef>): fc.Arbitrary<KeyRef> {
  return fc.tuple(refs, fc.nat(7)).map(([ref, n]) => (n === 0 ? { ...ref, absolute: true } : ref));
}

/** A key: literal, an existing one, or one below an existing one. */
export const keyRefArb: fc.Arbitrary<KeyRef> = sometimesAbsolute(
  fc.oneof({ weight: 4, arbitrary: literalRefArb }, { weight: 4, arbitrary: existingRefArb }, { weight: 1, arbitrary: belowRefArb }),
);

/** The key of something that should be there (an object, most often): existing keys more often than literal ones. */
export const sourceRefArb: fc.Arbitrary<KeyRef> = sometimesAbsolute(
  fc.oneof({ weight: 1, arbitrary: literalRefArb }, { weight: 4, arbitrary: existingRefArb }, { weight: 1, arbitrary: belowRefArb }),
);

/** A key, now and then with a trailing `/` (a directory path, which no object can be created at). */
export const destinationArb: fc.Arbitrary<KeyRef> = fc.oneof(
  { weight: 12, arbitrary: keyRefArb },
  { weight: 1, arbitrary: keyRefArb.map((ref) => ({ ...ref, slash: true })) },
);

/** A directory to list: the root, a key's directory (`k/`), or a key without its `/` (dir mode adds it). */
export const listDirArb: fc.Arbitrary<KeyRef | ""> = fc.oneof(
  { weight: 3, arbitrary: fc.constant("" as const) },
  { weight: 5, arbitrary: keyRefArb.map((ref) => ({ ...ref, slash: true })) },
  { weight: 1, arbitrary: keyRefArb },
);

/** A raw listing prefix: the root, a directory, a whole key, or a key cut short (`a` of `a b`). */
export const prefixArb: fc.Arbitrary<{ ref: KeyRef | ""; cut: number }> = fc.oneof(
  { weight: 2, arbitrary: fc.constant({ ref: "" as const, cut: 0 }) },
  { weight: 3, arbitrary: keyRefArb.map((ref) => ({ ref: { ...ref, slash: true }, cut: 0 })) },
  { weight: 2, arbitrary: keyRefArb.map((ref) => ({ ref, cut: 0 })) },
  { weight: 2, arbitrary: fc.tuple(keyRefArb, fc.integer({ min: 1, max: 4 })).map(([ref, cut]) => ({ ref, cut })) },
);

/** The prefix `p` names in `model` now (relative to the work_dir). */
export function resolvePrefix(model: StoreModel, p: { ref: KeyRef | ""; cut: number }): string {
  if (p.ref === "") return "";
  const key = resolveKey(model, p.ref);
  if (p.cut === 0) return key;
  // Cut whole code points: half a surrogate pair is no key.
  const points = Array.from(key);
  return points.slice(0, Math.max(1, points.length - p.cut)).join("");
}

/** How a prefix shows in a command's name. */
export function showPrefix(p: { ref: KeyRef | ""; cut: number }): string {
  if (p.ref === "") return '""';
  return p.cut === 0 ? showKey(p.ref) : `${showKey(p.ref)} less ${p.cut} chars`;
}

/** How a body is handed to the storager (`writeStream`: piped into `createWriteStream` instead of `write`). */
export type BodyForm = "buffer" | "string" | "uint8array" | "readable" | "iterable" | "writeStream";

/**
 * A body: short text (UTF-8), or `large` — the storage's minimum part size plus a few bytes,
 * so that a multipart write has two parts even where parts must be large (used rarely).
 */
export interface BodySpec {
  form: BodyForm;
  text?: string;
  large?: number;
}

const formArb: fc.Arbitrary<BodyForm> = fc.constantFrom<BodyForm>("buffer", "string", "uint8array", "readable", "iterable", "writeStream");

/** A short text of up to 24 graphemes (0 bytes included). */
export const textArb: fc.Arbitrary<string> = fc.string({ unit: "grapheme", maxLength: 24 });

/** A body of short text in any form. */
export const smallBodyArb: fc.Arbitrary<BodySpec> = fc.record({ form: formArb, text: textArb });

/** A body, rarely a large one. */
export const bodyArb: fc.Arbitrary<BodySpec> = fc.oneof(
  { weight: 30, arbitrary: smallBodyArb },
  { weight: 1, arbitrary: fc.record({ form: formArb, large: fc.integer({ min: 1, max: 9 }) }) },
);

/** Content type, metadata and storage class (standard or infrequent access), most often none. */
export const attributesArb: fc.Arbitrary<Attributes> = fc.oneof(
  { weight: 6, arbitrary: fc.constant({}) },
  { weight: 1, arbitrary: fc.record({ contentType: fc.constantFrom("text/plain", "application/json") }) },
  { weight: 1, arbitrary: fc.record({ metadata: fc.constantFrom<Record<string, string>>({ k: "v 1" }, { "a-b": "x+y", c: "~" }) }) },
  {
    weight: 1,
    arbitrary: fc.record({ contentType: fc.constant("image/png"), metadata: fc.constant({ k: "v" }) }),
  },
  { weight: 2, arbitrary: fc.record({ storageClass: fc.constantFrom<StorageClassPick>("standard", "infrequent", "infrequent") }) },
);
