import { ErrorCode } from "../errors/error-code.js";
import { storageError } from "../errors/storage-error.js";

/** Options of a {@link SortedList}. */
export interface SortedListOptions {
  /**
   * The most items a chunk holds before it is split in two (default 1,024). Tests pass a small
   * number so that splits and merges happen often.
   */
  chunkSize?: number | undefined;
}

/**
 * A place in a {@link SortedList}: before the item a search found, or the end. Good until the
 * list next changes (an insert or a remove); pass it to {@link SortedList.itemsFrom} or
 * {@link SortedList.get} of the list that gave it.
 */
export interface SortedListPosition {
  /** Index of the chunk (the chunk count for the end). */
  readonly chunk: number;
  /** Index in that chunk. */
  readonly offset: number;
}

const DEFAULT_CHUNK_SIZE = 1024;

/**
 * A sorted set of items (by a comparator; items comparing equal are one item) for listings that
 * page from a marker: an ordered index kept up to date item by item. Items are held in chunks of
 * at most `chunkSize` (a full chunk is split, a nearly empty one merged into a neighbour), found by
 * a binary search over the chunks' last items, then one within the chunk, so an insert or a
 * remove costs O(log N + chunkSize) rather than the O(N) of a splice into one sorted array, and a
 * store filled in random key order is no longer quadratic. Positions come from a search
 * ({@link SortedList.search}, {@link SortedList.lowerBound}, {@link SortedList.upperBound}) and
 * are read with {@link SortedList.itemsFrom}, which yields the items in order from there: no index
 * arithmetic. Not safe to change while iterating.
 */
export class SortedList<T> implements Iterable<T> {
  private readonly chunks: T[][] = [];
  private readonly chunkSize: number;
  private count = 0;

  /**
   * An empty list ordered by `compare` (negative, zero or positive, as for `Array.prototype.sort`).
   * @throws StorageError `InvalidArgument` when `options.chunkSize` is not a whole number of at least 1.
   */
  constructor(
    private readonly compare: (a: T, b: T) => number,
    options?: SortedListOptions,
  ) {
    const size = options?.chunkSize ?? DEFAULT_CHUNK_SIZE;
    if (!Number.isSafeInteger(size) || size < 1) {
      throw storageError(ErrorCode.InvalidArgument, `chunkSize must be a whole number of at least 1, not ${String(size)}`);
    }
    this.chunkSize = size;
  }

  /**
   * A list of `items` (sorted once, duplicates by `compare` kept once: the first).
   * @throws StorageError `InvalidArgument` when `options.chunkSize` is not a whole number of at least 1.
   */
  static from<T>(items: Iterable<T>, compare: (a: T, b: T) => number, options?: SortedListOptions): SortedList<T> {
    const list = new SortedList(compare, options);
    const sorted = [...items].sort(compare);
    // Half-full chunks leave room for inserts before the first splits.
    const fill = Math.max(1, Math.ceil(list.chunkSize / 2));
    let chunk: T[] = [];
    for (let i = 0; i < sorted.length; i++) {
      const item = sorted[i]!;
      if (i > 0 && compare(sorted[i - 1]!, item) === 0) continue;
      if (chunk.length === fill) {
        list.chunks.push(chunk);
        chunk = [];
      }
      chunk.push(item);
    }
    if (chunk.length > 0) list.chunks.push(chunk);
    list.count = list.chunks.reduce((n, c) => n + c.length, 0);
    return list;
  }

  /** Number of items. @throws nothing */
  get length(): number {
    return this.count;
  }

  /** Number of chunks (for tests and benchmarks). @throws nothing */
  get chunkCount(): number {
    return this.chunks.length;
  }

  /**
   * The first position where `before` is false. `before` must hold for a leading run of the
   * items and for none after it (e.g. `(x) => compare(x, key) < 0`); the end when it holds for all.
   * @throws what `before` throws
   */
  search(before: (item: T) => boolean): SortedListPosition {
    const chunks = this.chunks;
    let lo = 0;
    let hi = chunks.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const chunk = chunks[mid]!;
      if (before(chunk[chunk.length - 1]!)) lo = mid + 1;
      else hi = mid;
    }
    if (lo === chunks.length) return { chunk: lo, offset: 0 };
    const chunk = chunks[lo]!;
    let a = 0;
    let b = chunk.length - 1; // the last item fails `before`
    while (a < b) {
      const mid = (a + b) >>> 1;
      if (before(chunk[mid]!)) a = mid + 1;
      else b = mid;
    }
    return { chunk: lo, offset: a };
  }

  /** Position of the first item `>= item`. @throws what the comparator throws */
  lowerBound(item: T): SortedListPosition {
    return this.bound(item, false);
  }

  /** Position of the first item `> item`. @throws what the comparator throws */
  upperBound(item: T): SortedListPosition {
    return this.bound(item, true);
  }

  /** {@link SortedList.search} for the first item `>= item` (`> item` when `after`), without a closure per step. */
  private bound(item: T, after: boolean): SortedListPosition {
    const { chunks, compare } = this;
    let lo = 0;
    let hi = chunks.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const chunk = chunks[mid]!;
      const c = compare(chunk[chunk.length - 1]!, item);
      if (c < 0 || (after && c === 0)) lo = mid + 1;
      else hi = mid;
    }
    if (lo === chunks.length) return { chunk: lo, offset: 0 };
    const chunk = chunks[lo]!;
    let a = 0;
    let b = chunk.length - 1;
    while (a < b) {
      const mid = (a + b) >>> 1;
      const c = compare(chunk[mid]!, item);
      if (c < 0 || (after && c === 0)) a = mid + 1;
      else b = mid;
    }
    return { chunk: lo, offset: a };
  }

  /** The item at `position` (undefined at the end). @throws nothing */
  get(position: SortedListPosition): T | undefined {
    return this.chunks[position.chunk]?.[position.offset];
  }

  /** The item comparing equal to `item`, if any. @throws what the comparator throws */
  find(item: T): T | undefined {
    const found = this.get(this.lowerBound(item));
    return found !== undefined && this.compare(found, item) === 0 ? found : undefined;
  }

  /** True when an item comparing equal to `item` is in the list. @throws what the comparator throws */
  has(item: T): boolean {
    return this.find(item) !== undefined;
  }

  /**
   * Adds `item` unless an item comparing equal is there; true when added.
   * @throws what the comparator throws
   */
  insert(item: T): boolean {
    const chunks = this.chunks;
    if (chunks.length === 0) {
      chunks.push([item]);
      this.count = 1;
      return true;
    }
    let { chunk: c, offset } = this.lowerBound(item);
    if (c === chunks.length) {
      // Past every item: the end of the last chunk.
      c = chunks.length - 1;
      offset = chunks[c]!.length;
    } else if (this.compare(chunks[c]![offset]!, item) === 0) {
      return false;
    }
    const chunk = chunks[c]!;
    chunk.splice(offset, 0, item);
    this.count++;
    if (chunk.length > this.chunkSize) chunks.splice(c + 1, 0, chunk.splice(chunk.length >>> 1));
    return true;
  }

  /**
   * Removes the item comparing equal to `item`; true when there was one.
   * @throws what the comparator throws
   */
  remove(item: T): boolean {
    const chunks = this.chunks;
    const { chunk: c, offset } = this.lowerBound(item);
    const chunk = chunks[c];
    if (chunk === undefined || this.compare(chunk[offset]!, item) !== 0) return false;
    chunk.splice(offset, 1);
    this.count--;
    if (chunk.length === 0) {
      chunks.splice(c, 1);
    } else if (chunk.length < this.chunkSize / 4) {
      // A nearly empty chunk joins a neighbour that has room for it.
      const next = chunks[c + 1];
      const prev = chunks[c - 1];
      if (next !== undefined && chunk.length + next.length <= this.chunkSize) {
        for (const x of next) chunk.push(x);
        chunks.splice(c + 1, 1);
      } else if (prev !== undefined && prev.length + chunk.length <= this.chunkSize) {
        for (const x of chunk) prev.push(x);
        chunks.splice(c, 1);
      }
    }
    return true;
  }

  /**
   * The items in order from `position` (one from a search of this list since its last change) to
   * the end.
   * @throws nothing
   */
  *itemsFrom(position: SortedListPosition): IterableIterator<T> {
    const chunks = this.chunks;
    let offset = position.offset;
    for (let c = position.chunk; c < chunks.length; c++) {
      const chunk = chunks[c]!;
      for (; offset < chunk.length; offset++) yield chunk[offset]!;
      offset = 0;
    }
  }

  /** The items in order. @throws nothing */
  [Symbol.iterator](): IterableIterator<T> {
    return this.itemsFrom({ chunk: 0, offset: 0 });
  }
}
