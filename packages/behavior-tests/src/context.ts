import { it } from "@jest/globals";
import type { StorageFeatures, Storager } from "@stowage/core";
import { uniqueName } from "./fixtures.js";

/** Options of {@link runBehaviorSuite}. */
export interface SuiteOptions {
  /** Runs once after every case (e.g. to remove the run's work_dir on a real bucket). */
  cleanup?: (s: Storager) => Promise<void>;
  /**
   * Size of the "large" writes (default 1.5 MiB). Must exceed the `multipart_threshold`
   * the storager was opened with, so that those writes go multipart.
   */
  largeSize?: number;
}

/** A boolean flag of {@link StorageFeatures}. */
export type Flag = { [K in keyof StorageFeatures]: StorageFeatures[K] extends boolean ? K : never }[keyof StorageFeatures];

/** The body of one case. */
export type CaseBody = (t: CaseScope) => Promise<void>;

/**
 * What one case gets: the storager, fresh unique paths, and cleanup that runs
 * whatever happens (a cleanup failure fails the case, like go-storage's `t.Error`).
 */
export class CaseScope {
  private readonly cleanups: Array<() => Promise<void>> = [];

  constructor(readonly store: Storager) {}

  /** A fresh relative key (`<prefix><uuid><suffix>`), deleted after the case. */
  key(prefix = "", suffix = ""): string {
    const key = `${prefix}${uniqueName()}${suffix}`;
    this.track(key);
    return key;
  }

  /** A fresh relative directory (`<uuid>/`) for a case that lists; nothing is deleted for it. */
  dir(): string {
    return `${uniqueName()}/`;
  }

  /** Deletes `path` after the case (delete is idempotent, so untouched paths are fine). */
  track(path: string): void {
    this.defer(() => this.store.delete(path));
  }

  /** Runs `fn` after the case, in reverse registration order. */
  defer(fn: () => Promise<unknown>): void {
    this.cleanups.push(async () => {
      await fn();
    });
  }

  /** Runs every cleanup; throws the first failure after trying them all. */
  async cleanup(): Promise<void> {
    const failures: unknown[] = [];
    for (const fn of this.cleanups.reverse()) {
      try {
        await fn();
      } catch (e) {
        failures.push(e);
      }
    }
    this.cleanups.length = 0;
    if (failures.length > 0) {
      const first = failures[0];
      throw new Error(`cleanup failed (${failures.length}): ${first instanceof Error ? first.message : String(first)}`);
    }
  }
}

/** The suite as the case files see it. */
export class Suite {
  private opened: Storager | undefined;

  constructor(
    readonly name: string,
    readonly options: SuiteOptions,
  ) {}

  /** The storager under test (available inside cases). */
  get store(): Storager {
    if (this.opened === undefined) throw new Error(`${this.name}: the storager is not open (open() failed?)`);
    return this.opened;
  }

  /** Set by runBehaviorSuite's beforeAll. */
  set store(s: Storager) {
    this.opened = s;
  }

  /** Bytes of the writes that must go multipart. */
  get largeSize(): number {
    return this.options.largeSize ?? 1536 * 1024;
  }

  /** Registers one case, named `<op>: <case>`, with its own scope and cleanup. */
  test(name: string, body: CaseBody): void {
    it(name, async () => {
      const scope = new CaseScope(this.store);
      let failed = false;
      try {
        await body(scope);
      } catch (e) {
        failed = true;
        throw e;
      } finally {
        // A cleanup failure must not hide the case's own failure.
        if (failed) await scope.cleanup().catch(() => undefined);
        else await scope.cleanup();
      }
    });
  }

  /**
   * Registers a case that needs every flag in `flags`. When one is off the case
   * still runs, as `unsupported`, which asserts the documented refusal
   * (`CapabilityInsufficient` or `PairUnsupported`) instead of skipping silently.
   */
  gated(name: string, flags: readonly Flag[], body: CaseBody, unsupported: CaseBody): void {
    this.test(name, async (t) => {
      const missing = flags.filter((f) => !t.store.features[f]);
      if (missing.length === 0) await body(t);
      else await unsupported(t);
    });
  }
}
