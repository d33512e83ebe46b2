import { expect } from "@jest/globals";
import type { CaseScope, Suite } from "../context.js";
import { expectError, expectSameBytes, randomData } from "../fixtures.js";

/** Where `restore` is no feature (memory, fs, QingStor): every call is CapabilityInsufficient, bad options too. */
async function refuse(t: CaseScope): Promise<void> {
  const path = t.key();
  await t.store.write(path, randomData(8));
  for (const options of [{}, { days: 2, tier: "Bulk" as const }, { days: 0 }, { tier: "Fast" as never }]) {
    await expectError(() => t.store.restore(path, options), "CapabilityInsufficient");
  }
  await expectError(() => t.store.restore(t.key("missing-")), "CapabilityInsufficient");
  expect(t.store.features.restore).toBe(false);
}

/**
 * `restore` where objects are written in the storage's default class (no archive class is asked
 * for here: the provider suites of archived objects do that): a readable object has nothing to
 * restore, a missing one is ObjectNotExist, bad options are InvalidArgument, and nothing changes.
 */
export function registerRestoreCases(suite: Suite): void {
  suite.gated(
    "restore: an object in a readable class is ObjectModeInvalid and stays as it was; a missing one is ObjectNotExist",
    ["restore"],
    async (t) => {
      const path = t.key();
      const data = randomData(32);
      await t.store.write(path, data);
      const e = await expectError(() => t.store.restore(path), "ObjectModeInvalid");
      expect(e.message).toMatch(/no archive class.*nothing to restore/);
      expectSameBytes(await t.store.read(path), data);
      expect((await t.store.stat(path)).restore).toBeUndefined();
      await expectError(() => t.store.restore(t.key("missing-"), { days: 1 }), "ObjectNotExist");
    },
    refuse,
  );

  suite.gated(
    "restore: days that are no whole number of at least 1, a tier not Expedited, Standard or Bulk, a directory path: InvalidArgument",
    ["restore"],
    async (t) => {
      const path = t.key();
      for (const days of [0, -1, 1.5, Number.NaN, "2" as never]) await expectError(() => t.store.restore(path, { days }), "InvalidArgument");
      for (const tier of ["Fast", "standard", ""] as never[]) await expectError(() => t.store.restore(path, { tier }), "InvalidArgument");
      const maximum = t.store.features.limits.restoreDaysMaximum;
      if (maximum !== undefined) await expectError(() => t.store.restore(path, { days: maximum + 1 }), "InvalidArgument");
      await expectError(() => t.store.restore(`${path}/`), "InvalidArgument");
    },
    refuse,
  );
}
