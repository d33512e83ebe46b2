import { expect } from "@jest/globals";
import type { ListOptions } from "@stowage/core";
import type { CaseScope, Suite } from "../context.js";
import { collect, expectIterationError, randomData } from "../fixtures.js";

/**
 * Names whose UTF-8 byte order differs from JS string (UTF-16) order: a character outside the BMP
 * (😀, U+1F600: F0 9F 98 80, a surrogate pair D83D DE00) sorts after every BMP character in UTF-8,
 * but before U+E000..U+FFFF (～ U+FF5E, U+E000, U+FFFD) in UTF-16. With ASCII, Latin-1 and a
 * sub-directory (`sub/`) whose `/` sorts between `sub-` and `sub0`.
 */
const NAMES = ["~", "é", "～", "😀", "\uE000", "\uFFFD", "a", "A", "a b", "a~", "a😀", "a～", "é😀", "ÿ", "Ā", "z", "sub-", "sub/x", "sub/😀", "sub/～", "sub0"];

/** Sorts by the bytes of the UTF-8 encoding (never JS string order). */
function byUtf8(paths: readonly string[]): string[] {
  return [...paths].sort((a, b) => Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8")));
}

async function writeNames(t: CaseScope, base: string): Promise<string[]> {
  const paths = NAMES.map((n) => base + n);
  for (const path of paths) {
    t.track(path);
    await t.store.write(path, randomData(3));
  }
  return paths;
}

/** Every path of a listing walked with listPage (`limit` per page), in the order given; bounded. */
async function paged(t: CaseScope, base: string, options: ListOptions): Promise<string[]> {
  const seen: string[] = [];
  let token: string | undefined;
  for (let pages = 0; ; pages++) {
    if (pages > 50) throw new Error("listPage did not end within 50 pages");
    const page = await t.store.listPage(base, { ...options, ...(token === undefined ? {} : { token }) });
    seen.push(...page.items.map((o) => o.path));
    if (page.nextToken === undefined) return seen;
    token = page.nextToken;
  }
}

/**
 * Listing order: every storage lists keys in UTF-8 byte order (core's `startAfter` and tokens rely on
 * it; memory and fs sort by code point, which is the same order), in `list` and page by page, with
 * dir mode's sub-directories merged into that order. The expected order comes from Buffer.compare.
 */
export function registerListOrderCases(suite: Suite): void {
  suite.gated(
    "list: prefix mode yields keys in UTF-8 byte order (not UTF-16), whole and in pages of 4, and from startAfter",
    ["listPrefix"],
    async (t) => {
      const base = t.dir();
      const want = byUtf8(await writeNames(t, base));
      // The order this case exists for: UTF-16 puts 😀 before ～, UTF-8 after.
      expect(want.indexOf(base + "～")).toBeLessThan(want.indexOf(base + "😀"));
      expect([...want].sort()).not.toEqual(want);
      expect((await collect(t.store.list(base, { mode: "prefix" }))).map((o) => o.path)).toEqual(want);
      expect(await paged(t, base, { mode: "prefix", limit: 4 })).toEqual(want);
      for (const after of ["～", "\uFFFD", "a～", "sub/～", "é"]) {
        const from = want.indexOf(base + after) + 1;
        const got = (await collect(t.store.list(base, { mode: "prefix", startAfter: base + after, limit: 3 }))).map((o) => o.path);
        expect([after, got]).toEqual([after, want.slice(from)]);
      }
    },
    async (t) => {
      await expectIterationError(() => t.store.list(t.dir(), { mode: "prefix" }), "CapabilityInsufficient");
    },
  );

  suite.gated(
    "list: dir mode yields files and sub-dirs in UTF-8 byte order, whole and in pages of 4",
    ["listDir"],
    async (t) => {
      const base = t.dir();
      const files = (await writeNames(t, base)).filter((p) => !p.startsWith(base + "sub/"));
      const want = byUtf8([...files, base + "sub/"]);
      expect(want.slice(want.indexOf(base + "sub-"), want.indexOf(base + "sub0") + 1)).toEqual([base + "sub-", base + "sub/", base + "sub0"]);
      expect((await collect(t.store.list(base, { mode: "dir" }))).map((o) => o.path)).toEqual(want);
      expect(await paged(t, base, { mode: "dir", limit: 4 })).toEqual(want);
      expect((await collect(t.store.list(base + "sub/", { mode: "dir" }))).map((o) => o.path)).toEqual(byUtf8(["x", "😀", "～"].map((n) => `${base}sub/${n}`)));
    },
    async (t) => {
      await expectIterationError(() => t.store.list(t.dir(), { mode: "dir" }), "CapabilityInsufficient");
    },
  );
}
