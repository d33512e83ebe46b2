import { Worker } from "node:worker_threads";
import { CRC64_WASM_BASE64 } from "./crc64-wasm-bytes.js";
import type { HashWorkerData } from "./hash-worker.js";
import type { HashAlgorithm } from "./inline-hash.js";
import { MD5_LANES_WASM_BASE64 } from "./md5-lanes-wasm-bytes.js";

/** At most this many MD5 jobs are in flight on one worker with SIMD lanes (the lanes of md5-lanes.ts). */
export const MD5_LANES = 8;

/**
 * MD5s a worker runs in its lanes at once (one SIMD vector; hash-worker.ts `LANE_CAP`, which the
 * worker's self-contained source cannot import): a pool with another worker free sends a fifth there.
 */
export const MD5_LANES_AT_ONCE = 4;

/**
 * V8 heap limits of a hashing worker. Its bytes live in shared memory and in its WebAssembly
 * memories, outside the heap; the heap holds only messages and digests. Small limits keep its
 * young generation from growing: two workers add ~25 MiB to the process's RSS with them against
 * ~31 MiB without. A worker that ran out of heap would exit and its jobs be hashed inline.
 */
const WORKER_HEAP_LIMITS = { maxYoungGenerationSizeMb: 1, maxOldGenerationSizeMb: 8 } as const;

/** One algorithm over one buffer, waiting for (or held by) a worker; `resolve` takes the worker's answer. */
export interface HashJob {
  id: number;
  algorithm: HashAlgorithm;
  data: Buffer;
  resolve(value: string): void;
}

/** One hashing worker of a pool and the jobs it holds. */
export interface HashSlot {
  worker: Worker;
  ready: boolean;
  /** Whether this worker hashes MD5s in SIMD lanes, several at once, rather than one by one. */
  md5Lanes: boolean;
  /** The jobs the worker holds, by id: one, or up to {@link MD5_LANES_AT_ONCE} MD5 jobs for its lanes (a pool's only worker: up to {@link MD5_LANES}, the rest waiting for a lane, plus CRC jobs, which it is handed at once). */
  jobs: Map<number, HashJob>;
  /** Shared buffers handed to the worker so far (it may keep each alive until it collects garbage). */
  seen: WeakSet<SharedArrayBuffer>;
  /** Bytes of those the calling thread has since let go (collected there): what only the worker still holds. */
  deadBytes: number;
  /** Takes no new jobs: stopped, and replaced, once its jobs are done. */
  retiring: boolean;
}

/**
 * Starts a hashing worker running `source` (eval'd; hash-worker.ts's script by
 * default), with small heap limits and the WebAssembly modules it loads.
 *
 * @throws whatever `new Worker` throws when the thread cannot start (not a StorageError:
 *   the pool catches it and hashes inline).
 */
export function spawnHashWorker(source: string): Worker {
  return new Worker(source, {
    eval: true,
    resourceLimits: WORKER_HEAP_LIMITS,
    workerData: { wasm: CRC64_WASM_BASE64, md5Lanes: MD5_LANES_WASM_BASE64 } satisfies HashWorkerData,
  });
}

/**
 * MD5 jobs a worker holds (in its lanes, or waiting to join them).
 *
 * @throws nothing.
 */
export function md5Jobs(slot: HashSlot): number {
  let n = 0;
  for (const job of slot.jobs.values()) if (job.algorithm === "md5") n++;
  return n;
}
