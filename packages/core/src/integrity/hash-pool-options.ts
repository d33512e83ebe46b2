import { availableParallelism } from "node:os";

/** Buffers shorter than this are hashed on the calling thread: a round trip to a worker costs more. */
export const HASH_INLINE_LIMIT = 1024 * 1024;

/** Options of `HashPool` (hash-pool.ts). */
export interface HashPoolOptions {
  /** Worker threads (0 hashes everything inline). Default: `STOWAGE_HASH_WORKERS`, else min(2, max(1, availableParallelism() − 1)) (see `defaultWorkers`). */
  workers?: number;
  /** Script the workers run (eval'd); for tests of the fallback. Default: hash-worker.ts. */
  source?: string;
  /** Below this many bytes, hash inline (default {@link HASH_INLINE_LIMIT}). */
  inlineLimit?: number;
  /** A worker is replaced once this many bytes of buffers it was handed have been let go by the caller (default {@link HASH_RECYCLE_BYTES}). */
  recycleBytes?: number;
  /** Idle workers stop after this many ms without a job (default {@link HASH_IDLE_MS}); the next job starts new ones. */
  idleMs?: number;
}

/**
 * A worker is replaced by a fresh one once this many bytes of the shared buffers it was handed
 * have been let go by the calling thread (collected there, seen through a FinalizationRegistry).
 * A worker keeps every buffer it was sent alive until its own garbage collector runs, which its
 * small heap almost never needs: without a bound, buffers the caller let go (part buffers of other
 * sizes, single-write copies, spares dropped) stayed in memory for the life of the worker (2 GiB
 * after 1,000 writes of 1–15 MiB). Buffers still in use (an upload's part buffers, spares, however
 * large) never count, so a steady upload never recycles its workers.
 */
export const HASH_RECYCLE_BYTES = 256 * 1024 * 1024;

/** Workers stop after this long without a job (after the spare buffers are let go, spare-buffers.ts), so idle memory is given back. */
export const HASH_IDLE_MS = 3000;

/** Counters of `HashPool.stats` (hash-pool.ts). */
export interface HashPoolStats {
  /** Jobs (one algorithm over one buffer) hashed on workers. */
  offloaded: number;
  /** MD5 jobs that joined a worker's lanes while other MD5s were running there. */
  md5Joined: number;
  /** The most MD5 jobs one worker held at once: in its lanes (four at most) or waiting there for one. */
  md5MostInLanes: number;
  /** Workers replaced after {@link HASH_RECYCLE_BYTES} of buffers let go. */
  recycled: number;
  /** Times idle workers were stopped. */
  idleStops: number;
}

/**
 * The default number of hashing workers: `STOWAGE_HASH_WORKERS` when it is a
 * whole number (at most 16), else one per core beyond the first, between one
 * and two: min(2, max(1, availableParallelism() − 1)). The calling thread
 * (reading, copying, sending) keeps a core; on two cores a second worker only
 * competes with it and with the network stack, and costs ~10 MiB of RSS (a 1 GiB
 * upload at concurrency 8: 195 MiB peak with one worker, 215 with two, the same
 * throughput; docs/benchmarks.md).
 *
 * @throws nothing.
 */
export function defaultWorkers(): number {
  const env = process.env["STOWAGE_HASH_WORKERS"];
  if (env !== undefined && /^\d+$/.test(env.trim())) return Math.min(16, Number(env.trim()));
  return Math.min(2, Math.max(1, availableParallelism() - 1));
}
