import type { WebAssemblyApi } from "./crc64-wasm.js";

/** A digest that {@link Md5Lanes.run} finished: the lane it ran in and the base64 MD5. */
export interface Md5LaneDigest {
  lane: number;
  md5: string;
}

/**
 * MD5 of up to eight independent messages at once, in lanes that advance in
 * lock-step: a message can join while others are half done, which is how a
 * hashing worker lets parts that arrive one by one share SIMD passes.
 */
export interface Md5Lanes {
  /** Lanes that can take a message now (0-8). */
  readonly free: number;
  /**
   * Starts hashing `message` in a free lane and returns the lane. The bytes are
   * read as the lane advances, so they must not change until it finishes.
   *
   * @throws RangeError when no lane is free.
   */
  add(message: Uint8Array): number;
  /**
   * Runs passes over every busy lane until `budget` bytes in total are hashed
   * or no lane is busy (at least one pass, which hashes up to 32 KiB per lane,
   * so it may overshoot `budget`), and returns the lanes that finished, with
   * their digests, in lane order. Finished lanes are free again.
   */
  run(budget: number): Md5LaneDigest[];
  /** Base64 MD5s of `messages` (any number, eight at a time), in order. Needs every lane free. */
  hashAll(messages: readonly Uint8Array[]): string[];
}

/**
 * Instantiates the multi-message MD5 module (wasm/md5-lanes.wat, WebAssembly
 * SIMD, built by scripts/md5-lanes-wat.mjs) from `base64` through `wasm`, checks
 * it against the RFC 1321 test suite, and returns its lanes, or `undefined`
 * when WebAssembly or SIMD is missing, the module fails to load, or a digest is
 * wrong. Each pass copies up to 32 KiB of every busy message into the module's
 * memory and hashes them together, four or eight per SIMD vector pair; padding
 * and the length block are written here. One message alone runs at ~0.7× the
 * speed of node:crypto; four at ~2.6×, eight at ~4.3×
 * (packages/core/bench/md5-lanes.bench.mjs).
 *
 * The function is self-contained (no imports, no outer variables, only the
 * global `Buffer`), because hash-worker.ts ships its source text to worker
 * threads.
 *
 * @throws nothing: every failure is reported as `undefined`.
 */
export function createMd5Lanes(wasm: WebAssemblyApi | undefined, base64: string): Md5Lanes | undefined {
  if (wasm === undefined) return undefined;
  try {
    const exports = new wasm.Instance(new wasm.Module(Buffer.from(base64, "base64"))).exports;
    const global = (name: string): number => {
      const v = (exports[name] as { value?: unknown } | undefined)?.value;
      if (typeof v !== "number") throw new TypeError(`md5 lanes module lacks ${name}`);
      return v;
    };
    const memory = (exports["memory"] as { buffer: ArrayBuffer }).buffer;
    const blocks4 = exports["blocks4"] as (n: number) => void;
    const blocks8 = exports["blocks8"] as (n: number) => void;
    const lanes = global("lanes");
    const laneSize = global("laneSize");
    const dataAt = global("dataAt");
    const stateAt = global("stateAt");
    const maskAt = global("maskAt");
    if (lanes !== 8 || laneSize % 64 !== 0 || typeof blocks4 !== "function" || typeof blocks8 !== "function") return undefined;
    // The memory has a fixed size (min = max), so these views are never detached.
    const heap = new Uint8Array(memory);
    const words = new Int32Array(memory);
    const iv = [0x67452301, 0xefcdab89 | 0, 0x98badcfe | 0, 0x10325476];
    // Word q (a, b, c, d) of lane j's state: group j>>2, vector q, element j&3.
    const stateWord = (j: number, q: number): number => (stateAt + 64 * (j >> 2) + 16 * q + 4 * (j & 3)) >> 2;
    const messages: Array<Uint8Array | undefined> = new Array<Uint8Array | undefined>(lanes).fill(undefined);
    const pos: number[] = new Array<number>(lanes).fill(0);
    // A message's padded length: its bytes, 0x80, zeros, the 8-byte bit length; whole 64-byte blocks.
    const total: number[] = new Array<number>(lanes).fill(0);
    let busy = 0;

    /** Copies lane j's next n blocks (message bytes, then padding) into its data area. */
    const load = (j: number, n: number): void => {
      const message = messages[j]!;
      const at = dataAt + j * laneSize;
      const from = pos[j]!;
      const end = from + n * 64;
      const dataEnd = Math.min(end, message.length);
      if (from < dataEnd) heap.set(message.subarray(from, dataEnd), at);
      if (end > message.length) {
        const padFrom = Math.max(from, message.length);
        heap.fill(0, at + padFrom - from, at + n * 64);
        if (padFrom === message.length) heap[at + padFrom - from] = 0x80;
        if (end === total[j]) {
          // The bit length, little-endian: low word, high word (messages under 2^53 bits).
          const tail = (at + n * 64 - 8) >> 2;
          words[tail] = ((message.length % 0x20000000) * 8) | 0;
          words[tail + 1] = Math.floor(message.length / 0x20000000) | 0;
        }
      }
      pos[j] = end;
    };

    /** One SIMD pass over every busy lane; returns the bytes hashed. */
    const pass = (done: Md5LaneDigest[]): number => {
      let n = laneSize / 64;
      let highest = -1;
      let active = 0;
      for (let j = 0; j < lanes; j++) {
        if (messages[j] === undefined) continue;
        n = Math.min(n, (total[j]! - pos[j]!) / 64);
        highest = j;
        active++;
      }
      for (let j = 0; j < lanes; j++) {
        const busyLane = messages[j] !== undefined;
        words[(maskAt >> 2) + j] = busyLane ? -1 : 0;
        if (busyLane) load(j, n);
      }
      if (highest < 4) blocks4(n);
      else blocks8(n);
      for (let j = 0; j < lanes; j++) {
        if (messages[j] === undefined || pos[j] !== total[j]) continue;
        const digest = Buffer.alloc(16);
        for (let q = 0; q < 4; q++) digest.writeInt32LE(words[stateWord(j, q)]!, 4 * q);
        done.push({ lane: j, md5: digest.toString("base64") });
        messages[j] = undefined;
        busy--;
      }
      return n * 64 * active;
    };

    const set: Md5Lanes = {
      get free() {
        return lanes - busy;
      },
      add(message) {
        // The lowest free lane, so that up to four messages run in the cheaper one-vector pass.
        const j = messages.indexOf(undefined);
        if (j < 0) throw new RangeError("md5 lanes: every lane is busy");
        messages[j] = message;
        pos[j] = 0;
        total[j] = Math.ceil((message.length + 9) / 64) * 64;
        for (let q = 0; q < 4; q++) words[stateWord(j, q)] = iv[q]!;
        busy++;
        return j;
      },
      run(budget) {
        const done: Md5LaneDigest[] = [];
        let spent = 0;
        do spent += pass(done);
        while (busy > 0 && spent < budget);
        return done;
      },
      hashAll(list) {
        if (busy > 0) throw new RangeError("md5 lanes: hashAll needs every lane free");
        const out: string[] = new Array<string>(list.length);
        for (let i = 0; i < list.length; i += lanes) {
          const base = i;
          list.slice(i, i + lanes).forEach((m) => set.add(m));
          while (busy > 0) for (const d of set.run(Infinity)) out[base + d.lane] = d.md5;
        }
        return out;
      },
    };

    // RFC 1321 A.5: seven messages in one pass (both kernels), then four and three (the one-vector kernel).
    const suite: Array<[string, string]> = [
      ["", "d41d8cd98f00b204e9800998ecf8427e"],
      ["a", "0cc175b9c0f1b6a831c399e269772661"],
      ["abc", "900150983cd24fb0d6963f7d28e17f72"],
      ["message digest", "f96b697d7cb7938d525a2f31aaf161d0"],
      ["abcdefghijklmnopqrstuvwxyz", "c3fcd3d76192e4007dfb496cca67e13b"],
      ["ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", "d174ab98d277d9f5a5611c2c9f419d9f"],
      ["12345678901234567890123456789012345678901234567890123456789012345678901234567890", "57edf4a22be3c955ac49da2e2107b67a"],
    ];
    const inputs = suite.map(([text]) => Buffer.from(text, "latin1"));
    const wanted = suite.map(([, hex]) => Buffer.from(hex, "hex").toString("base64")).join();
    if (set.hashAll(inputs).join() !== wanted) return undefined;
    if ([...set.hashAll(inputs.slice(0, 4)), ...set.hashAll(inputs.slice(4))].join() !== wanted) return undefined;
    return set;
  } catch {
    return undefined;
  }
}
