import { describe, expect, it } from "@jest/globals";
import type { RestoreOptions, Storager } from "@stowage/core";
import { expectError } from "./fixtures.js";

/** The parts of a running emulator the restore cases use (typed structurally). */
export interface RestoreEmulator {
  stats(): { byOperation: Record<string, number> };
  resetStats(): void;
}

/** Provider-specific values of the restore cases of {@link runArchivedObjectSuite}. */
export interface ArchivedRestoreOptions {
  /** The provider's name, the first word of the describes' names ("cos"). */
  provider: string;
  /** Its archive classes. */
  archive: readonly string[];
  /** Classes whose objects read as they are (nothing to restore: `ObjectModeInvalid`, no restore request sent unless `undecided`). */
  warm: readonly string[];
  /** The provider's standard class. */
  standard: string;
  /** Days or a tier an archive class does not take: `InvalidArgument` once the HEAD told the class, no restore request sent. */
  refusedByClass: ReadonlyArray<{ storageClass: string; options: RestoreOptions }>;
  /**
   * A class the driver does not judge itself (COS's intelligent tiering): the restore request is sent
   * and the service's refusal of an object in no archive class comes back as `ObjectModeInvalid`.
   */
  undecided?: string;
  /** The restore delay the emulator was started with (ms of its clock). */
  delayMs: number;
  /** Moves the emulator's clock on by `ms`. */
  advance(ms: number): void;
  /** The emulator's clock (ms). */
  now(): number;
}

const DAY = 24 * 3600 * 1000;

/** The new message of a read refused for an archived object: restore it first, with Stowage. */
export const RESTORE_FIRST = /must be restored before it can be read or copied.*restore it first \(Storager restore\(\), or stowage restore\)/;

/**
 * Registers the restore cases of an archived-object suite: unrestored read refused, restore
 * accepted (202), stat `ongoing`, a second restore `Conflict`, after the emulator's delay the
 * right bytes and `expiresAt`, a restore of a restored object extending it; objects with nothing
 * to restore, days and tiers a class does not take, bad options refused before any request.
 * @throws nothing itself.
 */
export function registerArchivedRestoreCases(emulator: () => RestoreEmulator, provided: (state: { calls: number }) => Storager, o: ArchivedRestoreOptions): void {
  const ops = (): Record<string, number> => emulator().stats().byOperation;

  describe.each([...o.archive])(`${o.provider}: restore, class %s`, (storageClass) => {
    it("read refused, restore accepted, stat ongoing, a second restore Conflict; after the delay the bytes and the expiry; a restore then extends it", async () => {
      const state = { calls: 0 };
      const s = provided(state);
      await s.write("frozen", "frozen bytes", { storageClass });
      expect((await expectError(() => s.read("frozen"), "Conflict")).message).toMatch(RESTORE_FIRST);
      emulator().resetStats();
      const before = o.now();
      expect(await s.restore("frozen", { days: 2 })).toEqual({ alreadyRestored: false });
      const after = o.now();
      expect([ops()["HeadObject"], ops()["RestoreObject"]]).toEqual([1, 1]);
      expect(await s.stat("frozen")).toMatchObject({ storageClass, restore: { ongoing: true } });
      expect((await s.stat("frozen")).restore?.expiresAt).toBeUndefined();
      expect((await expectError(() => s.read("frozen"), "Conflict")).message).toMatch(RESTORE_FIRST);
      const twice = await expectError(() => s.restore("frozen", { days: 2 }), "Conflict");
      expect([twice.statusCode, twice.retryable]).toEqual([409, false]);
      expect(twice.message).toMatch(/RestoreAlreadyInProgress.*a restore of the object is under way already/);
      o.advance(o.delayMs + 1000);
      const done = await s.stat("frozen");
      expect(done.restore?.ongoing).toBe(false);
      // HTTP dates have whole seconds.
      const expiresAt = done.restore?.expiresAt?.getTime() ?? 0;
      expect(expiresAt).toBeGreaterThanOrEqual(before + o.delayMs + 2 * DAY - 1000);
      expect(expiresAt).toBeLessThanOrEqual(after + o.delayMs + 2 * DAY);
      expect((await s.read("frozen")).toString()).toBe("frozen bytes");
      expect((await s.read("frozen", { offset: 7, size: 5 })).toString()).toBe("bytes");
      // A copy keeps the source's class: archived again, and not restored; in the standard class it reads.
      await s.copy("frozen", "copied");
      expect(await s.stat("copied")).toMatchObject({ storageClass });
      expect((await s.stat("copied")).restore).toBeUndefined();
      await expectError(() => s.read("copied"), "Conflict");
      await s.copy("frozen", "thawed", { storageClass: o.standard });
      expect((await s.read("thawed")).toString()).toBe("frozen bytes");
      expect(await s.restore("frozen", { days: 3 })).toEqual({ alreadyRestored: true });
      expect((await s.stat("frozen")).restore?.expiresAt?.getTime()).toBeGreaterThan(expiresAt);
      expect(state.calls).toBe(1);
    });
  });

  describe(`${o.provider}: restore refusals`, () => {
    const judged = [...new Set([o.standard, ...o.warm.filter((c) => c !== o.undecided)])];
    it(`an object of class ${judged.join(" or ")} has nothing to restore: ObjectModeInvalid after the HEAD, no restore request`, async () => {
      const s = provided({ calls: 0 });
      for (const storageClass of judged) {
        await s.write(storageClass, "warm", { storageClass });
        emulator().resetStats();
        const e = await expectError(() => s.restore(storageClass), "ObjectModeInvalid");
        expect(e.message).toMatch(new RegExp(`is ${storageClass}, no archive class .*nothing to restore; nothing sent`));
        expect([ops()["HeadObject"], ops()["RestoreObject"]]).toEqual([1, undefined]);
        expect((await s.stat(storageClass)).restore).toBeUndefined();
      }
    });

    it("days or a tier the object's class does not take: InvalidArgument after the HEAD, no restore request, no restore state", async () => {
      const s = provided({ calls: 0 });
      for (const { storageClass, options } of o.refusedByClass) {
        const path = `refused-${storageClass}`;
        await s.write(path, "frozen", { storageClass });
        emulator().resetStats();
        const e = await expectError(() => s.restore(path, options), "InvalidArgument");
        expect(e.message).toMatch(new RegExp(`${storageClass}.*nothing sent`));
        expect([ops()["HeadObject"], ops()["RestoreObject"]]).toEqual([1, undefined]);
        expect((await s.stat(path)).restore).toBeUndefined();
      }
    });

    it("bad days or tier, a directory path: InvalidArgument before any request; a missing object ObjectNotExist", async () => {
      const s = provided({ calls: 0 });
      await s.write("bad", "frozen", { storageClass: o.archive[0]! });
      emulator().resetStats();
      const bad: RestoreOptions[] = [{ days: 0 }, { days: -3 }, { days: 1.5 }, { days: "2" as never }, { tier: "Fast" as never }, { tier: "bulk" as never }];
      const maximum = s.features.limits.restoreDaysMaximum;
      if (maximum !== undefined) bad.push({ days: maximum + 1 });
      for (const options of bad) await expectError(() => s.restore("bad", options), "InvalidArgument");
      await expectError(() => s.restore("bad/"), "InvalidArgument");
      expect(ops()).toEqual({});
      await expectError(() => s.restore("missing"), "ObjectNotExist");
      expect((await s.stat("bad")).restore).toBeUndefined();
    });

    if (o.undecided !== undefined) {
      const undecided = o.undecided;
      it(`an object of class ${undecided} (the driver leaves it to the service): the service's refusal is ObjectModeInvalid`, async () => {
        const s = provided({ calls: 0 });
        await s.write("undecided", "warm", { storageClass: undecided });
        emulator().resetStats();
        const e = await expectError(() => s.restore("undecided"), "ObjectModeInvalid");
        expect(e.message).toMatch(/restores .* only: this one reads as it is/);
        expect([ops()["HeadObject"], ops()["RestoreObject"]]).toEqual([1, 1]);
        expect((await s.read("undecided")).toString()).toBe("warm");
      });
    }
  });
}
