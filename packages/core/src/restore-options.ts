import type { CallOptions } from "./options.js";

/**
 * How fast an archived object is restored, and at what price: `Expedited` (minutes), `Standard`
 * (hours; the default), `Bulk` (the slowest and cheapest). Which a class takes is the service's
 * (COS: DEEP_ARCHIVE no `Expedited`; OSS: Archive none, DeepColdArchive no `Bulk`).
 */
export type RestoreTier = "Expedited" | "Standard" | "Bulk";

/** Options of `restore`. */
export interface RestoreOptions extends CallOptions {
  /**
   * Days the restored copy stays readable (a whole number, default 1; at most
   * `features.limits.restoreDaysMaximum`, and what the object's class allows). Restoring an object
   * already restored sets its expiry this many days on, as the service counts them.
   */
  days?: number | undefined;
  /** Restore speed (default: the service's, `Standard`). */
  tier?: RestoreTier | undefined;
}
