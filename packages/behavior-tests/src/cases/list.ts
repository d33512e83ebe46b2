import { expect } from "@jest/globals";
import type { ListOptions, ObjectInfo } from "@stowage/core";
import type { CaseScope, Suite } from "../context.js";
import { collect, expectError, expectIterationError, randomData } from "../fixtures.js";

/** Writes `names` (relative to `base`) with distinct sizes; returns the full paths in order. */
async function writeTree(t: CaseScope, base: string, names: readonly string[]): Promise<string[]> {
  const paths: string[] = [];
  for (let i = 0; i < names.length; i++) {
    const path = base + names[i];
    t.track(path);
    await t.store.write(path, randomData(i + 1));
    paths.push(path);
  }
  return paths;
}

function byPath(items: readonly ObjectInfo[]): ObjectInfo[] {
  return [...items].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/**
 * Ports S13–S15 and TestList / TestListEmptyDir (§7.2, §7.10), plus the §7.11 gaps:
 * pagination past one page, tokens, dir vs prefix modes.
 */
export function registerListCases(suite: Suite): void {
  suite.gated(
    "list: a dir with nothing in it yields nothing, in dir and prefix mode (S13)",
    ["listDir", "listPrefix"],
    async (t) => {
      const base = t.dir();
      expect(await collect(t.store.list(base, { mode: "dir" }))).toEqual([]);
      expect(await collect(t.store.list(base, { mode: "prefix" }))).toEqual([]);
      const page = await t.store.listPage(base, { mode: "dir" });
      expect(page.items).toEqual([]);
      expect(page.nextToken).toBeUndefined();
    },
    async (t) => {
      const mode: ListOptions["mode"] = t.store.features.listDir ? "prefix" : "dir";
      await expectIterationError(() => t.store.list(t.dir(), { mode }), "CapabilityInsufficient");
    },
  );

  suite.gated(
    "list: a created dir with nothing in it yields nothing, not its own marker (TestListEmptyDir)",
    ["createDir", "listDir"],
    async (t) => {
      const dir = t.key();
      t.defer(() => t.store.delete(dir, { mode: "dir" }));
      await t.store.createDir(dir);
      expect(await collect(t.store.list(dir + "/", { mode: "dir" }))).toEqual([]);
    },
    async (t) => {
      if (!t.store.features.createDir) await expectError(() => t.store.createDir(t.key()), "CapabilityInsufficient");
      else await expectIterationError(() => t.store.list(t.dir(), { mode: "dir" }), "CapabilityInsufficient");
    },
  );

  suite.gated(
    "list: dir mode lists a written file with its path and size (S14)",
    ["listDir"],
    async (t) => {
      const base = t.dir();
      const [path] = await writeTree(t, base, ["only"]);
      const items = await collect(t.store.list(base, { mode: "dir" }));
      expect(items.length).toBe(1);
      expect(items[0]?.path).toBe(path);
      expect(items[0]?.mode).toBe("file");
      expect(items[0]?.size).toBe(1);
    },
    async (t) => {
      await expectIterationError(() => t.store.list(t.dir(), { mode: "dir" }), "CapabilityInsufficient");
    },
  );

  suite.test("list: an entry's lastModified and etag are stat's (a listing gives the same second as HEAD)", async (t) => {
    const base = t.dir();
    // Three objects: a listing that kept milliseconds HEAD drops matches stat only when they are 0.
    const paths = await writeTree(t, base, ["a", "b", "c"]);
    const listed = byPath((await collect(t.store.list(base))).filter((o) => o.mode !== "dir"));
    expect(listed.map((o) => o.path)).toEqual(paths);
    for (const entry of listed) {
      const stat = await t.store.stat(entry.path);
      expect(entry.lastModified?.getTime()).toBe(stat.lastModified?.getTime());
      expect(entry.etag).toBe(stat.etag);
    }
  });

  suite.test("list: the default mode lists a written file with its path and size (S15)", async (t) => {
    const base = t.dir();
    const [path] = await writeTree(t, base, ["only"]);
    const items = await collect(t.store.list(base));
    expect(items.length).toBe(1);
    expect(items[0]?.path).toBe(path);
    expect(items[0]?.mode).toBe("file");
    expect(items[0]?.size).toBe(1);
  });

  suite.gated(
    "list: prefix mode yields every key below, recursively, and no dirs",
    ["listPrefix"],
    async (t) => {
      const base = t.dir();
      const paths = await writeTree(t, base, ["a", "b/c", "b/d/e", "f/g"]);
      const items = byPath(await collect(t.store.list(base, { mode: "prefix" })));
      expect(items.map((o) => o.path)).toEqual([...paths].sort());
      for (const o of items) expect(o.mode).toBe("file");
      expect(items.find((o) => o.path === base + "b/d/e")?.size).toBe(3);
    },
    async (t) => {
      await expectIterationError(() => t.store.list(t.dir(), { mode: "prefix" }), "CapabilityInsufficient");
    },
  );

  suite.gated(
    "list: dir mode yields files and one level of sub-dirs ending with / and mode dir",
    ["listDir"],
    async (t) => {
      const base = t.dir();
      await writeTree(t, base, ["a", "b/c", "b/d/e", "f/g"]);
      const items = byPath(await collect(t.store.list(base, { mode: "dir" })));
      expect(items.map((o) => [o.path, o.mode])).toEqual([
        [base + "a", "file"],
        [base + "b/", "dir"],
        [base + "f/", "dir"],
      ]);
      // A directory named without its `/` is listed as that directory (go-storage v5 TestList): not
      // its siblings that share the name's start.
      await writeTree(t, base, ["bx"]);
      const bare = byPath(await collect(t.store.list(base + "b", { mode: "dir" })));
      expect(bare.map((o) => [o.path, o.mode])).toEqual([
        [base + "b/c", "file"],
        [base + "b/d/", "dir"],
      ]);
      const sub = byPath(await collect(t.store.list(base + "b/", { mode: "dir" })));
      expect(sub.map((o) => [o.path, o.mode])).toEqual([
        [base + "b/c", "file"],
        [base + "b/d/", "dir"],
      ]);
    },
    async (t) => {
      await expectIterationError(() => t.store.list(t.dir(), { mode: "dir" }), "CapabilityInsufficient");
    },
  );

  suite.gated(
    "list: prefix mode with startAfter yields only the keys after it, in every page",
    ["listPrefix"],
    async (t) => {
      const base = t.dir();
      const paths = [...(await writeTree(t, base, ["a", "b/c", "b/d/e", "b/f", "g", "h/i"]))].sort();
      // After a file, inside a sub-tree, and before everything; with pages of 2.
      for (const after of [base + "b/c", base + "b/d/", base + "b/d/e", base + "0", base + "z"]) {
        const want = paths.filter((p) => p > after);
        const got = await collect(t.store.list(base, { mode: "prefix", startAfter: after, limit: 2 }));
        expect([after, got.map((o) => o.path)]).toEqual([after, want]);
      }
      // A relative path is a path below the work_dir, like the listed ones.
      const page = await t.store.listPage(base, { mode: "prefix", startAfter: base + "b/f", limit: 10 });
      expect(page.items.map((o) => o.path)).toEqual([base + "g", base + "h/i"]);
      // A token continues from where it says, whatever startAfter says.
      const first = await t.store.listPage(base, { mode: "prefix", startAfter: base + "a", limit: 2 });
      expect(first.items.map((o) => o.path)).toEqual([base + "b/c", base + "b/d/e"]);
      const second = await t.store.listPage(base, { mode: "prefix", startAfter: base + "a", limit: 2, token: first.nextToken as string });
      expect(second.items.map((o) => o.path)).toEqual([base + "b/f", base + "g"]);
    },
    async (t) => {
      await expectIterationError(() => t.store.list(t.dir(), { mode: "prefix", startAfter: "x" }), "CapabilityInsufficient");
    },
  );

  suite.gated(
    "list: startAfter outside prefix mode, or a bad path, rejects with InvalidArgument",
    ["listDir"],
    async (t) => {
      const base = t.dir();
      await expectIterationError(() => t.store.list(base, { mode: "dir", startAfter: base + "a" }), "InvalidArgument");
      await expectError(() => t.store.listPage(base, { mode: "dir", startAfter: base + "a" }), "InvalidArgument");
      if (t.store.features.listPrefix) await expectError(() => t.store.listPage(base, { mode: "prefix", startAfter: "../x" }), "InvalidArgument");
    },
    async (t) => {
      await expectIterationError(() => t.store.list(t.dir(), { mode: "dir", startAfter: "x" }), "CapabilityInsufficient");
    },
  );

  suite.test("listPage: limit 3 over 10 objects pages with tokens, no duplicates, nothing missing", async (t) => {
    const base = t.dir();
    const names = Array.from({ length: 10 }, (_, i) => `obj-${String(i).padStart(2, "0")}`);
    const paths = await writeTree(t, base, names);
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    for (;;) {
      pages++;
      if (pages > 20) throw new Error("listPage did not end within 20 pages");
      const page = await t.store.listPage(base, { limit: 3, ...(token === undefined ? {} : { token }) });
      expect(page.items.length).toBeLessThanOrEqual(3);
      seen.push(...page.items.map((o) => o.path));
      if (page.nextToken === undefined) break;
      expect(typeof page.nextToken).toBe("string");
      expect(page.nextToken).not.toBe(token);
      token = page.nextToken;
    }
    expect(pages).toBeGreaterThanOrEqual(4);
    expect(new Set(seen).size).toBe(seen.length);
    expect([...seen].sort()).toEqual([...paths].sort());
  });

  suite.test("list: iterates every object past one page (limit 3 over 10)", async (t) => {
    const base = t.dir();
    const paths = await writeTree(t, base, Array.from({ length: 10 }, (_, i) => `k${i}`));
    const items = await collect(t.store.list(base, { limit: 3 }));
    const seen = items.map((o) => o.path);
    expect(new Set(seen).size).toBe(seen.length);
    expect([...seen].sort()).toEqual([...paths].sort());
  });

  suite.test("list: a token from listPage continues the listing where the page ended", async (t) => {
    const base = t.dir();
    const paths = await writeTree(t, base, Array.from({ length: 7 }, (_, i) => `t${i}`));
    const first = await t.store.listPage(base, { limit: 2 });
    expect(first.items.length).toBeGreaterThan(0);
    expect(first.nextToken).toBeDefined();
    const rest = await collect(t.store.list(base, { limit: 2, token: first.nextToken as string }));
    const seen = [...first.items, ...rest].map((o) => o.path);
    expect(new Set(seen).size).toBe(seen.length);
    expect([...seen].sort()).toEqual([...paths].sort());
  });

  suite.test("list: a token no listing produced, or one of another listing, is InvalidArgument, the same on every driver", async (t) => {
    const base = t.dir();
    const other = t.dir();
    await writeTree(t, base, ["a", "b", "c"]);
    await writeTree(t, other, ["a", "b", "c"]);
    const mode: ListOptions["mode"] = t.store.features.listDir ? "dir" : "prefix";
    const first = await t.store.listPage(base, { mode, limit: 1 });
    const token = first.nextToken as string;
    expect(typeof token).toBe("string");
    // A key (what tokens were before they were checked), made-up strings, NUL, a damaged token.
    const bad = [base + "b", "b", "garbage", "\u0000", token.slice(0, -1), token + "x", token.replace(/\.[^.]*\./, ".e30.")];
    for (const b of bad) {
      await expectError(() => t.store.listPage(base, { mode, limit: 1, token: b }), "InvalidArgument");
      await expectIterationError(() => t.store.list(base, { mode, token: b }), "InvalidArgument");
    }
    // A real token, of another path or of the other mode.
    const foreign = (await t.store.listPage(other, { mode, limit: 1 })).nextToken as string;
    await expectError(() => t.store.listPage(base, { mode, limit: 1, token: foreign }), "InvalidArgument");
    if (t.store.features.listDir && t.store.features.listPrefix) {
      await expectError(() => t.store.listPage(base, { mode: "prefix", limit: 1, token }), "InvalidArgument");
    }
    // The token itself still continues its own listing.
    const rest = await collect(t.store.list(base, { mode, token }));
    expect([...first.items, ...rest].map((o) => o.path).sort()).toEqual([base + "a", base + "b", base + "c"]);
  });

  suite.test("list: a dir that does not exist yields nothing, even beside other keys", async (t) => {
    const base = t.dir();
    await writeTree(t, base, ["ab", "abc", "b"]);
    const items = await collect(t.store.list(base + "x/"));
    expect(items).toEqual([]);
  });
}
