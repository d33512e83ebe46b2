import { ErrorCode } from "../errors/error-code.js";
import { isStorageError, storageError } from "../errors/storage-error.js";
import { throwIfAborted } from "../io/abort.js";

/** One page from a paged listing. An absent or empty `nextToken` means "last page". */
export interface Page<T> {
  items: T[];
  nextToken?: string;
}

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
 * A service that hands back the token it was just given would loop forever; that
 * ends with `Unexpected` instead.
 *
 * @throws StorageError `Aborted` (before any page fetch or item), `Unexpected` (a repeated token,
 *   or a non-StorageError thrown by `fetchPage`), and whatever `fetchPage` throws.
 */
export async function* paginate<T>(
  fetchPage: (token: string | undefined) => Promise<Page<T>>,
  options: PaginateOptions = {},
): AsyncGenerator<T, void, undefined> {
  const { signal } = options;
  let token = options.token === "" ? undefined : options.token;
  for (;;) {
    throwIfAborted(signal);
    let page: Page<T>;
    try {
      page = await fetchPage(token);
    } catch (e) {
      if (isStorageError(e)) throw e;
      throw storageError(ErrorCode.Unexpected, `list page failed: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }
    for (const item of page.items) {
      // An abort stops the listing at once, even mid-page: nothing is yielded after it.
      throwIfAborted(signal);
      yield item;
    }
    const next = page.nextToken;
    if (next === undefined || next === "") return;
    if (next === token) {
      throw storageError(ErrorCode.Unexpected, "list returned the same continuation token twice");
    }
    token = next;
  }
}
