import { readFileSync } from "node:fs";

// The default numbers of objects in flight, fitted to the process's open-files limit. Each object
// in flight holds a few file descriptors (between two local directories: the source file, the
// destination's directory and its temp file; to a cloud: a connection and the source file), a large
// one a few per part in flight; 64 small objects and 8 large ones need about 300, over a limit of 256
// or lower, where opens then fail with "too many open files" (EMFILE). Node raises the soft limit to
// the hard one as it starts, so such a limit is a low hard limit (a container's, `ulimit -n` in bash).
// Where the limit can be read (Linux: /proc/self/limits), the defaults are lowered to fit it. Flags
// given win.

/** Descriptors kept for the process itself (Node's own, stdio, the checkpoint, listings). */
const RESERVED = 32;
/** Descriptors one small object in flight may hold. */
const PER_SMALL = 4;
/** Descriptors one large object in flight may hold, besides two per part in flight. */
const PER_LARGE = 2;

/**
 * The (soft) limit on open files of this process as Node left it (raised to the hard one), from
 * `/proc/self/limits` (Linux); undefined where
 * it cannot be read or is unlimited.
 * @throws nothing
 */
export function openFilesLimit(read: () => string = () => readFileSync("/proc/self/limits", "utf8")): number | undefined {
  try {
    const line = read()
      .split("\n")
      .find((l) => l.startsWith("Max open files"));
    const soft = line?.slice("Max open files".length).trim().split(/\s+/)[0];
    return soft !== undefined && /^\d+$/.test(soft) ? Number(soft) : undefined;
  } catch {
    return undefined;
  }
}

/** The default small and large concurrency. */
export interface FittedConcurrency {
  small: number;
  large: number;
}

/**
 * `small` and `large` (objects in flight, `partConcurrency` parts each for a large one), lowered in
 * proportion, each to at least 1, when they would need more descriptors than `limit` leaves; as they
 * are where `limit` is undefined or leaves room.
 * @throws nothing
 */
export function fitConcurrency(limit: number | undefined, small: number, large: number, partConcurrency: number): FittedConcurrency {
  if (limit === undefined) return { small, large };
  const room = Math.max(limit - RESERVED, 0);
  const need = small * PER_SMALL + large * (PER_LARGE + 2 * partConcurrency);
  if (need <= room) return { small, large };
  const share = room / need;
  return { small: Math.max(1, Math.floor(small * share)), large: Math.max(1, Math.floor(large * share)) };
}

let limit: { value: number | undefined } | undefined;

/**
 * The CLI's default `--small-concurrency` and `--large-concurrency` for this process:
 * {@link fitConcurrency} of its open-files limit (read once).
 * @throws nothing
 */
export function defaultConcurrency(small: number, large: number, partConcurrency: number): FittedConcurrency {
  limit ??= { value: openFilesLimit() };
  return fitConcurrency(limit.value, small, large, partConcurrency);
}
