import fc from "fast-check";
import type { ListMode } from "@stowage/core";
import { CommitAppendCommand, CreateAppendCommand, SnapshotAppendCommand, WriteAppendCommand } from "./append-commands.js";
import { attributesArb, bodyArb, destinationArb, keyArb, keyRefArb, listDirArb, prefixArb, sourceRefArb, textArb, type KeyRef } from "./arbitraries.js";
import type { ModelCommand, RealStore } from "./model-command.js";
import type { StoreModel } from "./store-model.js";
import {
  AbortMultipartCommand,
  CompleteMultipartCommand,
  CreateMultipartCommand,
  ListMultipartCommand,
  WriteMultipartCommand,
  type PartIndex,
} from "./multipart-commands.js";
import { DeleteCommand, ReadCommand, StatCommand, WriteCommand, type PathForm, type ReadRange, type ReadVia } from "./object-commands.js";
import { CapabilityCommand, CreateDirCommand, RelocateCommand, type GatedOp } from "./relocate-commands.js";
import { ListCommand, ListPageCommand, type ListTarget } from "./list-commands.js";
import { ConditionalCommand, type EtagPick, type EtagSpelling } from "./conditional-commands.js";
import { DeleteManyCommand, type BadDeleteMany } from "./delete-many-commands.js";
import { LinkCommand } from "./link-commands.js";

/** How stat and delete name a path: as it is (most often), with a trailing `/`, or with `mode: "dir"`. */
const formArb: fc.Arbitrary<PathForm> = fc.constantFrom<PathForm>("plain", "plain", "slash", "dirMode");
/** A handle or upload number (taken modulo how many there are). */
const pickArb = fc.nat(7);
/** A read path: a key, now and then a directory path. */
const readPathArb = fc.oneof({ weight: 6, arbitrary: sourceRefArb }, { weight: 1, arbitrary: sourceRefArb.map((ref) => ({ ...ref, slash: true })) });
/** A part index: the next one, the last one again, or 0..2. */
const partIndexArb: fc.Arbitrary<PartIndex> = fc.oneof(
  { weight: 4, arbitrary: fc.constant("next" as const) },
  { weight: 1, arbitrary: fc.constant("last" as const) },
  { weight: 1, arbitrary: fc.nat(2) },
);
/** A prefix listing's `startAfter`: most often none. */
const startAfterArb: fc.Arbitrary<KeyRef | undefined> = fc.oneof({ weight: 2, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: sourceRefArb });
/** Where a listing starts: a directory (dir, part modes) or a raw prefix (prefix, part modes). */
const targetArb: fc.Arbitrary<ListTarget> = fc.oneof(listDirArb.map((dir) => ({ dir })), prefixArb.map((prefix) => ({ prefix })));
/** The key a condition is put on: an existing object's most often (the interesting answers need one), else any source key. */
const conditionRefArb: fc.Arbitrary<KeyRef> = fc.oneof({ weight: 3, arbitrary: fc.nat(63).map((n) => ({ existing: n - (n % 4) })) }, { weight: 1, arbitrary: sourceRefArb });
/** A read range (offsets and sizes past the end of short objects included), or none. */
const rangeArb: fc.Arbitrary<ReadRange | undefined> = fc.option(fc.record({ offset: fc.nat(30), size: fc.option(fc.nat(30), { nil: undefined }) }, { requiredKeys: ["offset"] }), { nil: undefined });

/** Every operation the model covers, weighted so that objects, directories, appends and uploads meet. */
const weighted: { weight: number; arbitrary: fc.Arbitrary<ModelCommand> }[] = [
  { weight: 7, arbitrary: fc.tuple(destinationArb, bodyArb, attributesArb, fc.boolean()).map(([p, b, a, m]) => new WriteCommand(p, b, a, m)) },
  { weight: 3, arbitrary: fc.tuple(readPathArb, rangeArb, fc.constantFrom<ReadVia>("read", "read", "stream", "concurrent")).map(([p, r, v]) => new ReadCommand(p, r, v)) },
  { weight: 2, arbitrary: fc.tuple(sourceRefArb, formArb).map(([k, f]) => new StatCommand(k, f)) },
  { weight: 3, arbitrary: fc.tuple(sourceRefArb, formArb).map(([k, f]) => new DeleteCommand(k, f)) },
  { weight: 2, arbitrary: fc.tuple(readPathArb, destinationArb).map(([s, d]) => new RelocateCommand("copy", s, d)) },
  { weight: 2, arbitrary: fc.tuple(sourceRefArb, destinationArb).map(([s, d]) => new RelocateCommand("move", s, d)) },
  { weight: 2, arbitrary: fc.tuple(keyRefArb, fc.boolean()).map(([k, s]) => new CreateDirCommand(k, s)) },
  {
    weight: 2,
    arbitrary: fc.oneof(
      listDirArb.map((dir) => new ListCommand({ dir }, "dir")),
      fc.tuple(prefixArb, startAfterArb).map(([prefix, after]) => new ListCommand({ prefix }, "prefix", after)),
    ),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom<ListMode>("dir", "prefix", "part"), fc.integer({ min: 1, max: 3 }), targetArb, startAfterArb)
      .map(([mode, limit, where, after]) => new ListPageCommand(mode === "dir" && "prefix" in where ? { dir: where.prefix.ref } : where, mode, limit, after)),
  },
  { weight: 3, arbitrary: fc.tuple(destinationArb, attributesArb).map(([p, a]) => new CreateAppendCommand(p, a)) },
  { weight: 4, arbitrary: fc.tuple(pickArb, textArb).map(([h, t]) => new WriteAppendCommand(h, t)) },
  { weight: 1, arbitrary: pickArb.map((h) => new SnapshotAppendCommand(h)) },
  { weight: 1, arbitrary: pickArb.map((h) => new CommitAppendCommand(h)) },
  { weight: 3, arbitrary: fc.tuple(destinationArb, attributesArb).map(([p, a]) => new CreateMultipartCommand(p, a)) },
  {
    weight: 4,
    arbitrary: fc
      .tuple(pickArb, partIndexArb, fc.string({ unit: "grapheme", minLength: 1, maxLength: 12 }), fc.integer({ min: 0, max: 19 }))
      .map(([u, i, t, full]) => new WriteMultipartCommand(u, i, t, full === 0)),
  },
  { weight: 3, arbitrary: fc.tuple(pickArb, fc.integer({ min: 0, max: 9 })).map(([u, none]) => new CompleteMultipartCommand(u, none === 0)) },
  { weight: 1, arbitrary: pickArb.map((u) => new ListMultipartCommand(u)) },
  { weight: 1, arbitrary: pickArb.map((u) => new AbortMultipartCommand(u)) },
  {
    weight: 2,
    arbitrary: fc
      .tuple(fc.array(sourceRefArb, { maxLength: 4 }), fc.oneof({ weight: 7, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.constantFrom<BadDeleteMany>("dotdot", "outside", "dirMode") }))
      .map(([refs, bad]) => new DeleteManyCommand(refs.length > 1 && refs.length % 2 === 0 ? [...refs.slice(1), refs[0]!] : refs, bad)),
  },
  {
    weight: 3,
    arbitrary: fc
      .tuple(
        fc.constantFrom<"stat" | "read" | "stream">("stat", "read", "read", "stream"),
        conditionRefArb,
        fc.constantFrom<"ifMatch" | "ifNoneMatch">("ifMatch", "ifNoneMatch"),
        fc.constantFrom<EtagPick>("current", "current", "stale", "stale", "garbage", "star", "list"),
        fc.constantFrom<EtagSpelling>("asIs", "asIs", "bare", "upper", "weak"),
        fc.nat(15),
        rangeArb,
      )
      .map(([op, ref, cond, pick, spelling, stale, range]) => new ConditionalCommand(op, ref, cond, pick, spelling, stale, range)),
  },
  { weight: 2, arbitrary: fc.tuple(fc.nat(3), conditionRefArb, fc.constantFrom<"read" | "stream">("read", "stream")).map(([n, t, v]) => new LinkCommand(n, t, v)) },
  {
    weight: 1,
    arbitrary: fc.tuple(fc.constantFrom<GatedOp>("fetch", "createLink", "presignRead", "presignWrite"), keyArb).map(([op, k]) => new CapabilityCommand(op, k)),
  },
];

/** The commands of one model run: up to `maxCommands` operations drawn from every operation the model covers. */
export function modelCommands(maxCommands: number): fc.Arbitrary<Iterable<fc.AsyncCommand<StoreModel, RealStore>>> {
  return fc.commands([fc.oneof(...weighted)], { maxCommands, size: "max" });
}
