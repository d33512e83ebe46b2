import { CRC64_WASM_BASE64 } from "./crc64-wasm-bytes.js";

/**
 * A CRC-64/XZ backend: hashes `data` continuing from the final CRC `prev`
 * (0 ≤ prev < 2^64) and returns the new final CRC, also in 0 ≤ crc < 2^64.
 */
export type Crc64Update = (data: Uint8Array, prev: bigint) => bigint;

/** The slice of the WebAssembly JS API used here (lib "dom" is not in this project's types). */
export interface WebAssemblyApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports?: object) => { readonly exports: Record<string, unknown> };
}

/** What wasm/crc64.wat exports. */
interface Crc64Exports {
  readonly memory: { readonly buffer: ArrayBuffer };
  readonly scratch: { readonly value: number };
  readonly scratchSize: { readonly value: number };
  /** Continues final CRC `prev` over `length` bytes at `at`; the i64 result arrives signed. */
  update(prev: bigint, at: number, length: number): bigint;
}

/** undefined: not tried yet; null: tried and unavailable. */
let cached: Crc64Update | null | undefined;

/**
 * The WebAssembly CRC-64/XZ backend (3-lane braid over slicing-by-8 tables,
 * ~1,800–2,100 MiB/s on one thread on Node 20, copy included; see
 * packages/core/bench/crc64.bench.mjs), instantiated synchronously from
 * {@link CRC64_WASM_BASE64} on the first call (~1 ms; the tables are built by the
 * module's start function). Inputs are copied into a fixed 256 KiB scratch area in
 * the module's memory and hashed slice by slice, so any length works.
 *
 * Returns `undefined` when WebAssembly is missing or the module fails to load or
 * fails its self-check; callers then fall back to crc64-ecma182.js. The outcome is
 * cached for the life of the process (per worker thread).
 *
 * @throws nothing: every failure is reported as `undefined`.
 */
export function loadCrc64Wasm(): Crc64Update | undefined {
  if (cached === undefined) {
    cached = createCrc64Wasm((globalThis as { WebAssembly?: WebAssemblyApi }).WebAssembly) ?? null;
  }
  return cached ?? undefined;
}

/**
 * Instantiates a fresh copy of the module (its own tables and scratch memory)
 * through `wasm` (normally the global `WebAssembly`), without caching: what
 * {@link loadCrc64Wasm} does once. `undefined` when `wasm` is missing, the module
 * does not load, or it fails the check value.
 *
 * @throws nothing: every failure is reported as `undefined`.
 */
export function createCrc64Wasm(wasm: WebAssemblyApi | undefined): Crc64Update | undefined {
  if (wasm === undefined) return undefined;
  try {
    const exports = new wasm.Instance(new wasm.Module(Buffer.from(CRC64_WASM_BASE64, "base64"))).exports;
    if (!isCrc64Exports(exports)) return undefined;
    const update = makeUpdate(exports);
    // `protocols.md` §4.1 vector, chained to cover `prev`; the 53-byte second call takes the braid path.
    const first = update(Buffer.from("12345"), 0n);
    const check = update(Buffer.from("6789This is a test of the emergency broadcast system."), first);
    return check === 7672622622872733320n ? update : undefined;
  } catch {
    return undefined;
  }
}

function isCrc64Exports(e: Record<string, unknown>): e is Record<string, unknown> & Crc64Exports {
  const memory = e["memory"] as { buffer?: unknown } | undefined;
  const scratch = e["scratch"] as { value?: unknown } | undefined;
  const size = e["scratchSize"] as { value?: unknown } | undefined;
  // Not `instanceof ArrayBuffer`: under vm contexts (jest) the memory comes from another realm.
  const buffer = memory?.buffer;
  return (
    typeof e["update"] === "function" &&
    Object.prototype.toString.call(buffer) === "[object ArrayBuffer]" &&
    typeof scratch?.value === "number" &&
    typeof size?.value === "number" &&
    scratch.value + size.value <= (buffer as ArrayBuffer).byteLength
  );
}

function makeUpdate(e: Crc64Exports): Crc64Update {
  // The memory has a fixed size (min = max), so this view is never detached.
  const heap = new Uint8Array(e.memory.buffer);
  const at = e.scratch.value;
  const size = e.scratchSize.value;
  const kernel = e.update;
  return (data, prev) => {
    if (data.length <= size) {
      heap.set(data, at);
      return BigInt.asUintN(64, kernel(prev, at, data.length));
    }
    let crc = prev;
    for (let from = 0; from < data.length; from += size) {
      const slice = data.subarray(from, Math.min(data.length, from + size));
      heap.set(slice, at);
      crc = kernel(crc, at, slice.length);
    }
    return BigInt.asUintN(64, crc);
  };
}
