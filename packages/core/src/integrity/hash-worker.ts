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
    // protocols.md §4.1 vectors; the second call is long enough for the module's braided path.
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

  // MD5 jobs that arrive together start together in SIMD lanes; a job that arrives while others
  // run joins them at the next pass. A lone job on idle lanes is hashed with node:crypto instead
  // (one lane alone runs at 0.7× its speed), and jobs arriving meanwhile wait to start together.
  // The loop yields to the event loop every MD5_SLICE bytes so that new jobs (and CRC jobs,
  // answered at once) get in. Without SIMD lanes an MD5 job is answered at once with node:crypto.
  const MD5_SLICE = 512 * 1024;
  const arrived: Array<{ id: number; bytes: Buffer }> = [];
  const waiting = new Map<number, number>(); // lane → job id
  let running = false;
  const md5Alone = (id: number, bytes: Buffer): void => {
    port.postMessage({ id, value: createHash("md5").update(bytes).digest("base64") } satisfies HashResultMessage);
  };
  const runLanes = (): void => {
    try {
      if (lanes === undefined) {
        for (let job = arrived.shift(); job !== undefined; job = arrived.shift()) md5Alone(job.id, job.bytes);
      } else if (waiting.size === 0 && arrived.length === 1) {
        const job = arrived.shift()!;
        md5Alone(job.id, job.bytes);
      } else {
        while (arrived.length > 0 && lanes.free > 0) {
          const job = arrived.shift()!;
          waiting.set(lanes.add(job.bytes), job.id);
        }
        if (waiting.size > 0) {
          for (const done of lanes.run(MD5_SLICE)) {
            port.postMessage({ id: waiting.get(done.lane)!, value: done.md5 } satisfies HashResultMessage);
            waiting.delete(done.lane);
          }
        }
      }
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      for (const id of waiting.values()) port.postMessage({ id, error: message } satisfies HashResultMessage);
      for (const job of arrived) port.postMessage({ id: job.id, error: message } satisfies HashResultMessage);
      waiting.clear();
      arrived.length = 0;
      lanes = undefined;
    }
    running = waiting.size > 0 || arrived.length > 0;
    if (running) setImmediate(runLanes);
  };

  port.on("message", (job: HashJobMessage) => {
    try {
      const bytes = Buffer.from(job.buffer, job.offset, job.length);
      if (job.algorithm === "crc64") {
        port.postMessage({ id: job.id, value: update(bytes, 0n).toString() } satisfies HashResultMessage);
      } else if (lanes !== undefined) {
        arrived.push({ id: job.id, bytes });
        if (!running) {
          running = true;
          setImmediate(runLanes);
        }
      } else {
        md5Alone(job.id, bytes);
      }
    } catch (e) {
      port.postMessage({ id: job.id, error: e instanceof Error ? e.message : String(e) } satisfies HashResultMessage);
    }
  });
  port.postMessage({ ready: true, md5Lanes: lanes !== undefined } satisfies HashReadyMessage);
}

/** The script a hashing worker runs (eval'd CommonJS): {@link createMd5Lanes}'s source, then {@link hashWorkerMain}, called. */
export const HASH_WORKER_SOURCE = `"use strict";\nconst createMd5Lanes = ${createMd5Lanes.toString()};\n(${hashWorkerMain.toString()})();\n`;
