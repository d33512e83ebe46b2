import { compareKeys } from "@stowage/core";

/** A sorted set of keys (by {@link compareKeys}) with binary-search lookups. */
export class SortedKeys {
  private readonly keys: string[] = [];

  /** Number of keys. */
  get length(): number {
    return this.keys.length;
  }

  /** The key at `index` (undefined past the end). @throws nothing */
  at(index: number): string | undefined {
    return this.keys[index];
  }

  /** Adds `key` if absent. @throws nothing */
  insert(key: string): void {
    const i = this.lowerBound(key);
    if (this.keys[i] !== key) this.keys.splice(i, 0, key);
  }

  /** Removes `key` if present. @throws nothing */
  remove(key: string): void {
    const i = this.lowerBound(key);
    if (this.keys[i] === key) this.keys.splice(i, 1);
  }

  /** Index of the first key `>= key`. @throws nothing */
  lowerBound(key: string): number {
    return this.search((k) => compareKeys(k, key) < 0);
  }

  /** Index of the first key `> key`. @throws nothing */
  upperBound(key: string): number {
    return this.search((k) => compareKeys(k, key) <= 0);
  }

  /** Index of the first key after every key that starts with `prefix`. @throws nothing */
  prefixEnd(prefix: string): number {
    return this.search((k) => compareKeys(k, prefix) <= 0 || k.startsWith(prefix));
  }

  /** True when some key other than `prefix` itself starts with `prefix`. @throws nothing */
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
