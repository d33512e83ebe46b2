import type { CaseBody, CaseScope } from "../context.js";
import { expectError, expectIterationError, randomData } from "../fixtures.js";

/** The capabilities {@link refuseMissing} knows how core refuses. */
export type Refusable = "createLink" | "createDir" | "readRange" | "copy" | "move" | "listPrefix" | "listDir";

/** How core refuses each capability when its flag is off: `CapabilityInsufficient`, nothing stored. */
const REFUSALS: Record<Refusable, (t: CaseScope) => Promise<unknown>> = {
  createLink: (t) => expectError(() => t.store.createLink(t.key(), t.key()), "CapabilityInsufficient"),
  createDir: (t) => expectError(() => t.store.createDir(t.key()), "CapabilityInsufficient"),
  // A range (an offset past 0, or any size) is a capability of the read, not an option of its own.
  readRange: async (t) => {
    const path = t.key();
    await t.store.write(path, randomData(8));
    await expectError(() => t.store.read(path, { offset: 1, size: 2 }), "CapabilityInsufficient");
  },
  copy: (t) => expectError(() => t.store.copy(t.key(), t.key()), "CapabilityInsufficient"),
  move: (t) => expectError(() => t.store.move(t.key(), t.key()), "CapabilityInsufficient"),
  listPrefix: (t) => expectIterationError(() => t.store.list(t.dir(), { mode: "prefix" }), "CapabilityInsufficient"),
  listDir: (t) => expectIterationError(() => t.store.list(t.dir(), { mode: "dir" }), "CapabilityInsufficient"),
};

/**
 * The `unsupported` body of a case that needs every flag in `flags`: each one the storage lacks is
 * refused as core refuses it. At least one is (the suite runs this body only then).
 */
export function refuseMissing(...flags: Refusable[]): CaseBody {
  return async (t) => {
    const missing = flags.filter((flag) => !t.store.features[flag]);
    if (missing.length === 0) throw new Error(`refuseMissing(${flags.join(", ")}): the storage has every one of them`);
    for (const flag of missing) await REFUSALS[flag](t);
  };
}
