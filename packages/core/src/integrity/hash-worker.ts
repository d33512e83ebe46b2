// The code of a hashing worker thread. It is started from its source text
// (`new Worker(HASH_WORKER_SOURCE, { eval: true })`), which works the same from
// the compiled package and from TypeScript sources under a test runner, so
// `hashWorkerMain` must be self-contained: no imports, no outer variables, only
// `require` of node built-ins, globals, and `createMd5Lanes`, whose source text
// is prepended to the script. (Code instrumented for coverage refers to outer
// counters, so there the worker fails to start and the pool hashes inline:
// slower, same results.)

import { createMd5Lanes } from "./md5-lanes.js";

/** A job for a hashing worker: one algorithm over bytes in shared memory, read in place. */
export interface HashJobMessage {
  id: number;
  algorithm: "md5" | "crc64";
  buffer: SharedArrayBuffer;
  offset: number;
  length: number;
}

/** A worker's answer: `value` (MD5: base64; CRC-64: decimal), or `error`. Strings: a Buffer would be cloned with its whole backing store. */
export interface HashResultMessage {
  id: number;
  value?: string;
  error?: string;
}

/** The first message of a worker: whether it passed its self-check, and whether it hashes several MD5s at once with SIMD. */
export interface HashReadyMessage {
  ready: boolean;
  md5Lanes?: boolean;
  error?: string;
}

/** What a worker is started with. */
export interface HashWorkerData {
  /** The CRC-64 WebAssembly module, base64 (crc64-wasm-bytes.ts). */
  wasm: string;
  /** The multi-message MD5 WebAssembly module, base64 (md5-lanes-wasm-bytes.ts). */
  md5Lanes: string;
}

/**
 * Runs inside a worker thread: instantiates the CRC-64/XZ WebAssembly module
 * from `workerData.wasm`, checks it and node:crypto's MD5 against known vectors,
 * loads the multi-message MD5 module when it can (without it, MD5s are hashed
 * one by one with node:crypto), posts a {@link HashReadyMessage}, then answers
 * each {@link HashJobMessage} with a {@link HashResultMessage}. It reads the
 * job's bytes in place (shared memory) and never writes them.
 */
export function hashWorkerMain(): void {
  const { parentPort, workerData } = require("node:worker_threads") as typeof import("node:worker_threads");
  const { createHash } = require("node:crypto") as typeof import("node:crypto");
  const port = parentPort!;
  const data = workerData as HashWorkerData;

  const wasm = (globalThis as unknown as { WebAssembly: { Module: new (b: Uint8Array) => object; Instance: new (m: object) => { exports: Record<string, unknown> } } }).WebAssembly;
  let update: (bytes: Uint8Array, prev: bigint) => bigint;
  try {
    const exports = new wasm.Instance(new wasm.Module(Buffer.from(data.wasm, "base64"))).exports;
    const heap = new Uint8Array((exports["memory"] as { buffer: ArrayBuffer }).buffer);
    const at = (exports["scratch"] as { value: number }).value;
    const size = (exports["scratchSize"] as { value: number }).value;
    const kernel = exports["update"] as (prev: bigint, at: number, length: number) => bigint;
    update = (bytes, prev) => {
      let crc = prev;
      for (let from = 0; from < bytes.length; from += size) {
        const slice = bytes.subarray(from, Math.min(bytes.length, from + size));
        heap.set(slice, at);
        crc = kernel(crc, at, slice.length);
      }
      return BigInt.asUintN(64, crc);
    };
    // `protocols.md` §4.1 vectors; the second call is long enough for the module's braided path.
    const first = update(Buffer.from("12345"), 0n);
    const check = update(Buffer.from("6789This is a test of the emergency broadcast system."), first);
    if (check !== 7672622622872733320n) throw new Error(`crc64 self-check gave ${check}`);
    const md5 = createHash("md5").update("123456789").digest("hex");
    if (md5 !== "25f9e794323b453885f5181f1b624d0b") throw new Error(`md5 self-check gave ${md5}`);
  } catch (e) {
    port.postMessage({ ready: false, error: e instanceof Error ? e.message : String(e) } satisfies HashReadyMessage);
    return;
  }
  // Checks itself against RFC 1321; undefined (one MD5 at a time) without WebAssembly SIMD.
  let lanes = createMd5Lanes(wasm, data.md5Lanes);

  // Jobs are done oldest first, so that a part's hashes are ready as soon as they can be and the
  // upload of the oldest part waiting for them starts first. The oldest job, if a CRC, is hashed
  // whole; if an MD5, it runs in SIMD lanes together with the next MD5 jobs (up to LANE_CAP: four
  // fill one vector, so a pass costs the same with one to four lanes), one pass budget
  // (MD5_SLICE) at a time, and younger MD5s join free lanes between passes. An MD5 with no other
  // MD5 to share passes with is hashed by node:crypto (one lane alone runs at 0.7× its speed);
  // so is every MD5 without SIMD lanes. Between steps the event loop runs, so new jobs get in.
  const MD5_SLICE = 512 * 1024;
  const LANE_CAP = 4; // hash-slot.ts MD5_LANES_AT_ONCE: the pool routes by it
  interface Job {
    id: number;
    algorithm: HashJobMessage["algorithm"];
    bytes: Buffer;
    /** The lane an MD5 job runs in, once admitted. */
    lane?: number;
  }
  const order: Job[] = []; // unfinished jobs, oldest first
  const inLanes = new Map<number, Job>(); // lane → job
  let running = false;
  const answer = (job: Job, message: HashResultMessage): void => {
    port.postMessage(message);
    order.splice(order.indexOf(job), 1);
  };
  const hashAlone = (job: Job): void => {
    const value = job.algorithm === "crc64" ? update(job.bytes, 0n).toString() : createHash("md5").update(job.bytes).digest("base64");
    answer(job, { id: job.id, value });
  };
  const step = (): void => {
    const head = order[0]!;
    try {
      if (head.algorithm === "crc64" || lanes === undefined || (inLanes.size === 0 && !order.some((j) => j !== head && j.algorithm === "md5"))) {
        hashAlone(head);
      } else {
        for (const job of order) {
          if (inLanes.size >= LANE_CAP) break;
          if (job.algorithm !== "md5" || job.lane !== undefined) continue;
          job.lane = lanes.add(job.bytes);
          inLanes.set(job.lane, job);
        }
        for (const done of lanes.run(MD5_SLICE)) {
          const job = inLanes.get(done.lane)!;
          inLanes.delete(done.lane);
          answer(job, { id: job.id, value: done.md5 });
        }
      }
    } catch (e) {
      // The lanes failed (or the head's hash threw): what they held, or the head, is handed back to be hashed by the caller.
      const message = e instanceof Error ? e.message : String(e);
      const failed = inLanes.size > 0 ? [...inLanes.values()] : [head];
      for (const job of failed) if (order.includes(job)) answer(job, { id: job.id, error: message });
      inLanes.clear();
      for (const job of order) delete job.lane;
      lanes = undefined;
    }
    running = order.length > 0;
    if (running) setImmediate(step);
  };

  port.on("message", (job: HashJobMessage) => {
    try {
      order.push({ id: job.id, algorithm: job.algorithm, bytes: Buffer.from(job.buffer, job.offset, job.length) });
    } catch (e) {
      port.postMessage({ id: job.id, error: e instanceof Error ? e.message : String(e) } satisfies HashResultMessage);
      return;
    }
    if (!running) {
      running = true;
      setImmediate(step);
    }
  });
  port.postMessage({ ready: true, md5Lanes: lanes !== undefined } satisfies HashReadyMessage);
}

/** The script a hashing worker runs (eval'd CommonJS): {@link createMd5Lanes}'s source, then {@link hashWorkerMain}, called. */
export const HASH_WORKER_SOURCE = `"use strict";\nconst createMd5Lanes = ${createMd5Lanes.toString()};\n(${hashWorkerMain.toString()})();\n`;
