import crypto from "node:crypto";
import { availableParallelism } from "node:os";
import { isSharedArrayBuffer } from "node:util/types";
import { Worker } from "node:worker_threads";
import { crc64 } from "./crc64.js";
import { CRC64_WASM_BASE64 } from "./crc64-wasm-bytes.js";
import { HASH_WORKER_SOURCE, type HashJobMessage, type HashReadyMessage, type HashResultMessage, type HashWorkerData } from "./hash-worker.js";

/** Buffers shorter than this are hashed on the calling thread: a round trip to a worker costs more. */
export const HASH_INLINE_LIMIT = 1024 * 1024;

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
  current: Job | undefined;
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
 */
export class HashPool {
  private readonly size: number;
  private readonly source: string;
  private readonly inlineLimit: number;
  private slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private started = false;
  private nextId = 0;

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

  /** Stops the workers; later jobs start new ones. Jobs queued or in flight finish inline. */
  async close(): Promise<void> {
    const slots = this.slots;
    this.slots = [];
    this.started = false;
    for (const slot of slots) {
      const job = slot.current;
      slot.current = undefined;
      if (job !== undefined) job.resolve(inlineHash(job.algorithm, job.data));
    }
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
        worker = new Worker(this.source, { eval: true, workerData: { wasm: CRC64_WASM_BASE64 } satisfies HashWorkerData });
      } catch {
        continue;
      }
      // Referenced until it is ready (jobs wait for it); from then on only while it has a job.
      const slot: Slot = { worker, ready: false, current: undefined };
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
      this.pump();
      return;
    }
    const job = slot.current;
    if (job === undefined || job.id !== msg.id) return;
    slot.current = undefined;
    // A worker that could not hash (msg.error) hands the job back: it is done inline.
    const value = job.algorithm === "md5" ? msg.md5 : msg.crc64;
    job.resolve(value ?? inlineHash(job.algorithm, job.data));
    this.pump();
  }

  /** Gives every idle ready worker the next job; refs busy workers, unrefs idle ones. */
  private pump(): void {
    for (const slot of this.slots) {
      if (!slot.ready || slot.current !== undefined) continue;
      const job = this.queue.shift();
      if (job === undefined) {
        slot.worker.unref();
        continue;
      }
      slot.current = job;
      slot.worker.ref();
      const message: HashJobMessage = {
        id: job.id,
        algorithm: job.algorithm,
        buffer: job.data.buffer as SharedArrayBuffer,
        offset: job.data.byteOffset,
        length: job.data.length,
      };
      slot.worker.postMessage(message);
    }
  }

  /** A worker failed or exited: its job (and, when none is left, the queue) is hashed inline. */
  private drop(slot: Slot): void {
    const at = this.slots.indexOf(slot);
    if (at < 0) return;
    this.slots.splice(at, 1);
    slot.worker.unref();
    const job = slot.current;
    slot.current = undefined;
    if (job !== undefined) job.resolve(inlineHash(job.algorithm, job.data));
    if (this.slots.length === 0) this.drainInline();
  }

  private drainInline(): void {
    for (let job = this.queue.shift(); job !== undefined; job = this.queue.shift()) job.resolve(inlineHash(job.algorithm, job.data));
  }
}

/** Base64 MD5: node's one-shot `crypto.hash` where it exists (Node ≥ 20.12; no Hash object per call), else a Hash. */
const md5Base64: (data: Buffer) => string =
  typeof (crypto as { hash?: unknown }).hash === "function"
    ? (data) => (crypto as unknown as { hash(algorithm: string, data: Buffer, encoding: "base64"): string }).hash("md5", data, "base64")
    : (data) => crypto.createHash("md5").update(data).digest("base64");

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
