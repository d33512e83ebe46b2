import { availableParallelism } from "node:os";
import { isSharedArrayBuffer } from "node:util/types";
import { Worker } from "node:worker_threads";
import { crc64 } from "./crc64.js";
import { CRC64_WASM_BASE64 } from "./crc64-wasm-bytes.js";
import { HASH_WORKER_SOURCE, type HashJobMessage, type HashReadyMessage, type HashResultMessage, type HashWorkerData } from "./hash-worker.js";
import { MD5_LANES_WASM_BASE64 } from "./md5-lanes-wasm-bytes.js";
import { md5Base64 } from "./md5.js";

/** Buffers shorter than this are hashed on the calling thread: a round trip to a worker costs more. */
export const HASH_INLINE_LIMIT = 1024 * 1024;

/** At most this many MD5 jobs are in flight on one worker with SIMD lanes (the lanes of md5-lanes.ts). */
export const MD5_LANES = 8;

/** What {@link HashPool.hash} computed. */
export interface PartHashes {
  /** CRC-64/XZ of the bytes. */
  crc64: bigint;
  /** Base64 MD5 of the bytes, when asked for. */
  md5?: string;
}

/** Options of {@link HashPool}. */
export interface HashPoolOptions {
  /** Worker threads (0 hashes everything inline). Default: `STOWAGE_HASH_WORKERS`, else min(2, availableParallelism()). */
  workers?: number;
  /** Script the workers run (eval'd); for tests of the fallback. Default: hash-worker.ts. */
  source?: string;
  /** Below this many bytes, hash inline (default {@link HASH_INLINE_LIMIT}). */
  inlineLimit?: number;
}

/**
 * V8 heap limits of a hashing worker. Its bytes live in shared memory and in its WebAssembly
 * memories, outside the heap; the heap holds only messages and digests. Small limits keep its
 * young generation from growing: two workers add ~25 MiB to the process's RSS with them against
 * ~31 MiB without. A worker that ran out of heap would exit and its jobs be hashed inline.
 */
const WORKER_HEAP_LIMITS = { maxYoungGenerationSizeMb: 1, maxOldGenerationSizeMb: 8 } as const;

type Algorithm = HashJobMessage["algorithm"];

interface Job {
  id: number;
  algorithm: Algorithm;
  data: Buffer;
  resolve(value: string): void;
}

interface Slot {
  worker: Worker;
  ready: boolean;
  /** Whether this worker hashes MD5s in SIMD lanes, several at once, rather than one by one. */
  md5Lanes: boolean;
  /** The jobs the worker holds, by id: one, or up to {@link MD5_LANES} MD5 jobs in lanes (plus one CRC job). */
  jobs: Map<number, Job>;
}

/** Counters of {@link HashPool.stats}. */
export interface HashPoolStats {
  /** Jobs (one algorithm over one buffer) hashed on workers. */
  offloaded: number;
  /** MD5 jobs that joined a worker's lanes while other MD5s were running there. */
  md5Joined: number;
  /** The most MD5 jobs one worker had in its lanes at once. */
  md5MostInLanes: number;
}

/**
 * Hashes part buffers (MD5 and CRC-64) on a few worker threads, so the event
 * loop keeps sending while they work. Only bytes in shared memory
 * (SharedArrayBuffer) of at least `inlineLimit` bytes go to a worker — they are
 * read in place, never copied; anything else, and everything when workers cannot
 * start, is hashed inline with the same functions, so results never depend on
 * where they were computed. Workers start on first use, stay alive, and are
 * `unref()`ed whenever idle, so they never hold a process open. The MD5 and the
 * CRC of one buffer are separate jobs, so two workers compute them in parallel.
 *
 * MD5 is the expensive one (~630 MiB/s per core in node:crypto, against
 * ~2,000 for the CRC). Workers hash MD5s in WebAssembly SIMD lanes
 * (md5-lanes.ts: ~1,600 MiB/s for four buffers at once, ~2,600 for eight): an
 * MD5 job goes to the worker whose lanes are already running, up to
 * {@link MD5_LANES} at a time, and joins them at their next pass, so the parts
 * of a multipart upload, which are ready one after another, share the passes
 * (a job alone on idle lanes is hashed by node:crypto, faster for one). No
 * job waits for others to arrive. CRC jobs go to idle workers.
 */
export class HashPool {
  private readonly size: number;
  private readonly source: string;
  private readonly inlineLimit: number;
  private slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private started = false;
  private nextId = 0;
  private readonly counters: HashPoolStats = { offloaded: 0, md5Joined: 0, md5MostInLanes: 0 };

  constructor(options: HashPoolOptions = {}) {
    this.size = Math.max(0, Math.floor(options.workers ?? defaultWorkers()));
    this.source = options.source ?? HASH_WORKER_SOURCE;
    this.inlineLimit = options.inlineLimit ?? HASH_INLINE_LIMIT;
  }

  /** True when `size` bytes in shared memory would be hashed on a worker (large enough, workers not given up on). */
  offloadsSize(size: number): boolean {
    return this.size > 0 && (!this.started || this.slots.length > 0) && size >= this.inlineLimit;
  }

  /** True when `data` would be hashed on a worker: {@link HashPool.offloadsSize} and it lies in a SharedArrayBuffer. */
  offloads(data: Uint8Array): boolean {
    return this.offloadsSize(data.length) && isSharedArrayBuffer(data.buffer);
  }

  /**
   * CRC-64 (and, with `md5`, the base64 MD5) of `data`. Resolves with exactly
   * what {@link crc64} and node:crypto give inline. `data` must not change until
   * the promise settles.
   *
   * @throws nothing: a worker that fails hands its job back to the calling thread.
   */
  async hash(data: Buffer, md5: boolean): Promise<PartHashes> {
    if (!this.offloads(data)) return inlineHashes(data, md5);
    const crc = this.submit("crc64", data);
    const digest = md5 ? await this.submit("md5", data) : undefined;
    const value = BigInt(await crc);
    return digest === undefined ? { crc64: value } : { crc64: value, md5: digest };
  }

  /** Number of live workers (0 before the first offloaded job, or after they all failed). */
  get workers(): number {
    return this.slots.length;
  }

  /** Number of live, ready workers that hash batches of MD5s with SIMD lanes. */
  get md5LaneWorkers(): number {
    return this.slots.filter((s) => s.ready && s.md5Lanes).length;
  }

  /** What the pool has done so far (a copy). */
  stats(): HashPoolStats {
    return { ...this.counters };
  }

  /** Stops the workers; later jobs start new ones. Jobs queued or in flight finish inline. */
  async close(): Promise<void> {
    const slots = this.slots;
    this.slots = [];
    this.started = false;
    for (const slot of slots) this.finishInline(slot);
    this.drainInline();
    await Promise.all(slots.map((s) => s.worker.terminate().catch(() => 0)));
  }

  private submit(algorithm: Algorithm, data: Buffer): Promise<string> {
    return new Promise<string>((resolve) => {
      this.queue.push({ id: ++this.nextId, algorithm, data, resolve });
      if (!this.started) this.start();
      this.pump();
    });
  }

  private start(): void {
    this.started = true;
    for (let i = 0; i < this.size; i++) {
      let worker: Worker;
      try {
        worker = new Worker(this.source, {
          eval: true,
          resourceLimits: WORKER_HEAP_LIMITS,
          workerData: { wasm: CRC64_WASM_BASE64, md5Lanes: MD5_LANES_WASM_BASE64 } satisfies HashWorkerData,
        });
      } catch {
        continue;
      }
      // Referenced until it is ready (jobs wait for it); from then on only while it has a job.
      const slot: Slot = { worker, ready: false, md5Lanes: false, jobs: new Map() };
      worker.on("message", (msg: HashReadyMessage | HashResultMessage) => this.onMessage(slot, msg));
      worker.on("error", () => this.drop(slot));
      worker.on("exit", () => this.drop(slot));
      this.slots.push(slot);
    }
    if (this.slots.length === 0) this.drainInline();
  }

  private onMessage(slot: Slot, msg: HashReadyMessage | HashResultMessage): void {
    if ("ready" in msg) {
      if (!msg.ready) {
        this.drop(slot);
        void slot.worker.terminate().catch(() => 0);
        return;
      }
      slot.ready = true;
      slot.md5Lanes = msg.md5Lanes === true;
      this.pump();
      return;
    }
    const job = slot.jobs.get(msg.id);
    if (job === undefined) return;
    slot.jobs.delete(msg.id);
    // A worker that could not hash (msg.error) hands the job back: it is done inline.
    job.resolve(msg.value ?? inlineHash(job.algorithm, job.data));
    this.pump();
  }

  /**
   * Hands out queued jobs, in order where they can go: an MD5 job to the worker
   * whose lanes already run MD5s (while it has a free lane), else to an idle
   * worker; any other job to an idle worker. Refs busy workers, unrefs idle ones.
   */
  private pump(): void {
    for (let i = 0; i < this.queue.length; ) {
      const job = this.queue[i]!;
      const slot = this.slotFor(job);
      if (slot === undefined) {
        i++;
        continue;
      }
      this.queue.splice(i, 1);
      if (job.algorithm === "md5" && slot.md5Lanes) {
        const inLanes = 1 + md5Jobs(slot);
        if (inLanes > 1) this.counters.md5Joined++;
        this.counters.md5MostInLanes = Math.max(this.counters.md5MostInLanes, inLanes);
      }
      this.counters.offloaded++;
      slot.jobs.set(job.id, job);
      const message: HashJobMessage = {
        id: job.id,
        algorithm: job.algorithm,
        buffer: job.data.buffer as SharedArrayBuffer,
        offset: job.data.byteOffset,
        length: job.data.length,
      };
      slot.worker.postMessage(message);
    }
    // A worker that is not ready yet stays referenced: queued jobs wait for it.
    for (const slot of this.slots) {
      if (slot.jobs.size > 0) slot.worker.ref();
      else if (slot.ready) slot.worker.unref();
    }
  }

  /** The worker `job` can go to now, if any (see {@link HashPool.pump}). */
  private slotFor(job: Job): Slot | undefined {
    let idle: Slot | undefined;
    for (const slot of this.slots) {
      if (!slot.ready) continue;
      if (slot.jobs.size === 0) idle ??= slot;
      else if (job.algorithm === "md5" && slot.md5Lanes) {
        const md5s = md5Jobs(slot);
        if (md5s > 0 && md5s < MD5_LANES) return slot;
      }
    }
    return idle;
  }

  /** A worker failed or exited: its job (and, when none is left, the queue) is hashed inline. */
  private drop(slot: Slot): void {
    const at = this.slots.indexOf(slot);
    if (at < 0) return;
    this.slots.splice(at, 1);
    slot.worker.unref();
    this.finishInline(slot);
    if (this.slots.length === 0) this.drainInline();
  }

  private finishInline(slot: Slot): void {
    const jobs = [...slot.jobs.values()];
    slot.jobs.clear();
    for (const job of jobs) job.resolve(inlineHash(job.algorithm, job.data));
  }

  private drainInline(): void {
    for (let job = this.queue.shift(); job !== undefined; job = this.queue.shift()) job.resolve(inlineHash(job.algorithm, job.data));
  }
}

/** MD5 jobs a worker holds (in its lanes, or waiting to join them). */
function md5Jobs(slot: Slot): number {
  let n = 0;
  for (const job of slot.jobs.values()) if (job.algorithm === "md5") n++;
  return n;
}

function inlineHash(algorithm: Algorithm, data: Buffer): string {
  return algorithm === "md5" ? md5Base64(data) : crc64(data).toString();
}

function inlineHashes(data: Buffer, md5: boolean): PartHashes {
  const crc = crc64(data);
  return md5 ? { crc64: crc, md5: md5Base64(data) } : { crc64: crc };
}

/** `STOWAGE_HASH_WORKERS` when it is a whole number, else min(2, availableParallelism()). */
function defaultWorkers(): number {
  const env = process.env["STOWAGE_HASH_WORKERS"];
  if (env !== undefined && /^\d+$/.test(env.trim())) return Math.min(16, Number(env.trim()));
  return Math.min(2, availableParallelism());
}

let shared: HashPool | undefined;

/** The process-wide pool core's writes use (created on first call; workers start on the first large job). */
export function hashPool(): HashPool {
  shared ??= new HashPool();
  return shared;
}
