/**
 * Property: `stowage sync` (plain, `--delete`, `--checksum`, `--size-only`), `cp -r` and `mv -r`
 * between random trees on a local directory, a named memory store and a bucket prefix on the COS
 * emulator, run in process through the CLI's programmatic entry point (`main`, which calls
 * `run(argv, io, signal)` with captured streams). Trees of up to 12 objects with awkward keys (see
 * sync-property-helpers.ts), some sent in parts (`multipart_threshold=64KiB` in every location),
 * then random edits and the command again. Both sides are read back byte for byte (local files with
 * node:fs, memory and COS through a Storager of their own) and compared with a model of the rules
 * in packages/cli/README.md.
 */
import { describe, expect, it } from "@jest/globals";
import fc from "fast-check";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { main } from "../src/index.js";
import {
  applyWrites,
  editedBytes,
  editsArb,
  excludedBy,
  expectSync,
  expectTree,
  initialTrees,
  KINDS,
  materialize,
  openSides,
  pause,
  runCli,
  slotsArb,
  universeArb,
  type Edit,
  type Side,
  type Stats,
  type Tree,
} from "./sync-property-helpers.js";
import { useHarness } from "./sync-property-harness.js";

const h = useHarness("stowage-sync-prop-");

/**
 * Runs the CLI: exit 0 with its `--stats-json` summary, or, from a source that does not exist (an
 * empty memory or COS prefix, a local directory `mv -r` removed), exit 3 (README: "A source that does
 * not exist ... fails with exit 3 before anything is copied or deleted"): then undefined. Any other
 * exit fails the property with the command's stderr.
 */
async function cli(argv: string[], sourceExists: boolean): Promise<Stats | undefined> {
  const r = await runCli(h, argv);
  const want = sourceExists ? 0 : 3;
  if (r.code !== want) throw new Error(`stowage ${argv.join(" ")} exited ${r.code}, expected ${want}: ${r.stderr}`);
  if (sourceExists && r.stats === undefined) throw new Error(`stowage ${argv.join(" ")} printed no --stats-json summary`);
  return r.stats;
}

/**
 * Local files are stamped from the kernel's coarse clock, which lags the process clock (that memory
 * and the emulator stamp with) by up to a tick (about 4 ms measured). That is the README's "two
 * clocks" case: a same-size edit made within the gap after its copy looks older than the copy, and
 * a copy made within the gap after its source's edit looks older than the source (copied again).
 * Those edits may be missed by design, so none is generated: writes on either side, and each
 * command, are kept a pause longer than a tick apart when a local directory is involved.
 */
const settle = (src: Side, dst: Side): Promise<void> => (src.kind === "fs" || dst.kind === "fs" ? pause(15) : Promise.resolve());

type Mode = "default" | "checksum" | "size-only";

/**
 * Source writes that keep every difference findable under `mode` (README "How sync decides"):
 * - `--size-only` trusts sizes, so a same-size change is missed by design;
 * - by default an object of the same size whose destination copy is newer (written after the
 *   source, to a later second) is taken for up to date, so a same-size destination edit is missed
 *   unless the source is written after it.
 * For each such object the source gets new bytes of another size, written after the destination.
 */
function findable(mode: Mode, src: Tree, dst: Tree, dstWritten: ReadonlySet<string>, srcWritten: ReadonlySet<string>, seed: number): Array<[string, Buffer]> {
  const fixes: Array<[string, Buffer]> = [];
  for (const [k, v] of src) {
    const d = dst.get(k);
    if (d === undefined || d.length !== v.length || d.equals(v)) continue;
    const missable = mode === "size-only" || (mode === "default" && dstWritten.has(k) && !srcWritten.has(k));
    if (missable) fixes.push([k, materialize({ size: d.length + 1, seed })]);
  }
  return fixes;
}

/** Applies `edits` of one side to `tree` (the model) and lists the writes in order. */
function applyEdits(tree: Tree, keys: readonly string[], edits: readonly Edit[], side: Edit["side"], allowSameSize: boolean): Array<[string, Buffer | null]> {
  const writes: Array<[string, Buffer | null]> = [];
  for (const edit of edits) {
    if (edit.side !== side) continue;
    const key = keys[edit.slot % keys.length]!;
    if (edit.op === "delete" && !tree.has(key)) continue;
    // Without allowSameSize (destination edits outside --checksum, every edit under --size-only) a
    // same-size change, which only reading finds, becomes a resize.
    const e: Edit = !allowSameSize && edit.op === "rewrite" ? { ...edit, op: "resize" } : edit;
    let data = editedBytes(tree, key, e);
    const old = tree.get(key);
    if (!allowSameSize && data !== null && old !== undefined && data.length === old.length) data = materialize({ size: old.length + 1, seed: e.content.seed });
    writes.push([key, data]);
    if (data === null) tree.delete(key);
    else tree.set(key, data);
  }
  return writes;
}

const syncScenario = fc.record({
  src: fc.constantFrom(...KINDS),
  dst: fc.constantFrom(...KINDS),
  keys: universeArb,
  slots: slotsArb,
  mode: fc.constantFrom<Mode>("default", "checksum", "size-only"),
  del: fc.boolean(),
  exclude: fc.boolean(),
  noServerSide: fc.boolean(),
  verify: fc.boolean(),
  edits: editsArb,
  fixSeed: fc.integer({ min: 1, max: 0x7fffffff }),
});

describe("tree transfers between fs, memory and the COS emulator (property)", () => {
  it("sync makes the destination hold the source's objects, deletes extras only with --delete, and a second run copies nothing", async () => {
    await fc.assert(
      fc.asyncProperty(syncScenario, async (s) => {
        const [src, dst] = openSides(h, s.src, s.dst);
        try {
          const flags = [
            ...(s.mode === "checksum" ? ["--checksum"] : s.mode === "size-only" ? ["--size-only"] : []),
            ...(s.del ? ["--delete"] : []),
            ...(s.exclude ? ["--exclude", "*.tmp"] : []),
            ...(s.noServerSide ? ["--no-server-side"] : []),
            ...(s.verify ? ["--verify"] : []),
          ];
          const argv = ["sync", ...flags, src.location, dst.location];
          const opts = { delete: s.del, exclude: s.exclude };

          /** One sync and its identical rerun, checked against the model. */
          const syncAndCheck = async (srcTree: Tree, dstTree: Tree, stage: string): Promise<Tree> => {
            const want = expectSync(srcTree, dstTree, opts);
            const stats = await cli(argv, await src.exists());
            if (stats === undefined) {
              await expectTree(dst, dstTree, `${stage}: destination (no source)`);
              return dstTree;
            }
            await expectTree(dst, want.dst, `${stage}: destination`);
            await expectTree(src, srcTree, `${stage}: source`);
            expect(stats.objects).toMatchObject({ failed: 0, mismatched: 0, deleted: want.deleted, planned: stats.objects.copied });
            if (s.mode === "default") {
              // A source stamped in a later second than its copy is copied again even when equal.
              expect(stats.objects.copied).toBeGreaterThanOrEqual(want.mustCopy);
              expect(stats.objects.copied).toBeLessThanOrEqual(want.candidates);
            } else {
              expect(stats.objects.copied).toBe(want.mustCopy);
            }
            await settle(src, dst);
            const again = (await cli(argv, true))!;
            expect(again.objects).toMatchObject({ planned: 0, copied: 0, deleted: 0, failed: 0, skipped: want.candidates });
            await expectTree(dst, want.dst, `${stage}: destination after the second run`);
            return want.dst;
          };

          const [srcTree, dstTree] = initialTrees(s.keys, s.slots);
          // The destination is written first, so a source of the same size is never older than it.
          await applyWrites(dst, dstTree);
          await settle(src, dst);
          for (const [k, v] of findable(s.mode, srcTree, dstTree, new Set(), new Set(), s.fixSeed)) srcTree.set(k, v);
          await applyWrites(src, srcTree);
          await settle(src, dst);
          const synced = await syncAndCheck(srcTree, dstTree, "first sync");

          // Edits: the destination first, then the source (later, so never older than its copy).
          await settle(src, dst);
          const dstWrites = applyEdits(synced, s.keys, s.edits, "dst", s.mode === "checksum");
          await applyWrites(dst, dstWrites);
          await settle(src, dst);
          const srcWrites = applyEdits(srcTree, s.keys, s.edits, "src", s.mode !== "size-only");
          const fixes = findable(s.mode, srcTree, synced, new Set(dstWrites.map(([k]) => k)), new Set(srcWrites.map(([k]) => k)), s.fixSeed);
          for (const [k, v] of fixes) srcTree.set(k, v);
          await applyWrites(src, [...srcWrites, ...fixes]);
          await settle(src, dst);
          await syncAndCheck(srcTree, synced, "sync after edits");
        } finally {
          await Promise.all([src.cleanup(), dst.cleanup()]);
        }
      }),
      { numRuns: 20 },
    );
  }, 60_000);

  it("cp -r copies every object, mv -r leaves the source empty and the destination complete", async () => {
    const scenario = fc.record({
      src: fc.constantFrom(...KINDS),
      dst: fc.constantFrom(...KINDS),
      move: fc.boolean(),
      keys: universeArb,
      slots: slotsArb,
      exclude: fc.boolean(),
      noServerSide: fc.boolean(),
      edits: editsArb,
    });
    await fc.assert(
      fc.asyncProperty(scenario, async (s) => {
        const [src, dst] = openSides(h, s.src, s.dst);
        try {
          const argv = [s.move ? "mv" : "cp", "-r", ...(s.exclude ? ["--exclude", "*.tmp"] : []), ...(s.noServerSide ? ["--no-server-side"] : []), src.location, dst.location];
          const [srcTree, dstTree] = initialTrees(s.keys, s.slots);
          await applyWrites(dst, dstTree);
          await applyWrites(src, srcTree);

          /** One cp -r or mv -r: every object the filter lets through is copied, moved ones leave the source. */
          const transferAndCheck = async (stage: string): Promise<void> => {
            const moved = [...srcTree].filter(([k]) => !excludedBy(s.exclude, k));
            const stats = await cli(argv, await src.exists());
            if (stats === undefined) {
              expect(srcTree.size).toBe(0);
              await expectTree(dst, dstTree, `${stage}: destination (no source)`);
              return;
            }
            expect(stats.objects).toMatchObject({ planned: moved.length, copied: moved.length, failed: 0, mismatched: 0, deleted: 0 });
            for (const [k, v] of moved) {
              dstTree.set(k, v);
              if (s.move) srcTree.delete(k);
            }
            await expectTree(dst, dstTree, `${stage}: destination`);
            await expectTree(src, srcTree, `${stage}: source`);
          };

          await transferAndCheck(`first ${argv[0]} -r`);
          // Any edit: cp -r copies everything whatever the times and sizes.
          await applyWrites(dst, applyEdits(dstTree, s.keys, s.edits, "dst", true));
          await applyWrites(src, applyEdits(srcTree, s.keys, s.edits, "src", true));
          await transferAndCheck(`${argv[0]} -r after edits`);
        } finally {
          await Promise.all([src.cleanup(), dst.cleanup()]);
        }
      }),
      { numRuns: 15 },
    );
  }, 60_000);

  // A counterexample the sync property found, pinned: a memory source, a local destination given as an
  // fs:// connection string (so the copy streams through the CLI's MD5 tap) and an empty object. Core
  // writes 0 bytes without reading the body and closes it; the tap's pipeline then destroys the read
  // stream while it is opening the memory driver's read; the stream the driver returns was created with
  // the call signal that destroy aborts, errors with Aborted and has no 'error' listener
  // (packages/core/src/storager/object-read-stream.ts, `if (this.destroyed) { opened.stream.destroy(); ... }`
  // after `await scope.driver.read(...)`): an unhandled 'error' event, which kills a process that runs
  // the command through main() or run(), after it returned 0.
  it("cp -r of an empty memory object to an fs:// destination leaves no unhandled stream error behind", async () => {
    const dir = join(h.work, "empty-object");
    expect((await main(["put", "-", "memory://empty-object/d/e"], { stdin: "", env: h.env, cwd: h.work })).code).toBe(0);
    const r = await runCli(h, ["cp", "-r", "memory://empty-object/d/", `fs://${dir}/`]);
    expect([r.code, r.stderr]).toEqual([0, ""]);
    await pause(20); // the stray 'error' is emitted a tick after the command returns
    expect((await readFile(join(dir, "e"))).length).toBe(0);
  });
});
