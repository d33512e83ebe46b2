import { expect } from "@jest/globals";
import { normalizeWorkDir, type ErrorCode } from "@stowage/core";
import type { CaseScope, Suite } from "../context.js";
import { collect, expectError, expectSameBytes, randomData } from "../fixtures.js";
import { refuseMissing } from "./refusals.js";

/** The absolute path a link to `path` (relative to the work_dir) reports as its target. */
function absolute(t: CaseScope, path: string): string {
  return normalizeWorkDir(t.store.info.workDir) + path;
}

/** A fresh link path, deleted after the case (deleting a link never touches its target). */
function linkPath(t: CaseScope): string {
  return t.key("link-");
}

/** A target holding `data`, deleted after the case. */
async function target(t: CaseScope, data: Buffer): Promise<string> {
  const path = t.key("target-");
  await t.store.write(path, data);
  return path;
}

async function refuse(t: CaseScope): Promise<void> {
  await expectError(() => t.store.createLink(t.key(), t.key()), "CapabilityInsufficient");
}

/** Ports TestLinker L1–L3 (§7.8), plus what §7.11 asks of a stricter suite: reads, deletes, listings, bad input. */
export function registerLinkCases(suite: Suite): void {
  suite.gated(
    "createLink: the link reports mode link and the target's absolute path, in its answer and in stat (L1)",
    ["createLink"],
    async (t) => {
      const to = await target(t, randomData(16));
      const path = linkPath(t);
      const o = await t.store.createLink(path, to);
      expect(o.path).toBe(path);
      expect(o.mode).toBe("link");
      expect(o.linkTarget).toBe(absolute(t, to));
      const s = await t.store.stat(path);
      expect(s.mode).toBe("link");
      expect(s.linkTarget).toBe(absolute(t, to));
    },
    refuse,
  );

  suite.gated(
    "createLink: a link to a target that does not exist is allowed (L2), and reading it is ObjectNotExist",
    ["createLink"],
    async (t) => {
      const to = t.key("missing-");
      const path = linkPath(t);
      const o = await t.store.createLink(path, to);
      expect(o.mode).toBe("link");
      expect(o.linkTarget).toBe(absolute(t, to));
      const s = await t.store.stat(path);
      expect(s.mode).toBe("link");
      expect(s.linkTarget).toBe(absolute(t, to));
      await expectError(() => t.store.read(path), "ObjectNotExist");
    },
    refuse,
  );

  suite.gated(
    "createLink: on an existing link replaces it with the new target (L3)",
    ["createLink"],
    async (t) => {
      const first = await target(t, randomData(8));
      const second = await target(t, randomData(9));
      const path = linkPath(t);
      await t.store.createLink(path, first);
      const o = await t.store.createLink(path, second);
      expect(o.linkTarget).toBe(absolute(t, second));
      const s = await t.store.stat(path);
      expect(s.mode).toBe("link");
      expect(s.linkTarget).toBe(absolute(t, second));
      expect((await t.store.read(path)).length).toBe(9);
    },
    refuse,
  );

  suite.gated(
    "createLink: reading a link reads its target, whole and by range",
    ["createLink", "readRange"],
    async (t) => {
      const data = randomData(64 * 1024 + 7);
      const to = await target(t, data);
      const path = linkPath(t);
      await t.store.createLink(path, to);
      expectSameBytes(await t.store.read(path), data);
      expectSameBytes(await t.store.read(path, { offset: 100, size: 1000 }), data.subarray(100, 1100));
    },
    refuseMissing("createLink", "readRange"),
  );

  suite.gated(
    "createLink: deleting a link leaves its target; the link is gone",
    ["createLink"],
    async (t) => {
      const data = randomData(32);
      const to = await target(t, data);
      const path = linkPath(t);
      await t.store.createLink(path, to);
      await t.store.delete(path);
      await expectError(() => t.store.stat(path), "ObjectNotExist");
      expectSameBytes(await t.store.read(to), data);
    },
    refuse,
  );

  suite.gated(
    "createLink: replaces an object at the link's path; the object's bytes are not read any more",
    ["createLink"],
    async (t) => {
      const data = randomData(40);
      const to = await target(t, data);
      const path = linkPath(t);
      await t.store.write(path, randomData(10));
      await t.store.createLink(path, to);
      expect((await t.store.stat(path)).mode).toBe("link");
      expectSameBytes(await t.store.read(path), data);
    },
    refuse,
  );

  suite.gated(
    "copy: from a link stores the target's bytes as a file; the link stays",
    ["createLink", "copy"],
    async (t) => {
      const data = randomData(1000);
      const to = await target(t, data);
      const path = linkPath(t);
      await t.store.createLink(path, to);
      const copy = t.key("copy-");
      await t.store.copy(path, copy);
      expect((await t.store.stat(copy)).mode).toBe("file");
      expectSameBytes(await t.store.read(copy), data);
      expect((await t.store.stat(path)).mode).toBe("link");
    },
    refuseMissing("createLink", "copy"),
  );

  suite.gated(
    "move: of a link moves the link itself: the new path links to the same target, which stays",
    ["createLink", "move"],
    async (t) => {
      const data = randomData(300);
      const to = await target(t, data);
      const path = linkPath(t);
      await t.store.createLink(path, to);
      const moved = t.key("moved-");
      await t.store.move(path, moved);
      const o = await t.store.stat(moved);
      expect(o.mode).toBe("link");
      expect(o.linkTarget).toBe(absolute(t, to));
      expectSameBytes(await t.store.read(moved), data);
      await expectError(() => t.store.stat(path), "ObjectNotExist");
      expectSameBytes(await t.store.read(to), data);
    },
    refuseMissing("createLink", "move"),
  );

  suite.gated(
    "move: a link onto the object it leads to (directly or through another link) is InvalidArgument; the object keeps its bytes",
    ["createLink", "move"],
    async (t) => {
      const data = randomData(77);
      const to = await target(t, data);
      const path = linkPath(t);
      await t.store.createLink(path, to);
      await expectError(() => t.store.move(path, to), "InvalidArgument");
      const second = linkPath(t);
      await t.store.createLink(second, path);
      await expectError(() => t.store.move(second, to), "InvalidArgument");
      expectSameBytes(await t.store.read(to), data);
      expect((await t.store.stat(path)).mode).toBe("link");
    },
    refuseMissing("createLink", "move"),
  );

  suite.gated(
    "move: an object onto a link that leads to it replaces the link with the object; its bytes survive",
    ["createLink", "move"],
    async (t) => {
      const data = randomData(91);
      const from = await target(t, data);
      const path = linkPath(t);
      await t.store.createLink(path, from);
      await t.store.move(from, path);
      const o = await t.store.stat(path);
      expect(o.mode).toBe("file");
      expect(o.size).toBe(91);
      expectSameBytes(await t.store.read(path), data);
      await expectError(() => t.store.stat(from), "ObjectNotExist");
    },
    refuseMissing("createLink", "move"),
  );

  suite.gated(
    "list: a link is listed with mode link, in prefix and in dir mode",
    ["createLink", "listPrefix", "listDir"],
    async (t) => {
      const base = t.dir();
      const to = base + "target";
      t.track(to);
      await t.store.write(to, randomData(5));
      const path = base + "link";
      t.track(path);
      await t.store.createLink(path, to);
      for (const mode of ["prefix", "dir"] as const) {
        const items = (await collect(t.store.list(base, { mode }))).sort((a, b) => (a.path < b.path ? -1 : 1));
        expect(items.map((o) => [o.path, o.mode])).toEqual([
          [path, "link"],
          [to, "file"],
        ]);
        const link = items[0]!;
        if (link.linkTarget !== undefined) expect(link.linkTarget).toBe(absolute(t, to));
      }
    },
    refuseMissing("createLink", "listPrefix", "listDir"),
  );

  suite.gated(
    "read: through the longest chain of links the service follows works, and one link more fails a 0-byte read as it fails a whole read",
    ["createLink"],
    async (t) => {
      const hops = t.store.features.limits.linkHopsMaximum ?? 40;
      const data = randomData(32);
      const chain = [await target(t, data)];
      for (let i = 0; i <= hops; i++) {
        const path = linkPath(t);
        await t.store.createLink(path, chain[chain.length - 1]!);
        chain.push(path);
      }
      const longest = chain[hops]!; // `hops` links in a row
      expectSameBytes(await t.store.read(longest), data);
      // A 0-byte read is a ranged one: without readRange it is refused, whatever the chain.
      const ranged = t.store.features.readRange;
      if (ranged) expect((await t.store.read(longest, { size: 0 })).length).toBe(0);
      else await expectError(() => t.store.read(longest, { size: 0 }), "CapabilityInsufficient");
      const tooLong = chain[hops + 1]!;
      const whole = await t.store.read(tooLong).then(
        () => "no error",
        (e: { code?: string }) => e.code,
      );
      expect(whole).not.toBe("no error");
      await expectError(() => t.store.read(tooLong, { size: 0 }), ranged ? (whole as ErrorCode) : "CapabilityInsufficient");
    },
    refuse,
  );

  suite.gated(
    "createLink: a target that leads back to the link's path (a loop of two or three links) is InvalidArgument; the file there keeps its bytes",
    ["createLink"],
    async (t) => {
      const data = randomData(50);
      const file = await target(t, data);
      const first = linkPath(t);
      await t.store.createLink(first, file);
      await expectError(() => t.store.createLink(file, first), "InvalidArgument");
      const second = linkPath(t);
      await t.store.createLink(second, first);
      await expectError(() => t.store.createLink(file, second), "InvalidArgument");
      expect((await t.store.stat(file)).mode).toBe("file");
      expectSameBytes(await t.store.read(file), data);
      expectSameBytes(await t.store.read(first), data);
    },
    refuse,
  );

  suite.gated(
    "createLink: a directory path or target, a link to itself and a target outside the work_dir are InvalidArgument, and create nothing",
    ["createLink"],
    async (t) => {
      const to = await target(t, randomData(4));
      const path = linkPath(t);
      await expectError(() => t.store.createLink(path + "/", to), "InvalidArgument");
      await expectError(() => t.store.createLink(path, to + "/"), "InvalidArgument");
      await expectError(() => t.store.createLink(path, path), "InvalidArgument");
      if (normalizeWorkDir(t.store.info.workDir) !== "/") await expectError(() => t.store.createLink(path, "/outside-" + path), "InvalidArgument");
      await expectError(() => t.store.createLink(path, "../" + to), "InvalidArgument");
      await expectError(() => t.store.stat(path), "ObjectNotExist");
    },
    refuse,
  );
}
