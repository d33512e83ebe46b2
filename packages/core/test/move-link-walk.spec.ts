/**
 * The link walk before a move (link-checks.ts `refuseMoveOntoTarget`): past the source, a stat
 * refused locally and for good (no status code, not retryable: fs's fifo, a path outside the
 * work_dir) ends the walk and the move goes ahead; a network failure there (retryable, no status
 * code) fails the move, since what is there was never seen (review-fixes14 L3).
 */
import { describe, expect, it } from "@jest/globals";
import type { RawObject } from "../src/driver/storage-driver.js";
import { storageError } from "../src/errors/storage-error.js";
import { relocateStore } from "./relocate-store.js";

function store(targetError: Error): { moves: string[]; s: ReturnType<typeof relocateStore> } {
  const moves: string[] = [];
  const s = relocateStore({
    features: { createLink: true },
    stat: async (key: string): Promise<RawObject> => {
      if (key === "lnk") return { key, mode: "link", linkTarget: "/hop" };
      throw targetError;
    },
    copy: async () => undefined,
    move: async (from, to) => void moves.push(`${from}->${to}`),
  });
  return { moves, s };
}

describe("the link walk before a move", () => {
  it("a target refused locally for good ends the walk: the link is moved", async () => {
    const { moves, s } = store(storageError("ObjectModeInvalid", "not a regular file"));
    await s.move("lnk", "elsewhere");
    expect(moves).toEqual(["lnk->elsewhere"]);
  });

  it("a network failure on a target fails the move, nothing moved", async () => {
    const { moves, s } = store(storageError("ServiceInternal", "socket hang up", { retryable: true }));
    await expect(s.move("lnk", "elsewhere")).rejects.toMatchObject({ code: "ServiceInternal" });
    expect(moves).toEqual([]);
  });
});
