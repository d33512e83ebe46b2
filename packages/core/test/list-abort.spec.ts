/**
 * An aborted listing yields nothing more, not even the rest of a page it already fetched: the
 * next step of the iteration throws `Aborted` (the memory driver's spec checks Storager.list).
 */
import { describe, expect, it } from "@jest/globals";
import { isStorageError } from "../src/errors/storage-error.js";
import { paginate, type Page } from "../src/listing/page-lister.js";

describe("paginate after an abort", () => {
  it("yields nothing more, even from the page it holds, and fetches no further page", async () => {
    const controller = new AbortController();
    const fetched: Array<string | undefined> = [];
    const fetchPage = async (token: string | undefined): Promise<Page<number>> => {
      fetched.push(token);
      return token === undefined ? { items: [1, 2, 3], nextToken: "next" } : { items: [4] };
    };
    const seen: number[] = [];
    let error: unknown;
    try {
      for await (const item of paginate(fetchPage, { signal: controller.signal })) {
        seen.push(item);
        if (seen.length === 1) controller.abort();
      }
    } catch (e) {
      error = e;
    }
    expect(seen).toEqual([1]);
    expect(isStorageError(error, "Aborted")).toBe(true);
    expect(fetched).toEqual([undefined]);
  });
});
