import type { StorageLimits } from "../features.js";

/** `5368709120 (5 GiB)`: a byte count, with its binary unit where it is a whole number of one. */
function bytesText(n: number): string {
  for (const [unit, size] of [["GiB", 1024 ** 3], ["MiB", 1024 ** 2], ["KiB", 1024]] as const) {
    if (n >= size && n % size === 0) return `${n} (${n / size} ${unit})`;
  }
  return String(n);
}

/**
 * What is wrong with an open-time `part_size` (the write default under `partSize` in `defaults`)
 * for a storage with `limits`: above the service's largest part, it would fail every write that
 * goes in parts, so the storage refuses to open. `undefined` when it is fine, or not given.
 * Worded for the pair validator's message (`invalid value for pair "part_size": ...`).
 * @throws nothing.
 */
export function openPartSizeProblem(defaults: Readonly<Record<string, unknown>>, limits: Readonly<StorageLimits>, service: string): string | undefined {
  const partSize = defaults["partSize"];
  const max = limits.multipartSizeMaximum;
  if (typeof partSize !== "number" || max === undefined || partSize <= max) return undefined;
  return `must be at most ${bytesText(max)}, the largest part ${service} takes (a write that goes in parts would fail)`;
}
