import { isSharedArrayBuffer } from "node:util/types";
import type { Worker } from "node:worker_threads";
import { HASH_IDLE_MS, HASH_INLINE_LIMIT, HASH_RECYCLE_BYTES, defaultWorkers, type HashPoolOptions, type HashPoolStats } from "./hash-pool-options.js";
import { MD5_LANES, MD5_LANES_AT_ONCE, md5Jobs, spawnHashWorker, type HashJob, type HashSlot } from "./hash-slot.js";
import { HASH_WORKER_SOURCE, type HashJobMessage, type HashReadyMessage, type HashResultMessage } from "./hash-worker.js";
import { inlineHash, inlineHashes, type HashAlgorithm, type PartHashes } from "./inline-hash.js";
import { SentBuffers } from "./sent-buffers.js";

// The pool's constants and types live next to it; re-exported so imports of hash-pool.js keep working.
export { HASH_IDLE_MS, HASH_INLINE_LIMIT, HASH_RECYCLE_BYTES } from "./hash-pool-options.js";
export type { HashPoolOptions, HashPoolStats } from "./hash-pool-options.js";
export { MD5_LANES, MD5_LANES_AT_ONCE } from "./hash-slot.js";
export type { PartHashes } from "./inline-hash.js";

/**
 * Hashes part buffers (MD5 and CRC-64) on a few worker threads, so the event
 * loop keeps sending while they work. Only bytes in shared memory
 * (SharedArrayBuffer) of at least `inlineLimit` bytes go to a worker — they are
 * read in place, never copied; anything else, and everything when workers cannot
 * start, is hashed inline with the same functions, so results never depend on
 * where they were computed. Workers start on first use and are `unref()`ed
 * whenever idle, so they never hold a process open; they stop after `idleMs`
 * without a job, and one is replaced by a fresh worker once `recycleBytes` of
 * the buffers it was sent have been let go by the caller, so that they do not
 * outlive their use (see {@link HASH_RECYCLE_BYTES}). The MD5 and the
 * CRC of one buffer are separate jobs, so two workers (three cores or more)
 * compute them in parallel. A worker does its jobs oldest first (hash-worker.ts),
 * so the oldest part waiting for its hashes gets them first.
 *
 * MD5 is the expensive one (~630 MiB/s per core in node:crypto, against
 * ~2,000 for the CRC). Workers hash MD5s in WebAssembly SIMD lanes
 * (md5-lanes.ts: ~1,600 MiB/s for four buffers at once, ~2,600 for eight): an
 * MD5 job goes to the worker whose lanes are already running, up to
 * {@link MD5_LANES_AT_ONCE} at a time (a pool's only worker: {@link MD5_LANES},
 * the rest waiting there for a lane), and joins them at their next pass, so the
 * parts of a multipart upload, which are ready one after another, share the passes (a job alone on idle lanes is hashed by node:crypto,
 * faster for one). No job waits for others to arrive. CRC jobs go to idle
 * workers (with a single worker, to it at once).
 */
export class HashPool {
  private readonly size: number;
  private readonly source: string;
  private readonly inlineLimit: number;
  private readonly recycleBytes: number;
  private readonly idleMs: number;
  private idleTimer: ReturnType<typeof setTimeout> | undefined;
  private slots: HashSlot[] = [];
  /** Buffers sent to workers, counted against them once collected here. */
  private readonly sentBuffers = new SentBuffers((slot, bytes) => this.onDead(slot, bytes));
  private readonly queue: HashJob[] = [];
  private started = false;
  private nextId = 0;
  private readonly counters: HashPoolStats = { offloaded: 0, md5Joined: 0, md5MostInLanes: 0, recycled: 0, idleStops: 0 };

  constructor(options: HashPoolOptions = {}) {
    this.size = Math.max(0, Math.floor(options.workers ?? defaultWorkers()));
    this.source = options.source ?? HASH_WORKER_SOURCE;
    this.inlineLimit = options.inlineLimit ?? HASH_INLINE_LIMIT;
    this.recycleBytes = options.recycleBytes ?? HASH_RECYCLE_BYTES;
    this.idleMs = options.idleMs ?? HASH_IDLE_MS;
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
   * what `crc64` (crc64.ts) and node:crypto give inline. `data` must not change until
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
    if (this.idleTimer !== undefined) clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
    const slots = this.slots;
    this.slots = [];
    this.started = false;
    for (const slot of slots) this.finishInline(slot);
    this.drainInline();
    await Promise.all(slots.map((s) => s.worker.terminate().catch(() => 0)));
  }

  private submit(algorithm: HashAlgorithm, data: Buffer): Promise<string> {
    return new Promise<string>((resolve) => {
      this.queue.push({ id: ++this.nextId, algorithm, data, resolve });
      if (!this.started) this.start();
      // No worker could start (or every one died): what is queued, this job included, is hashed here.
      if (this.slots.length === 0) this.drainInline();
      else this.pump();
    });
  }

  private start(): void {
    this.started = true;
    for (let i = 0; i < this.size; i++) this.spawn();
    // Threads cannot start now (the OS refused one): inline until the idle stop, then try again.
    if (this.slots.length === 0) this.fallBackInline();
  }

  /** Starts one worker and adds its slot; false when the thread cannot start. */
  private spawn(): boolean {
    let worker: Worker;
    try {
      worker = spawnHashWorker(this.source);
    } catch {
      return false;
    }
    // Referenced until it is ready (jobs wait for it); from then on only while it has a job.
    const slot: HashSlot = { worker, ready: false, md5Lanes: false, jobs: new Map(), seen: new WeakSet(), deadBytes: 0, retiring: false };
    worker.on("message", (msg: HashReadyMessage | HashResultMessage) => this.onMessage(slot, msg));
    worker.on("error", () => this.drop(slot));
    worker.on("exit", () => this.drop(slot));
    this.slots.push(slot);
    return true;
  }

  /** Replaces a retiring worker whose jobs are done by a fresh one (the old one takes its buffers with it). */
  private retire(slot: HashSlot): void {
    const at = this.slots.indexOf(slot);
    if (at < 0) return;
    this.slots.splice(at, 1);
    this.counters.recycled++;
    void slot.worker.terminate().catch(() => 0);
    if (!this.spawn() && this.slots.length === 0) this.drainInline();
    this.armIdleStop();
  }

  /** A buffer `slot`'s worker was sent is gone here: past the budget, the worker is replaced. */
  private onDead(slot: HashSlot, bytes: number): void {
    if (!this.slots.includes(slot)) return;
    slot.deadBytes += bytes;
    if (slot.deadBytes < this.recycleBytes) return;
    slot.retiring = true;
    if (slot.jobs.size === 0) this.retire(slot);
  }

  /** Stops idle workers after {@link HashPool.idleMs} without a job; the timer never holds the process open. */
  private armIdleStop(): void {
    if (this.idleTimer !== undefined) clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
    if (!this.started || this.queue.length > 0 || this.slots.some((s) => s.jobs.size > 0)) return;
    this.idleTimer = setTimeout(() => {
      this.idleTimer = undefined;
      if (this.queue.length > 0 || this.slots.some((s) => s.jobs.size > 0 || !s.ready)) return;
      this.counters.idleStops++;
      void this.close();
    }, this.idleMs);
    this.idleTimer.unref?.();
  }

  private onMessage(slot: HashSlot, msg: HashReadyMessage | HashResultMessage): void {
    if ("ready" in msg) {
      if (!msg.ready) {
        this.drop(slot);
        void slot.worker.terminate().catch(() => 0);
        return;
      }
      slot.ready = true;
      slot.md5Lanes = msg.md5Lanes === true;
      this.pump();
      // A replacement that got ready after the idle timer looked (and let it be) is stopped in turn.
      this.armIdleStop();
      return;
    }
    const job = slot.jobs.get(msg.id);
    if (job === undefined) return;
    slot.jobs.delete(msg.id);
    // A worker that could not hash (msg.error) hands the job back: it is done inline.
    job.resolve(msg.value ?? inlineHash(job.algorithm, job.data));
    if (slot.retiring && slot.jobs.size === 0) this.retire(slot);
    this.pump();
    this.armIdleStop();
  }

  /**
   * Hands out queued jobs, in order where they can go: an MD5 job to the worker
   * whose lanes already run MD5s (while it has a free lane), else to an idle
   * worker; any other job to an idle worker (a single worker takes every job; see
   * `slotFor`). Refs busy workers, unrefs idle ones.
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
      this.sentBuffers.track(job.data.buffer as SharedArrayBuffer, slot);
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

  /**
   * The worker `job` can go to now, if any (see {@link HashPool.pump}). An MD5 joins the worker
   * whose lanes run while it has fewer than {@link MD5_LANES_AT_ONCE}, else goes to an idle
   * worker. A pool of one worker hands it every job at once (MD5s up to {@link MD5_LANES}): the
   * worker does them oldest first, a part's CRC between two passes of its lanes
   * once the older parts are done, and the MD5s that arrive meanwhile still meet there.
   */
  private slotFor(job: HashJob): HashSlot | undefined {
    let idle: HashSlot | undefined;
    for (const slot of this.slots) {
      if (!slot.ready || slot.retiring) continue;
      if (slot.jobs.size === 0) idle ??= slot;
      else if (job.algorithm === "md5" && slot.md5Lanes) {
        const md5s = md5Jobs(slot);
        if (md5s > 0 && md5s < MD5_LANES_AT_ONCE) return slot;
      }
    }
    const only = this.slots.length === 1 ? this.slots[0]! : undefined;
    if (idle !== undefined || only === undefined || !only.ready || only.retiring) return idle;
    return job.algorithm === "crc64" || md5Jobs(only) < MD5_LANES ? only : undefined;
  }

  /**
   * A worker failed or exited: its job (and, when none is left, the queue) is hashed inline. When
   * it was the last one, the idle stop is armed: after {@link HashPool.idleMs} the pool closes,
   * and the next job starts workers afresh (so one crash does not keep hashing inline for good,
   * and a worker that cannot live is tried again at most once per idle period).
   */
  private drop(slot: HashSlot): void {
    const at = this.slots.indexOf(slot);
    if (at < 0) return;
    this.slots.splice(at, 1);
    slot.worker.unref();
    this.finishInline(slot);
    if (this.slots.length === 0) this.fallBackInline();
  }

  /** No worker is left: what is queued is hashed here, and the idle stop lets the next job try workers afresh. */
  private fallBackInline(): void {
    this.drainInline();
    this.armIdleStop();
  }

  private finishInline(slot: HashSlot): void {
    const jobs = [...slot.jobs.values()];
    slot.jobs.clear();
    for (const job of jobs) job.resolve(inlineHash(job.algorithm, job.data));
  }

  private drainInline(): void {
    for (let job = this.queue.shift(); job !== undefined; job = this.queue.shift()) job.resolve(inlineHash(job.algorithm, job.data));
  }
}

let shared: HashPool | undefined;

/** The process-wide pool core's writes use (created on first call; workers start on the first large job). */
export function hashPool(): HashPool {
  shared ??= new HashPool();
  return shared;
}
