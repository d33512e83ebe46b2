import { SortedList } from "@stowage/core";
import { compareKeys } from "./listing.js";
import type { StoredBucket, StoredUpload } from "./types.js";

/** Inputs of a List Multipart Uploads page. */
export interface ListUploadsInput {
  prefix: string;
  delimiter: string;
  keyMarker: string;
  uploadIdMarker: string;
  maxUploads: number;
}

/** One List Multipart Uploads page. */
export interface ListUploadsPage {
  uploads: StoredUpload[];
  commonPrefixes: string[];
  isTruncated: boolean;
  nextKeyMarker?: string;
  nextUploadIdMarker?: string;
}

/** The listing order of uploads: by key (byte order), then initiation, then upload id. */
export function compareUploads(a: StoredUpload, b: StoredUpload): number {
  return compareKeys(a.key, b.key) || a.initiated - b.initiated || compareKeys(a.uploadId, b.uploadId);
}

/**
 * The uploads of each bucket in listing order ({@link compareUploads}). A bucket's uploads are
 * sorted the first time they are listed, then kept up to date upload by upload in core's chunked
 * {@link SortedList} (O(log N + chunk) each), so a page costs a search and its own length, not a
 * sort of the bucket's uploads. Keyed by the bucket itself: a bucket deleted and created again
 * starts afresh.
 */
export class SortedUploads {
  private readonly byBucket = new WeakMap<StoredBucket, SortedList<StoredUpload>>();

  /**
   * The uploads of `b` in listing order (the list kept: it changes with the bucket, read it before
   * the next await, and do not change it).
   */
  get(b: StoredBucket): SortedList<StoredUpload> {
    let sorted = this.byBucket.get(b);
    if (sorted === undefined) {
      sorted = SortedList.from(b.uploads.values(), compareUploads);
      this.byBucket.set(b, sorted);
    }
    return sorted;
  }

  /** Records `u`, just listed in `b`. */
  added(b: StoredBucket, u: StoredUpload): void {
    this.byBucket.get(b)?.insert(u);
  }

  /** Records that `u` left `b` (aborted or completed). */
  removed(b: StoredBucket, u: StoredUpload): void {
    this.byBucket.get(b)?.remove(u);
  }
}

/**
 * One page of `sorted` (in {@link compareUploads} order): uploads after `keyMarker` (and, at that
 * key, with an id after `uploadIdMarker`) under `prefix`, keys under a delimiter rolled up into one
 * common prefix counting once against `maxUploads`; a `keyMarker` equal to a common prefix (a page
 * ended on it) skips it. It starts with a binary search for the first key it may list, skips the
 * keys under a common prefix with another, and stops at the first key past `prefix`.
 */
export function listUploadsPage(sorted: SortedList<StoredUpload>, input: ListUploadsInput): ListUploadsPage {
  if (input.maxUploads <= 0) return { uploads: [], commonPrefixes: [], isTruncated: false };
  const from = compareKeys(input.prefix, input.keyMarker) > 0 ? input.prefix : input.keyMarker;
  const uploads: StoredUpload[] = [];
  const commonPrefixes: string[] = [];
  let last: { key: string; uploadId: string } | undefined;
  let uploadsFrom = sorted.itemsFrom(sorted.search((u) => compareKeys(u.key, from) < 0));
  for (let next = uploadsFrom.next(); !next.done; next = uploadsFrom.next()) {
    const u = next.value;
    // Keys under the prefix are one run from the prefix on: the first key past it ends the listing.
    if (!u.key.startsWith(input.prefix)) break;
    const c = compareKeys(u.key, input.keyMarker);
    if (input.keyMarker !== "" && (c < 0 || (c === 0 && (input.uploadIdMarker === "" || compareKeys(u.uploadId, input.uploadIdMarker) <= 0)))) continue;
    let cp: string | undefined;
    if (input.delimiter !== "") {
      const at = u.key.indexOf(input.delimiter, input.prefix.length);
      if (at >= 0) cp = u.key.slice(0, at + input.delimiter.length);
    }
    // A common prefix listed on this page or named by the marker (a page that ended on it) is not
    // listed again: the keys under it are one run, skipped in one search.
    const skip = cp !== undefined && (commonPrefixes[commonPrefixes.length - 1] === cp || cp === input.keyMarker);
    if (!skip && uploads.length + commonPrefixes.length >= input.maxUploads) {
      return { uploads, commonPrefixes, isTruncated: true, nextKeyMarker: last?.key, nextUploadIdMarker: last?.uploadId };
    }
    if (cp !== undefined) {
      const rolled = cp;
      if (!skip) {
        commonPrefixes.push(rolled);
        last = { key: rolled, uploadId: "" };
      }
      uploadsFrom = sorted.itemsFrom(sorted.search((x) => compareKeys(x.key, rolled) <= 0 || x.key.startsWith(rolled)));
    } else {
      uploads.push(u);
      last = { key: u.key, uploadId: u.uploadId };
    }
  }
  return { uploads, commonPrefixes, isTruncated: false };
}
