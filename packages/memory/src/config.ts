import type { PairSet } from "@stowage/core";

/** The connection-string scheme: `memory://[name]/[work_dir]`. */
export const MEMORY_TYPE = "memory";

/** The npm package that registers {@link MEMORY_TYPE}. */
export const MEMORY_PACKAGE = "@stowage/memory";

/** One-line description shown in registries and docs. */
export const MEMORY_DESCRIPTION =
  "In-process storage with every capability: named stores are shared within the process, an unnamed one is private.";

/** The memory driver has no pairs of its own; the global ones (work_dir, name...) come from core. */
export const memoryPairs = Object.freeze({}) satisfies PairSet;

/** Global open pairs memory has no use for, refused at open with `PairUnsupported` (dropped with `enable_loose_pair`). */
export const MEMORY_UNUSED_PAIRS: readonly string[] = Object.freeze(["credential", "endpoint", "location"]);
