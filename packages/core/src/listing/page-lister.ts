import { createHash } from "node:crypto";
import { ErrorCode } from "../errors/error-code.js";
import { isStorageError, storageError } from "../errors/storage-error.js";
import { throwIfAborted } from "../io/abort.js";
import { thrownText } from "../errors/thrown-text.js";

/** One page from a paged listing. An absent or empty `nextToken` means "last page". */
export interface Page<T> {
  items: T[];
  nextToken?: string;
}

/**
 * How many of the latest continuation tokens {@link paginate} remembers to tell a service that
 * sends the listing back to a page it already gave (a cycle of up to this many pages).
 */
export const REMEMBERED_TOKENS = 10_000;

/** Options of {@link paginate}. */
export interface PaginateOptions {
  /** Checked before every page fetch and before every item yielded. */
  signal?: AbortSignal;
  /** Token of the first page to fetch (default: the start). */
  token?: string;
}

/**
 * Turns a page fetcher into a lazy stream of items: a page is fetched only when
 * the previous one has been consumed, and iteration stops after a page without
 * `nextToken`. Once `signal` aborts, no further item is yielded: the next step
 * of the iteration throws `Aborted`, even when items of the fetched page remain.
 * A service that hands back a token it gave before (the one it was just given, or one of an
 * earlier page: a marker that goes back, A, B, A) would loop forever, yielding the same items
 * again; that ends with `Unexpected` instead. The last {@link REMEMBERED_TOKENS} tokens are
 * remembered (as digests), so a cycle through more pages than that is not caught.
 *
 * @throws StorageError `Aborted` (before any page fetch or item), `Unexpected` (a token the listing
 *   already used, or a non-StorageError thrown by `fetchPage`), and whatever `fetchPage` throws.
 */
export async function* paginate<T>(
  fetchPage: (token: string | undefined) => Promise<Page<T>>,
  options: PaginateOptions = {},
): AsyncGenerator<T, void, undefined> {
  const { signal } = options;
  let token = options.token === "" ? undefined : options.token;
  const seen = new Set<string>();
  if (token !== undefined) seen.add(digest(token));
  for (;;) {
    throwIfAborted(signal);
    let page: Page<T>;
    try {
      page = await fetchPage(token);
    } catch (e) {
      if (isStorageError(e)) throw e;
      throw storageError(ErrorCode.Unexpected, `list page failed: ${thrownText(e)}`, { cause: e });
    }
    for (const item of page.items) {
      // An abort stops the listing at once, even mid-page: nothing is yielded after it.
      throwIfAborted(signal);
      yield item;
    }
    const next = page.nextToken;
    if (next === undefined || next === "") return;
    const key = digest(next);
    if (seen.has(key)) {
      throw storageError(ErrorCode.Unexpected, "list returned a continuation token it had already returned: the listing would start over again and never end");
    }
    seen.add(key);
    // Oldest first (a Set keeps insertion order): forget it once the bound is reached.
    if (seen.size > REMEMBERED_TOKENS) seen.delete(seen.values().next().value as string);
    token = next;
  }
}

/** A fixed-size stand-in for a token (keys can be 1 KiB long). */
function digest(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("base64url").slice(0, 22);
}
