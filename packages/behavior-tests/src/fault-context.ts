import { isStorageError, newStorager, type Storager } from "@stowage/core";
import { collect, uniqueName } from "./fixtures.js";

/**
 * The parts of a running emulator (`@stowage/emulator`'s `Emulator`) the fault
 * suite uses, typed structurally so behavior-tests need not depend on the emulator.
 */
export interface FaultEmulator {
  /** Replaces every fault rule (`FaultRule` objects; an empty list clears them). */
  setFaults(rules: readonly object[]): void;
  /** The fault rules in order, with how often each fired. */
  faults(): ReadonlyArray<{ readonly fired: number }>;
  /** Request counters. */
  stats(): { readonly byOperation: Readonly<Record<string, number>> };
  /** Zeroes the counters. */
  resetStats(): void;
  /** A connection string for `bucket` on the emulator. */
  connectionString(bucket: string, workDir?: string): string;
  /** Stops the emulator. */
  stop(): Promise<void>;
}

/** What the setup of {@link runFaultSuite} returns. */
export interface FaultTarget {
  /** The running emulator of the provider. */
  emulator: FaultEmulator;
  /** The bucket `store` lives in (clock-skew cases open their own storager there). */
  bucket: string;
  /**
   * A storager on a fresh work_dir of `bucket`, opened with `max_retries=3`, a
   * 1 ms retry base delay, `concurrency=2` and small multipart thresholds.
   */
  store: Storager;
}

/** Options of {@link runFaultSuite}. */
export interface FaultSuiteOptions {
  /** How the provider checks bodies: CRC64 headers (COS, OSS) or MD5 ETags (QingStor). */
  checksum: "crc64" | "md5";
  /** How the provider calls throttling, for case names (default "throttling"). */
  throttleName?: string;
  /** Size and part count of the multipart write that must survive faults. */
  multipart: { size: number; parts: number };
  /** A size written as a multipart upload of at least two parts (for the broken-part cases). */
  twoPartSize: number;
  /** Pairs appended to the connection string of the clock-skew storagers (e.g. `&signature_version=v1`). */
  skewPairs?: string;
}

/** The state the fault cases share: the target (set in `beforeAll`) and the options. */
export class FaultContext {
  target: FaultTarget | undefined;

  constructor(readonly options: FaultSuiteOptions) {}

  private get t(): FaultTarget {
    if (this.target === undefined) throw new Error("the fault suite's setup did not run");
    return this.target;
  }

  get store(): Storager {
    return this.t.store;
  }

  get emulator(): FaultEmulator {
    return this.t.emulator;
  }

  /** Replaces the emulator's fault rules. */
  faults(...rules: object[]): void {
    this.t.emulator.setFaults(rules);
  }

  /** How often each current rule fired, in order. */
  fired(): number[] {
    return this.t.emulator.faults().map((f) => f.fired);
  }

  /** A storager on a fresh work_dir of the bucket with `pairs` appended (no tuning). */
  open(pairs: string): Storager {
    const t = this.t;
    return newStorager(`${t.emulator.connectionString(t.bucket, `/${uniqueName()}/`)}${pairs}`);
  }

  /** The error code `p` rejects with, `"no error"`, or a marker for a non-StorageError. */
  async code(p: Promise<unknown>): Promise<string> {
    try {
      await p;
    } catch (e) {
      return isStorageError(e) ? e.code : `not a StorageError: ${String(e)}`;
    }
    return "no error";
  }

  /** Whether `path` exists (stat succeeds). */
  async exists(path: string): Promise<boolean> {
    return (await this.code(this.store.stat(path))) === "no error";
  }

  /** Paths of in-progress multipart uploads under `prefix`. */
  async uploadsUnder(prefix: string): Promise<string[]> {
    return (await collect(this.store.list(prefix, { mode: "part" }))).map((u) => u.path);
  }
}
