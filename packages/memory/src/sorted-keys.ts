/**
 * Orders keys by Unicode code point, which is the byte order of their UTF-8
 * form (the order object stores list in). Plain `<` compares UTF-16 code
 * units and puts U+E000–U+FFFF after astral characters; this does not.
 */
export function compareKeys(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return rank(x) - rank(y);
  }
  return a.length - b.length;
}

/** Moves surrogates (astral code points) above the rest of the BMP. */
function rank(unit: number): number {
  if (unit >= 0xd800 && unit <= 0xdfff) return unit + 0x2000;
  return unit >= 0xe000 ? unit - 0x800 : unit;
}

/** A sorted set of keys (by {@link compareKeys}) with binary-search lookups. */
export class SortedKeys {
  private readonly keys: string[] = [];

  /** Number of keys. */
  get length(): number {
    return this.keys.length;
  }

  /** The key at `index` (undefined past the end). */
  at(index: number): string | undefined {
    return this.keys[index];
  }

  /** Adds `key` if absent. */
  insert(key: string): void {
    const i = this.lowerBound(key);
    if (this.keys[i] !== key) this.keys.splice(i, 0, key);
  }

  /** Removes `key` if present. */
  remove(key: string): void {
    const i = this.lowerBound(key);
    if (this.keys[i] === key) this.keys.splice(i, 1);
  }

  /** Index of the first key `>= key`. */
  lowerBound(key: string): number {
    return this.search((k) => compareKeys(k, key) < 0);
  }

  /** Index of the first key `> key`. */
  upperBound(key: string): number {
    return this.search((k) => compareKeys(k, key) <= 0);
  }

  /** Index of the first key after every key that starts with `prefix`. */
  prefixEnd(prefix: string): number {
    return this.search((k) => compareKeys(k, prefix) <= 0 || k.startsWith(prefix));
  }

  /** True when some key other than `prefix` itself starts with `prefix`. */
  hasKeysUnder(prefix: string): boolean {
    return this.keys[this.upperBound(prefix)]?.startsWith(prefix) ?? false;
  }

  /** First index where `before` turns false (`before` must be true, then false, along the array). */
  private search(before: (key: string) => boolean): number {
    let lo = 0;
    let hi = this.keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (before(this.keys[mid]!)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
