import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import type { RestoreOptions, Storager } from "@stowage/core";
import { registerArchivedRestoreCases, RESTORE_FIRST } from "./archived-restore.js";

/** The parts of a running emulator {@link runArchivedObjectSuite} uses (typed structurally). */
export interface ArchiveEmulator {
  readonly port: number;
  stats(): { byOperation: Record<string, number> };
  resetStats(): void;
  stop(): Promise<void>;
}

/** What {@link runArchivedObjectSuite} starts the emulator with: its clock, and the delay of a restore. */
export interface ArchiveEmulatorSettings {
  /** The emulator's clock (ms): the suite moves it on to see a restore done. */
  clock: () => number;
  /** Milliseconds of that clock from an accepted restore until the object reads. */
  restoreDelayMs: number;
}

/** Provider-specific values of {@link runArchivedObjectSuite}. */
export interface ArchivedObjectOptions {
  /** The provider's name, the first word of the describes' names ("cos"). */
  provider: string;
  /** Its archive classes (objects in them refuse reads and copies until restored). */
  archive: readonly string[];
  /** Classes whose objects read and copy as usual. */
  warm: readonly string[];
  /** Class names the service refuses (another service's, another spelling). */
  unknown: readonly string[];
  /** The class a copy onto itself asks for. */
  standard: string;
  /** What the message holds besides the restore hint (`InvalidObjectState`, with OSS's EC). */
  code: RegExp;
  /** A storager on a fresh work dir whose credentials come from a provider counting its calls in `state`. */
  provided(emulator: ArchiveEmulator, state: { calls: number }): Storager;
  /** A storager on a fresh work dir whose copies above `copyThreshold` bytes go part by part. */
  partCopying(emulator: ArchiveEmulator, copyThreshold: number): Storager;
  /** More cases for an unrestored object of `storageClass` (OSS: a read through a link). */
  more?: (s: Storager, storageClass: string, state: { calls: number }) => Promise<void>;
  /** Days or a tier an archive class does not take (the driver refuses them once a HEAD told it the class). */
  refusedByClass: ReadonlyArray<{ storageClass: string; options: RestoreOptions }>;
  /** A class the driver leaves to the service to judge (COS's intelligent tiering), if any. */
  undecided?: string;
}

const RESTORE_HINT = new RegExp(`archive storage class.*${RESTORE_FIRST.source}`);
/** The emulator's restore delay: less than the signatures' allowed clock skew, so moving the clock on by it refuses no request. */
const RESTORE_DELAY_MS = 60_000;
const settle = (p: Promise<unknown>): Promise<unknown> => p.then(() => undefined, (x: unknown) => x);

/**
 * Registers the cases of an object in an archive storage class not restored: the service answers
 * 403 InvalidObjectState to a read or a copy. That is the object's state (`Conflict`), not a refused
 * credential: no provider renewal, no re-send, and the message says to restore it first. Then the
 * restore itself (archived-restore.ts). `setup` starts the provider's emulator (in `beforeAll`) with
 * the settings given (a clock the suite moves on, a restore delay), which refuses such reads and
 * copies as the service does until the object is restored.
 * @throws nothing itself.
 */
export function runArchivedObjectSuite(setup: (settings: ArchiveEmulatorSettings) => Promise<ArchiveEmulator>, o: ArchivedObjectOptions): void {
  let emulator: ArchiveEmulator;
  let offset = 0;
  const clock = (): number => Date.now() + offset;
  beforeAll(async () => {
    emulator = await setup({ clock, restoreDelayMs: RESTORE_DELAY_MS });
  });
  afterAll(async () => {
    await emulator.stop();
  });
  const ops = (): Record<string, number> => emulator.stats().byOperation;

  describe.each([...o.archive])(`${o.provider}: an unrestored %s object`, (storageClass) => {
    it("read (whole or a range) is Conflict naming the restore, once, with no credential renewal; stat still works", async () => {
      const state = { calls: 0 };
      const s = o.provided(emulator, state);
      await s.write("frozen", "frozen bytes", { storageClass });
      expect(state.calls).toBe(1);
      emulator.resetStats();
      for (const options of [{}, { offset: 2, size: 4 }]) {
        const e = await settle(s.read("frozen", options));
        expect(e).toMatchObject({ code: "Conflict", statusCode: 403, retryable: false });
        expect((e as Error).message).toMatch(o.code);
        expect((e as Error).message).toMatch(RESTORE_HINT);
      }
      expect(ops()["GetObject"]).toBe(2);
      expect(state.calls).toBe(1);
      expect(await s.stat("frozen")).toMatchObject({ size: 12, storageClass });
      await o.more?.(s, storageClass, state);
    });

    it("copy and move (the source archived) are Conflict with the same message; nothing is written or deleted", async () => {
      const state = { calls: 0 };
      const s = o.provided(emulator, state);
      await s.write("src", "frozen bytes", { storageClass });
      emulator.resetStats();
      for (const call of [() => s.copy("src", "dst"), () => s.move("src", "moved"), () => s.copy("src", "src", { storageClass: o.standard })]) {
        const e = await settle(call());
        expect(e).toMatchObject({ code: "Conflict", statusCode: 403, retryable: false });
        expect((e as Error).message).toMatch(RESTORE_HINT);
      }
      expect(ops()["CopyObject"]).toBe(3);
      expect(state.calls).toBe(1);
      await expect(s.stat("dst")).rejects.toMatchObject({ code: "ObjectNotExist" });
      await expect(s.stat("moved")).rejects.toMatchObject({ code: "ObjectNotExist" });
      expect(await s.stat("src")).toMatchObject({ storageClass });
    });

    it("a multipart copy (one part copied by range) is Conflict too, and its upload is aborted", async () => {
      const s = o.partCopying(emulator, 1);
      await s.write("big", "frozen bytes", { storageClass });
      emulator.resetStats();
      const e = await settle(s.copy("big", "big-copy"));
      expect(e).toMatchObject({ code: "Conflict", statusCode: 403 });
      expect((e as Error).message).toMatch(RESTORE_HINT);
      expect([ops()["UploadPartCopy"], ops()["AbortMultipartUpload"], ops()["CompleteMultipartUpload"]]).toEqual([1, 1, undefined]);
      await expect(s.stat("big-copy")).rejects.toMatchObject({ code: "ObjectNotExist" });
    });
  });

  registerArchivedRestoreCases(() => emulator, (state) => o.provided(emulator, state), {
    provider: o.provider,
    archive: o.archive,
    warm: o.warm,
    standard: o.standard,
    refusedByClass: o.refusedByClass,
    ...(o.undecided === undefined ? {} : { undecided: o.undecided }),
    delayMs: RESTORE_DELAY_MS,
    // Each case's clock starts where the last one left it; objects (fresh paths, fresh work dirs) do not share restores.
    advance: (ms) => {
      offset += ms;
    },
    now: clock,
  });

  describe(`${o.provider}: other classes`, () => {
    it(`${o.warm.join(" and ")} objects read and copy as before`, async () => {
      const s = o.provided(emulator, { calls: 0 });
      for (const storageClass of o.warm) {
        await s.write(storageClass, "warm", { storageClass });
        expect((await s.read(storageClass)).toString()).toBe("warm");
        await s.copy(storageClass, `${storageClass}-copy`);
        expect(await s.stat(`${storageClass}-copy`)).toMatchObject({ storageClass });
      }
    });

    it("a class or spelling the service does not know is InvalidArgument (the emulator refuses it as the service would), nothing stored", async () => {
      const s = o.provided(emulator, { calls: 0 });
      for (const storageClass of o.unknown) {
        await expect(s.write("bogus", "x", { storageClass })).rejects.toMatchObject({ code: "InvalidArgument", statusCode: 400 });
        await expect(s.stat("bogus")).rejects.toMatchObject({ code: "ObjectNotExist" });
      }
    });
  });
}
