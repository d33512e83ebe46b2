import { promises as realFs } from "node:fs";
import { afterEach, beforeEach, describe, expect, it } from "@jest/globals";
import { CURSOR_IDLE_MS, KEPT_CURSORS, ListCursors, cursorToken, parseToken, type ListCursor } from "../src/list-cursors.js";
import { DirRead } from "../src/list-walk.js";
import { FsPaths } from "../src/paths.js";
import { sandbox, type Sandbox } from "./setup.js";

// The walks a storager keeps between the pages of its listings (list-cursors.ts): taken only by the
// listing and key they go on from, bounded in number and idle time; and what a page trusts of the
// append locks a directory read saw (list-walk.ts DirRead).

let s: Sandbox;
beforeEach(async () => {
  s = await sandbox();
});
afterEach(async () => {
  await s.cleanup();
});

describe("fs listing: the kept walks", () => {
  const walk = (id: string, last: string): ListCursor => ({
    id,
    prefix: "p/",
    delimiter: undefined,
    source: (async function* () {})(),
    pending: undefined,
    leftOut: [],
    last,
    page: 1,
    keptAt: 0,
  });

  it("are taken by id only for their listing and key, once", () => {
    const cursors = new ListCursors();
    cursors.keep(walk("a", "p/k"), 1000);
    expect(cursors.take("a", "p/", "/", "p/k", 1000)).toBeUndefined();
    expect(cursors.take("a", "q/", undefined, "p/k", 1000)).toBeUndefined();
    expect(cursors.take("a", "p/", undefined, "p/j", 1000)).toBeUndefined();
    expect(cursors.take("a", "p/", undefined, "p/k", 1000)?.id).toBe("a");
    expect(cursors.take("a", "p/", undefined, "p/k", 1000)).toBeUndefined();
  });

  it("are dropped once idle too long, and beyond the bound the least recently kept first", () => {
    const cursors = new ListCursors();
    cursors.keep(walk("old", "p/k"), 0);
    cursors.keep(walk("new", "p/k"), CURSOR_IDLE_MS);
    expect(cursors.take("old", "p/", undefined, "p/k", CURSOR_IDLE_MS + 1)).toBeUndefined();
    expect(cursors.take("new", "p/", undefined, "p/k", CURSOR_IDLE_MS + 1)?.id).toBe("new");
    for (let i = 0; i <= KEPT_CURSORS; i++) cursors.keep(walk(`c${i}`, "p/k"), 1);
    expect(cursors.size).toBe(KEPT_CURSORS);
    expect(cursors.take("c0", "p/", undefined, "p/k", 1)).toBeUndefined();
    expect(cursors.take(`c${KEPT_CURSORS}`, "p/", undefined, "p/k", 1)?.id).toBe(`c${KEPT_CURSORS}`);
  });

  it("tokens carry the last key and the walk's id; a bare key (an earlier token) carries none", () => {
    expect(parseToken(cursorToken("a/b c", "0123456789abcdef"))).toEqual({ after: "a/b c", id: "0123456789abcdef" });
    expect(parseToken("a/b")).toEqual({ after: "a/b", id: undefined });
  });

  it("trust the lock names a directory read saw only while its times are as they were, and settled", async () => {
    const paths = new FsPaths(s.root);
    const dir = await paths.pinDir(paths.root);
    try {
      const st = await realFs.stat(s.root, { bigint: true });
      const locks = new Set([".stowage-lock-0000000000000001"]);
      expect(await new DirRead(locks, st.mtimeNs, st.ctimeNs, true, 1).locksNow(dir, 1)).toBe(locks);
      expect(await new DirRead(locks, st.mtimeNs, st.ctimeNs, true, 1).locksNow(dir, 2)).toBe(locks);
      expect(await new DirRead(locks, st.mtimeNs - 1n, st.ctimeNs, true, 1).locksNow(dir, 2)).toBeUndefined();
      expect(await new DirRead(locks, st.mtimeNs, st.ctimeNs - 1n, true, 1).locksNow(dir, 2)).toBeUndefined();
      expect(await new DirRead(locks, st.mtimeNs, st.ctimeNs, false, 1).locksNow(dir, 2)).toBeUndefined();
      // The page that read them trusts them as read.
      expect(await new DirRead(locks, 0n, 0n, false, 3).locksNow(dir, 3)).toBe(locks);
    } finally {
      await dir.close();
    }
  });
});
