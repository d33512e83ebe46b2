import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import fc from "fast-check";
import { normalizeWorkDir, newStorager, type Storager } from "@stowage/core";
import "@stowage/fs";
import "@stowage/memory";

/**
 * Links between random paths (nested, with spaces, `+`, `%`, `~` and non-ASCII names) on the
 * drivers with native or in-process links: whatever the two paths, the link reports the target's
 * absolute path, reads back the target's bytes, lists as a link and is removed alone. On fs this
 * exercises the relative target computed from the link's directory.
 */
const segment = fc
  .array(fc.constantFrom("a", "b", "Z", "0", " ", "+", "%", "~", "-", "_", "é", "中", "'"), { minLength: 1, maxLength: 5 })
  .map((chars) => chars.join(""));
const nested = fc.array(segment, { minLength: 1, maxLength: 4 }).map((segments) => segments.join("/"));

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "stowage-links-"));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const stores: Array<[string, () => Storager]> = [
  ["memory", () => newStorager(`memory://links-${randomUUID()}/wd/`)],
  ["fs", () => newStorager(`fs://${root}/${randomUUID()}/`)],
];

describe.each(stores)("links between random paths: %s", (_name, open) => {
  it("read, stat, list and delete agree whatever the two paths", async () => {
    const store = open();
    const wd = normalizeWorkDir(store.info.workDir);
    let n = 0;
    await fc.assert(
      fc.asyncProperty(nested, nested, fc.uint8Array({ minLength: 0, maxLength: 64 }), async (linkRel, targetRel, bytes) => {
        const base = `case${n++}/`;
        const link = `${base}L/${linkRel}`;
        const target = `${base}T/${targetRel}`;
        const data = Buffer.from(bytes);
        await store.write(target, data);
        const made = await store.createLink(link, target);
        expect([made.path, made.mode, made.linkTarget]).toEqual([link, "link", wd + target]);
        const stat = await store.stat(link);
        expect([stat.mode, stat.linkTarget]).toEqual(["link", wd + target]);
        expect((await store.read(link)).equals(data)).toBe(true);
        const listed: Array<[string, string]> = [];
        for await (const o of store.list(base, { mode: "prefix" })) listed.push([o.path, o.mode]);
        expect(listed.sort()).toEqual(
          [
            [link, "link"],
            [target, "file"],
          ].sort(),
        );
        await store.delete(link);
        expect((await store.read(target)).equals(data)).toBe(true);
        await expect(store.stat(link)).rejects.toMatchObject({ code: "ObjectNotExist" });
      }),
      { numRuns: 60 },
    );
  });
});
