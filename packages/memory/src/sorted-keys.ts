import { compareKeys, SortedList, type SortedListOptions, type SortedListPosition } from "@stowage/core";

/**
 * A sorted set of keys (by {@link compareKeys}): core's chunked {@link SortedList}, so that an
 * insert or a delete out of key order costs O(log N + chunk) rather than a copy of an array's
 * tail. Positions come from searches and are read with `itemsFrom` (the keys in order from there).
 * Since the chunked index, the searches answer a position, not an array index, and `at(index)`
 * is gone. Make one with `new SortedKeys()` (the inherited static `from` makes a plain
 * {@link SortedList}, without {@link SortedKeys.prefixEnd} and {@link SortedKeys.hasKeysUnder}).
 */
export class SortedKeys extends SortedList<string> {
  /**
   * An empty set of keys.
   * @throws StorageError `InvalidArgument` when `options.chunkSize` is not a whole number of at least 1.
   */
  constructor(options?: SortedListOptions) {
    super(compareKeys, options);
  }

  /** Position after every key that starts with `prefix` (and after `prefix` itself). @throws nothing */
  prefixEnd(prefix: string): SortedListPosition {
    return this.search((k) => compareKeys(k, prefix) <= 0 || k.startsWith(prefix));
  }

  /** True when some key other than `prefix` itself starts with `prefix`. @throws nothing */
  hasKeysUnder(prefix: string): boolean {
    return this.get(this.upperBound(prefix))?.startsWith(prefix) ?? false;
  }
}
