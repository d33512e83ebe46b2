import { SortedList } from "@stowage/core";
import { compareKeys } from "./listing.js";

/**
 * The keys of each bucket in byte order ({@link compareKeys}), for listings. A bucket's keys are
 * sorted the first time they are asked for, then kept up to date key by key in core's chunked
 * {@link SortedList} (O(log N + chunk) per new or removed key, where one sorted array cost a splice
 * of O(N)), so a listing right after a write does not sort them again.
 */
export class SortedKeys {
  private readonly byBucket = new Map<string, SortedList<string>>();

  /**
   * The sorted keys of `bucket`, sorted from `keys()` when not kept yet. The list is the one kept:
   * it changes with the bucket, so read it (search, then iterate) before the next await, and do
   * not change it.
   * @throws what `keys` throws
   */
  get(bucket: string, keys: () => Iterable<string>): SortedList<string> {
    let sorted = this.byBucket.get(bucket);
    if (sorted === undefined) {
      sorted = SortedList.from(keys(), compareKeys);
      this.byBucket.set(bucket, sorted);
    }
    return sorted;
  }

  /** Records `key`, new in `bucket` (call it once the key was not there before). */
  added(bucket: string, key: string): void {
    this.byBucket.get(bucket)?.insert(key);
  }

  /** Records that `key` left `bucket`. */
  removed(bucket: string, key: string): void {
    this.byBucket.get(bucket)?.remove(key);
  }

  /** Forgets `bucket` (deleted). */
  dropBucket(bucket: string): void {
    this.byBucket.delete(bucket);
  }
}
