import { availableParallelism } from "node:os";

/** Buffers shorter than this are hashed on the calling thread: a round trip to a worker costs more. */
export const HASH_INLINE_LIMIT = 1024 * 1024;

/** Options of `HashPool` (hash-pool.ts). */
export interface HashPoolOptions {
  /** Worker threads (0 hashes everything inline). Default: `STOWAGE_HASH_WORKERS`, else min(2, availableParallelism()). */
  workers?: number;
  /** Script the workers run (eval'd); for tests of the fallback. Default: hash-worker.ts. */
  source?: string;
  /** Below this many bytes, hash inline (default {@link HASH_INLINE_LIMIT}). */
  inlineLimit?: number;
}

/** Counters of `HashPool.stats` (hash-pool.ts). */
export interface HashPoolStats {
  /** Jobs (one algorithm over one buffer) hashed on workers. */
  offloaded: number;
  /** MD5 jobs that joined a worker's lanes while other MD5s were running there. */
  md5Joined: number;
  /** The most MD5 jobs one worker had in its lanes at once. */
  md5MostInLanes: number;
}

/**
 * The default number of hashing workers: `STOWAGE_HASH_WORKERS` when it is a
 * whole number (at most 16), else min(2, availableParallelism()).
 *
 * @throws nothing.
 */
export function defaultWorkers(): number {
  const env = process.env["STOWAGE_HASH_WORKERS"];
  if (env !== undefined && /^\d+$/.test(env.trim())) return Math.min(16, Number(env.trim()));
  return Math.min(2, availableParallelism());
}
