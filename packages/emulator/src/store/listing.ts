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
 */
export function listPage(sortedKeys: readonly string[], input: ListPageInput): ListPage {
  const { prefix, delimiter, marker, maxKeys } = input;
  if (maxKeys <= 0) return { keys: [], commonPrefixes: [], isTruncated: false };
  const keys: string[] = [];
  const commonPrefixes: string[] = [];
  let lastPrefix: string | undefined;
  let lastEmitted: string | undefined;
  let i = lowerBound(sortedKeys, compareKeys(prefix, marker) > 0 ? prefix : marker);
  for (; i < sortedKeys.length; i++) {
    const key = sortedKeys[i]!;
    if (!key.startsWith(prefix)) break;
    if (marker !== "" && compareKeys(key, marker) <= 0) continue;
    let cp: string | undefined;
    if (delimiter !== "") {
      const at = key.indexOf(delimiter, prefix.length);
      if (at >= 0) cp = key.slice(0, at + delimiter.length);
    }
    if (cp !== undefined && (cp === lastPrefix || cp === marker)) continue;
    if (keys.length + commonPrefixes.length >= maxKeys) {
      return { keys, commonPrefixes, isTruncated: true, nextMarker: lastEmitted };
    }
    if (cp !== undefined) {
      commonPrefixes.push(cp);
      lastPrefix = cp;
      lastEmitted = cp;
    } else {
      keys.push(key);
      lastEmitted = key;
    }
  }
  return { keys, commonPrefixes, isTruncated: false };
}

/** First index of `sorted` (ascending by {@link compareKeys}) whose key is ≥ `target`. */
export function lowerBound(sorted: readonly string[], target: string): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareKeys(sorted[mid]!, target) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
