import type { SortedList } from "@stowage/core";

/**
 * Compares two keys in UTF-8 byte order (what the services sort by), which is
 * code-point order; plain `<` on JS strings differs for astral characters.
 */
export function compareKeys(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return weight(x) - weight(y);
  }
  return a.length - b.length;
}

/** Moves UTF-16 surrogates above U+E000..U+FFFF so units compare as code points. */
function weight(u: number): number {
  if (u >= 0xd800 && u <= 0xdfff) return u + 0x2000;
  if (u >= 0xe000) return u - 0x800;
  return u;
}

/** Inputs of one listing page. */
export interface ListPageInput {
  prefix: string;
  /** Empty for a flat listing. */
  delimiter: string;
  /** Only keys (or common prefixes) strictly after this are listed. */
  marker: string;
  /** Bound on keys + common prefixes together. */
  maxKeys: number;
}

/** One listing page over sorted keys. */
export interface ListPage {
  keys: string[];
  commonPrefixes: string[];
  isTruncated: boolean;
  /** The last key or common prefix returned, when truncated. */
  nextMarker?: string;
}

/**
 * Lists one page of `sortedKeys` (ascending by {@link compareKeys}) with S3
 * semantics: keys under a delimiter roll up into one common prefix, which
 * counts once against `maxKeys`; a marker equal to a common prefix skips it.
 * It starts with a search for the first key it may list and reads on from there.
 */
export function listPage(sortedKeys: SortedList<string>, input: ListPageInput): ListPage {
  const { prefix, delimiter, marker, maxKeys } = input;
  if (maxKeys <= 0) return { keys: [], commonPrefixes: [], isTruncated: false };
  const keys: string[] = [];
  const commonPrefixes: string[] = [];
  let lastPrefix: string | undefined;
  let lastEmitted: string | undefined;
  let from = sortedKeys.itemsFrom(sortedKeys.lowerBound(compareKeys(prefix, marker) > 0 ? prefix : marker));
  for (let next = from.next(); !next.done; next = from.next()) {
    const key = next.value;
    // Keys under the prefix are one run from the prefix on: the first key past it ends the listing.
    if (!key.startsWith(prefix)) break;
    if (marker !== "" && compareKeys(key, marker) <= 0) continue;
    let cp: string | undefined;
    if (delimiter !== "") {
      const at = key.indexOf(delimiter, prefix.length);
      if (at >= 0) cp = key.slice(0, at + delimiter.length);
    }
    if (cp === undefined) {
      if (keys.length + commonPrefixes.length >= maxKeys) return { keys, commonPrefixes, isTruncated: true, nextMarker: lastEmitted };
      keys.push(key);
      lastEmitted = key;
      continue;
    }
    // A common prefix listed on this page or named by the marker (a page ended on it) is not
    // listed again.
    if (cp !== lastPrefix && cp !== marker) {
      if (keys.length + commonPrefixes.length >= maxKeys) return { keys, commonPrefixes, isTruncated: true, nextMarker: lastEmitted };
      commonPrefixes.push(cp);
      lastPrefix = cp;
      lastEmitted = cp;
    }
    // The keys under it are one run: skip them in one search.
    const rolled = cp;
    from = sortedKeys.itemsFrom(sortedKeys.search((k) => compareKeys(k, rolled) <= 0 || k.startsWith(rolled)));
  }
  return { keys, commonPrefixes, isTruncated: false };
}
