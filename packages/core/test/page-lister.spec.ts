import { describe, expect, it } from "@jest/globals";
import { isStorageError } from "../src/errors/storage-error.js";
import { paginate, type Page } from "../src/listing/page-lister.js";

function pages(all: Array<Page<number>>) {
  const calls: Array<string | undefined> = [];
  const fetchPage = async (token: string | undefined): Promise<Page<number>> => {
    calls.push(token);
    const i = token === undefined ? 0 : Number(token);
    return all[i]!;
  };
  return { calls, fetchPage };
}

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

describe("paginate", () => {
  it("walks pages until nextToken is absent", async () => {
    const { calls, fetchPage } = pages([
      { items: [1, 2], nextToken: "1" },
      { items: [], nextToken: "2" },
      { items: [3] },
    ]);
    expect(await collect(paginate(fetchPage))).toEqual([1, 2, 3]);
    expect(calls).toEqual([undefined, "1", "2"]);
  });

  it("stops on an empty nextToken", async () => {
    const { calls, fetchPage } = pages([{ items: [1], nextToken: "" }]);
    expect(await collect(paginate(fetchPage))).toEqual([1]);
    expect(calls).toEqual([undefined]);
  });

  it("is lazy: a page is fetched only when needed", async () => {
    const { calls, fetchPage } = pages([
      { items: [1, 2], nextToken: "1" },
      { items: [3] },
    ]);
    const it = paginate(fetchPage);
    expect(calls).toEqual([]);
    await it.next();
    await it.next();
    expect(calls).toEqual([undefined]);
    await it.next();
    expect(calls).toEqual([undefined, "1"]);
  });

  it("starts from a given token", async () => {
    const { calls, fetchPage } = pages([{ items: [1], nextToken: "1" }, { items: [2] }]);
    expect(await collect(paginate(fetchPage, { token: "1" }))).toEqual([2]);
    expect(calls).toEqual(["1"]);
  });

  it("fails with Unexpected on a repeated token instead of looping", async () => {
    let calls = 0;
    const e = await collect(
      paginate(async (token) => {
        calls++;
        return { items: [calls], nextToken: token === undefined ? "t" : token };
      }),
    ).catch((x: unknown) => x);
    expect(isStorageError(e, "Unexpected")).toBe(true);
    expect(calls).toBe(2);
  });

  it("fails with Unexpected when a token comes back after other pages (A, B, A) instead of looping", async () => {
    const next: Record<string, string> = { start: "A", A: "B", B: "A" };
    const calls: Array<string | undefined> = [];
    const items: string[] = [];
    const e = await (async () => {
      for await (const x of paginate(async (token) => {
        calls.push(token);
        // Bounded whatever paginate does: a 10th page ends the test.
        if (calls.length > 10) throw new Error("paginate did not stop the cycle");
        return { items: [token ?? "start"], nextToken: next[token ?? "start"]! };
      })) {
        items.push(x);
      }
    })().catch((x: unknown) => x);
    expect(isStorageError(e, "Unexpected")).toBe(true);
    expect(calls).toEqual([undefined, "A", "B"]);
    expect(items).toEqual(["start", "A", "B"]);
  });

  it("fails with Unexpected when the start token comes back", async () => {
    let calls = 0;
    const e = await collect(
      paginate(
        async (token) => {
          calls++;
          if (calls > 10) throw new Error("paginate did not stop the cycle");
          return { items: [calls], nextToken: token === "s" ? "t" : "s" };
        },
        { token: "s" },
      ),
    ).catch((x: unknown) => x);
    expect(isStorageError(e, "Unexpected")).toBe(true);
    expect(calls).toBe(2);
  });

  it("follows a long listing of distinct tokens to its end (more pages than it remembers)", async () => {
    // More than the 10,000 tokens paginate remembers (REMEMBERED_TOKENS).
    const last = 12_000;
    let count = 0;
    for await (const x of paginate(async (token) => {
      const i = token === undefined ? 0 : Number(token);
      return i < last ? { items: [i], nextToken: String(i + 1) } : { items: [i] };
    })) {
      expect(x).toBe(count);
      count++;
    }
    expect(count).toBe(last + 1);
  });

  it("checks the signal between pages", async () => {
    const ac = new AbortController();
    const { calls, fetchPage } = pages([{ items: [1], nextToken: "1" }, { items: [2] }]);
    const seen: number[] = [];
    const e = await (async () => {
      for await (const x of paginate(fetchPage, { signal: ac.signal })) {
        seen.push(x);
        ac.abort();
      }
    })().catch((x: unknown) => x);
    expect(isStorageError(e, "Aborted")).toBe(true);
    expect(seen).toEqual([1]);
    expect(calls).toEqual([undefined]);
  });

  it("passes StorageErrors through and wraps others", async () => {
    const e = await collect(paginate(async () => Promise.reject(new Error("boom")))).catch((x: unknown) => x);
    expect(isStorageError(e, "Unexpected")).toBe(true);
    expect(((e as Error).cause as Error).message).toBe("boom");
  });
});
