import { compareKeys, lowerBound } from "./listing.js";

/**
 * The keys of each bucket in byte order ({@link compareKeys}), for listings. A bucket's keys are
 * sorted the first time they are asked for, then kept up to date key by key (a binary search and
 * one splice per new or removed key), so a listing right after a write does not sort them again.
 */
export class SortedKeys {
  private readonly byBucket = new Map<string, string[]>();

  /**
   * The sorted keys of `bucket`, sorted from `keys()` when not kept yet. The array is the one kept:
   * it changes with the bucket, so read it before the next await.
   * @throws what `keys` throws
   */
  get(bucket: string, keys: () => Iterable<string>): readonly string[] {
    let sorted = this.byBucket.get(bucket);
    if (sorted === undefined) {
      sorted = [...keys()].sort(compareKeys);
      this.byBucket.set(bucket, sorted);
    }
    return sorted;
  }

  /** Records `key`, new in `bucket` (call it once the key was not there before). */
  added(bucket: string, key: string): void {
    const sorted = this.byBucket.get(bucket);
    if (sorted === undefined) return;
    const at = lowerBound(sorted, key);
    if (sorted[at] !== key) sorted.splice(at, 0, key);
  }

  /** Records that `key` left `bucket`. */
  removed(bucket: string, key: string): void {
    const sorted = this.byBucket.get(bucket);
    if (sorted === undefined) return;
    const at = lowerBound(sorted, key);
    if (sorted[at] === key) sorted.splice(at, 1);
  }

  /** Forgets `bucket` (deleted). */
  dropBucket(bucket: string): void {
    this.byBucket.delete(bucket);
  }
}
