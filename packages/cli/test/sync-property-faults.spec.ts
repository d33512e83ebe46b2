/**
 * Property: `sync` (with and without `--delete`), `cp -r` and `mv -r` to and from the COS emulator
 * while it injects random faults (500/503, throttling, connection resets, truncated and corrupted
 * bodies, wrong CRC64 headers, COS's 200-with-an-error) either exit 0 with the destination complete,
 * or exit with a typed code (README "Exit codes": 2–15, never 1) and leave no object with wrong
 * bytes: every destination object holds the source's bytes or what it held before, `sync --delete`
 * deletes nothing when a copy failed, and `mv -r` deletes no source whose copy is not in place. Then,
 * the faults cleared, the same command finishes the job. Same trees and keys as sync-property.spec.ts
 * (see sync-property-helpers.ts), run in process through `main` (`run(argv, io, signal)`).
 */
import { describe, expect, it } from "@jest/globals";
import fc from "fast-check";
import type { FaultRule, OperationName } from "@stowage/emulator";
import {
  applyWrites,
  excludedBy,
  expectSync,
  expectTree,
  initialTrees,
  openSides,
  pause,
  runCli,
  slotsArb,
  treeDiff,
  universeArb,
  type Kind,
  type Side,
  type Tree,
} from "./sync-property-helpers.js";
import { useHarness } from "./sync-property-harness.js";

const h = useHarness("stowage-sync-faults-");

/** Few, quick retries (and read resumes), so a fault that keeps firing fails the command soon. */
const RETRIES = "&max_retries=2&retry_base_delay=2ms&retry_max_delay=10ms";

const WRITES: OperationName[] = ["PutObject", "UploadPart", "InitiateMultipartUpload", "CompleteMultipartUpload", "CopyObject"];
const READS: OperationName[] = ["GetObject", "HeadObject", "ListObjects"];

// Deletes are never faulted: a copy that fails its check is deleted (README "Verification"); if that
// delete failed too, the bad copy would stay, which nothing could prevent.
const schedule = fc.record({ skip: fc.nat({ max: 3 }), count: fc.oneof(fc.constant(undefined), fc.integer({ min: 1, max: 4 })) });
const faultArb: fc.Arbitrary<FaultRule> = fc
  .tuple(
    fc.oneof(
      fc.record({ kind: fc.constant("status" as const), status: fc.constantFrom<500 | 503>(500, 503), operation: fc.constantFrom(...WRITES, ...READS) }),
      fc.record({ kind: fc.constant("throttle" as const), operation: fc.constantFrom(...WRITES, ...READS) }),
      fc.record({ kind: fc.constant("reset" as const), operation: fc.constantFrom<OperationName>("PutObject", "UploadPart", "GetObject") }),
      fc.record({ kind: fc.constant("truncate" as const), operation: fc.constant<OperationName>("GetObject") }),
      fc.record({ kind: fc.constant("flip-byte" as const), operation: fc.constantFrom<OperationName>("PutObject", "UploadPart", "GetObject") }),
      fc.record({ kind: fc.constant("wrong-crc64" as const), operation: fc.constantFrom<OperationName>("PutObject", "UploadPart", "GetObject", "CompleteMultipartUpload") }),
      fc.record({ kind: fc.constant("error-200" as const), operation: fc.constantFrom<OperationName>("CompleteMultipartUpload", "CopyObject") }),
    ),
    schedule,
  )
  .map(([fault, when]) => ({ ...fault, skip: when.skip, ...(when.count === undefined ? {} : { count: when.count }) }) as FaultRule);

type Command = "sync" | "sync --delete" | "cp" | "mv";

const scenario = fc.record({
  sides: fc.constantFrom<[Kind, Kind]>(["fs", "cos"], ["memory", "cos"], ["cos", "cos"], ["cos", "fs"], ["cos", "memory"]),
  command: fc.constantFrom<Command>("sync", "sync --delete", "cp", "mv"),
  exclude: fc.boolean(),
  noServerSide: fc.boolean(),
  keys: universeArb,
  slots: slotsArb,
  faults: fc.array(faultArb, { minLength: 1, maxLength: 3 }),
});

/** See sync-property.spec.ts `settle`: keeps local files' coarse timestamps apart from the other clocks. */
const settle = (src: Side, dst: Side): Promise<void> => (src.kind === "fs" || dst.kind === "fs" ? pause(15) : Promise.resolve());

/** Where a key's bytes may be after an interrupted transfer; a readable complaint for each that is elsewhere. */
function unsafe(before: { src: Tree; dst: Tree }, after: { src: Tree; dst: Tree }, opts: { move: boolean; del: boolean; exclude: boolean }): string[] {
  const bad: string[] = [];
  const copied = (k: string): boolean => before.src.has(k) && !excludedBy(opts.exclude, k);
  for (const [k, v] of after.dst) {
    const ok = (copied(k) && before.src.get(k)!.equals(v)) || before.dst.get(k)?.equals(v) === true;
    if (!ok) bad.push(`destination ${JSON.stringify(k)} holds ${v.length} bytes that are neither the source's nor what it held`);
  }
  // A failed copy may be deleted (and copied again by the next run); nothing else may go.
  for (const k of before.dst.keys()) if (!copied(k) && !after.dst.has(k)) bad.push(`destination ${JSON.stringify(k)} was deleted although a copy failed`);
  for (const [k, v] of after.src) if (!before.src.get(k)?.equals(v)) bad.push(`source ${JSON.stringify(k)} changed`);
  for (const [k, v] of before.src) {
    if (after.src.has(k)) continue;
    if (!opts.move || !copied(k)) bad.push(`source ${JSON.stringify(k)} was deleted`);
    else if (!after.dst.get(k)?.equals(v)) bad.push(`source ${JSON.stringify(k)} was moved but its copy is not in place`);
  }
  return bad;
}

type Scenario = typeof scenario extends fc.Arbitrary<infer T> ? T : never;

/** The rerun's line for an object whose recorded upload a failed run completed (README, "Resuming"): no failure. */
const NOT_SENT_AGAIN = /^stowage: (cp|mv|sync) \S+: its recorded upload (was completed by an earlier run|is gone), and the destination already holds the source's bytes \(size and CRC-64 checked\): not sent again$/;

/**
 * Counterexamples found by `pnpm run test:explore`, run first: a move cos -> fs whose download was
 * completed before the source's stat failed 3 times (500): the rerun says it was not sent again (seed 985720473).
 */
const FOUND: Array<[Scenario]> = [
  [
    {
      sides: ["cos", "fs"],
      command: "mv",
      exclude: false,
      noServerSide: false,
      keys: ["a"],
      slots: [
        { src: { size: 1048581, seed: 1 }, dst: { size: 65536, seed: 1 } },
        ...Array.from({ length: 10 }, () => ({ src: undefined, dst: undefined })),
        { src: { size: 1048581, seed: 1 }, dst: { size: 0, seed: 1 } },
      ],
      faults: [{ kind: "status", status: 500, operation: "HeadObject", skip: 0, count: 3 }],
    },
  ],
];

describe("tree transfers while the COS emulator injects faults (property)", () => {
  it("either succeed or fail with a typed exit code leaving no wrong bytes; the rerun completes", async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async (s) => {
        const [src, dst] = openSides(h, s.sides[0], s.sides[1], RETRIES);
        const move = s.command === "mv";
        const del = s.command === "sync --delete";
        const argv = [
          ...(s.command.startsWith("sync") ? ["sync", ...(del ? ["--delete"] : [])] : [s.command, "-r"]),
          ...(s.exclude ? ["--exclude", "*.tmp"] : []),
          ...(s.noServerSide ? ["--no-server-side"] : []),
          src.location,
          dst.location,
        ];
        try {
          const [srcTree, dstTree] = initialTrees(s.keys, s.slots);
          // The destination first: a source of the same size is then never older than it (default sync).
          await applyWrites(dst, dstTree);
          await settle(src, dst);
          await applyWrites(src, srcTree);
          await settle(src, dst);

          h.emulator.setFaults(s.faults);
          let faulted;
          try {
            faulted = await runCli(h, argv);
          } finally {
            h.emulator.setFaults([]);
          }
          const after = { src: await src.read(), dst: await dst.read() };
          const context = `exit ${faulted.code}: ${faulted.stderr.trim()}`;
          if (faulted.code === 0) {
            const want = expectSync(srcTree, dstTree, { delete: del, exclude: s.exclude });
            const wantSrc = move ? new Map([...srcTree].filter(([k]) => excludedBy(s.exclude, k))) : srcTree;
            expect([treeDiff(after.dst, want.dst), treeDiff(after.src, wantSrc)]).toEqual([undefined, undefined]);
          } else {
            // README "Exit codes": a StorageError's code maps to 2–15; 1 is Unexpected (not a StorageError).
            expect({ code: faulted.code, typed: faulted.code >= 2 && faulted.code <= 15, context }).toMatchObject({ typed: true });
            expect(faulted.stderr).toMatch(/stowage: [A-Za-z]+/);
            expect(unsafe({ src: srcTree, dst: dstTree }, after, { move, del, exclude: s.exclude })).toEqual([]);
          }

          // The faults gone, the same command finishes: resumes from the checkpoint, copies what is missing.
          await settle(src, dst);
          // After a move of everything the source may no longer exist (exit 3, nothing to do).
          const exists = await src.exists();
          const rerun = await runCli(h, argv);
          // A copy stored before the first run failed (its move's stat of the source, say) is said once, and not sent again.
          const said = rerun.stderr.split("\n").filter((line) => line !== "" && !NOT_SENT_AGAIN.test(line));
          expect({ code: rerun.code, said: exists ? said : [] }).toEqual({ code: exists ? 0 : 3, said: [] });
          const want = expectSync(srcTree, after.dst, { delete: del, exclude: s.exclude });
          await expectTree(dst, want.dst, `rerun after "${context}": destination`);
          await expectTree(src, move ? new Map([...srcTree].filter(([k]) => excludedBy(s.exclude, k))) : srcTree, `rerun after "${context}": source`);
        } finally {
          h.emulator.setFaults([]);
          await Promise.all([src.cleanup(), dst.cleanup()]);
        }
      }),
      { numRuns: 15, examples: FOUND },
    );
  }, 60_000);
});
