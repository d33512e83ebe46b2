import { describe, expect, it } from "@jest/globals";
import { createHash, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { CRC64_WASM_BASE64 } from "../src/integrity/crc64-wasm-bytes.js";
import type { WebAssemblyApi } from "../src/integrity/crc64-wasm.js";
import { createMd5Lanes, type Md5Lanes } from "../src/integrity/md5-lanes.js";
import { MD5_LANES_WASM_BASE64, MD5_LANES_WASM_SOURCE_SHA256 } from "../src/integrity/md5-lanes-wasm-bytes.js";

/** The global WebAssembly API (its types are in lib "dom", which this project does not load). */
const WA = (globalThis as { WebAssembly?: WebAssemblyApi }).WebAssembly;

const LANES = 8;
const LANE_SIZE = 32 * 1024; // scripts/md5-lanes-wat.mjs: LANE_SIZE, the bytes of a message one pass copies

/** The oracle: node:crypto's MD5, base64. */
function md5(data: Uint8Array): string {
  return createHash("md5").update(data).digest("base64");
}

/** A fresh set of lanes; if the module did not load, the test fails and says so. */
function fresh(): Md5Lanes {
  const lanes = createMd5Lanes(WA, MD5_LANES_WASM_BASE64);
  if (lanes === undefined) throw new Error("md5 lanes unavailable (WebAssembly SIMD module did not load)");
  return lanes;
}

/** Lengths around MD5's padding boundaries (55/56 bytes in a block) and the 32 KiB slice a pass copies. */
const BOUNDARY_LENGTHS = [
  0, 1, 55, 56, 57, 63, 64, 65, 119, 120, 128,
  LANE_SIZE - 9, LANE_SIZE - 8, LANE_SIZE - 1, // padded length exactly one slice / padding spills into the next
  LANE_SIZE, LANE_SIZE + 1, 100_000, 3 * 65536 + 7,
];

/** Deterministic bytes for property tests' large messages (fast-check is slow at generating them byte by byte). */
function seeded(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed | 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

describe("createMd5Lanes (WebAssembly SIMD multi-message MD5)", () => {
  it("loads on Node 20", () => {
    expect(typeof WA).toBe("object");
    const lanes = createMd5Lanes(WA, MD5_LANES_WASM_BASE64);
    expect(lanes).toBeDefined();
    expect(lanes!.free).toBe(LANES);
    expect(lanes!.hashAll([Buffer.from("abc")])).toEqual([md5(Buffer.from("abc"))]);
  });

  it("is shipped as bytes built from the committed .wat, which the generator still produces", async () => {
    const bytes = Buffer.from(MD5_LANES_WASM_BASE64, "base64");
    expect(bytes.subarray(0, 8)).toEqual(Buffer.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]));
    const wat = readFileSync(new URL("../wasm/md5-lanes.wat", import.meta.url), "utf8").replace(/\r\n/g, "\n");
    // If either fails, run `node packages/core/scripts/build-wasm.mjs` and commit the results.
    expect(createHash("sha256").update(wat).digest("hex")).toBe(MD5_LANES_WASM_SOURCE_SHA256);
    const generator = (await import(new URL("../scripts/md5-lanes-wat.mjs", import.meta.url).href)) as { md5LanesWat(): string };
    expect(generator.md5LanesWat()).toBe(wat);
  });

  it("hashes every padding-boundary length alone", () => {
    const lanes = fresh();
    const backing = randomBytes(3 * 65536 + 64);
    for (const len of BOUNDARY_LENGTHS) {
      const message = backing.subarray(3, 3 + len);
      expect({ len, md5: lanes.hashAll([message])[0] }).toEqual({ len, md5: md5(message) });
    }
  });

  it("hashes batches of 1..17 messages of mixed boundary lengths, in order", () => {
    const lanes = fresh();
    const backing = randomBytes(4 * 65536);
    for (let count = 1; count <= 2 * LANES + 1; count++) {
      // A different mix per batch: rotate through the lengths, each message at its own offset.
      const messages = Array.from({ length: count }, (_, i) => {
        const len = BOUNDARY_LENGTHS[(i * 5 + count) % BOUNDARY_LENGTHS.length]!;
        const off = (i * 131 + count) % 2048;
        return backing.subarray(off, off + len);
      });
      const got = lanes.hashAll(messages);
      expect(got.map((d, i) => ({ count, i, len: messages[i]!.length, d }))).toEqual(
        messages.map((m, i) => ({ count, i, len: m.length, d: md5(m) })),
      );
      expect(lanes.free).toBe(LANES);
    }
    expect(lanes.hashAll([])).toEqual([]);
  });

  it("lets messages join while others run, reusing finished lanes", () => {
    const lanes = fresh();
    const long = randomBytes(100_000);
    const tiny = randomBytes(10);
    const mid = randomBytes(5000);
    expect(lanes.run(1000)).toEqual([]); // nothing busy: nothing to report
    expect(lanes.free).toBe(8);
    expect(lanes.add(long)).toBe(0);
    expect(lanes.free).toBe(7);
    expect(lanes.run(64)).toEqual([]); // one pass: 32 KiB of the long message
    expect(lanes.free).toBe(7);
    expect(lanes.add(tiny)).toBe(1);
    expect(lanes.free).toBe(6);
    // One pass of one block: the tiny message (one padded block) finishes, the long one is half done.
    expect(lanes.run(1)).toEqual([{ lane: 1, md5: md5(tiny) }]);
    expect(lanes.free).toBe(7);
    expect(lanes.add(mid)).toBe(1); // lane 1 again: the lowest free one
    expect(lanes.add(tiny)).toBe(2);
    expect(lanes.free).toBe(5);
    const done: Array<{ lane: number; md5: string }> = [];
    for (let i = 0; i < 100 && lanes.free < LANES; i++) done.push(...lanes.run(4096));
    expect(done.sort((a, b) => a.lane - b.lane)).toEqual([
      { lane: 0, md5: md5(long) },
      { lane: 1, md5: md5(mid) },
      { lane: 2, md5: md5(tiny) },
    ]);
    expect(lanes.free).toBe(LANES);
  });

  it("matches node:crypto on a long staggered schedule, with every lane in use", () => {
    const lanes = fresh();
    const messages = Array.from({ length: 40 }, (_, i) => randomBytes(BOUNDARY_LENGTHS[(i * 7) % BOUNDARY_LENGTHS.length]! + (i % 3)));
    const inLane = new Map<number, number>(); // lane → message index
    const lanesUsed: number[][] = Array.from({ length: LANES }, () => []);
    const digests: string[] = [];
    let next = 0;
    let mostBusy = 0;
    for (let step = 0; step < 10_000 && (next < messages.length || inLane.size > 0); step++) {
      // Add one or two messages per step while lanes are free, then run a small, varying budget.
      for (let k = 0; k < 1 + (step % 2) && next < messages.length && lanes.free > 0; k++) {
        const free = lanes.free;
        const lane = lanes.add(messages[next]!);
        expect(lanes.free).toBe(free - 1);
        expect(inLane.has(lane)).toBe(false);
        inLane.set(lane, next);
        lanesUsed[lane]!.push(next++);
      }
      mostBusy = Math.max(mostBusy, LANES - lanes.free);
      const free = lanes.free;
      const done = lanes.run(64 * (1 + (step % 5)));
      expect(done.map((d) => d.lane)).toEqual([...done.map((d) => d.lane)].sort((a, b) => a - b));
      for (const d of done) {
        const index = inLane.get(d.lane)!;
        digests[index] = d.md5;
        inLane.delete(d.lane);
      }
      expect(lanes.free).toBe(free + done.length);
    }
    expect(next).toBe(messages.length);
    expect(digests).toEqual(messages.map(md5));
    expect(mostBusy).toBe(LANES);
    // Every lane was used, and finished lanes took new messages (the lowest free lane first).
    expect(lanesUsed.every((used) => used.length >= 1)).toBe(true);
    expect(lanesUsed[0]!.length).toBeGreaterThanOrEqual(5);
    expect(lanesUsed.filter((used) => used.length >= 2).length).toBeGreaterThanOrEqual(LANES / 2);
  });

  it("refuses a ninth message, and hashAll while lanes are busy", () => {
    const lanes = fresh();
    const messages = Array.from({ length: LANES }, (_, i) => randomBytes(1000 * i + 1));
    messages.forEach((m, i) => expect(lanes.add(m)).toBe(i));
    expect(lanes.free).toBe(0);
    expect(() => lanes.add(Buffer.from("one too many"))).toThrow(RangeError);
    expect(() => lanes.hashAll([Buffer.from("x")])).toThrow(RangeError);
    expect(lanes.free).toBe(0);
    const digests: string[] = [];
    for (let i = 0; i < 100 && lanes.free < LANES; i++) for (const d of lanes.run(1 << 20)) digests[d.lane] = d.md5;
    expect(digests).toEqual(messages.map(md5));
    // One busy lane is enough to refuse hashAll; once it finishes, hashAll works again.
    lanes.add(messages[7]!);
    expect(() => lanes.hashAll([])).toThrow(RangeError);
    expect(lanes.run(Infinity)).toEqual([{ lane: 0, md5: md5(messages[7]!) }]);
    expect(lanes.hashAll([messages[3]!])).toEqual([md5(messages[3]!)]);
  });

  it("matches node:crypto on random batches (property)", () => {
    const lanes = fresh();
    const message = fc.oneof(
      { weight: 9, arbitrary: fc.uint8Array({ maxLength: 300 }) },
      { weight: 1, arbitrary: fc.tuple(fc.integer({ min: 301, max: 3 * LANE_SIZE }), fc.integer()).map(([len, seed]) => seeded(len, seed)) },
    );
    fc.assert(
      fc.property(fc.array(message, { minLength: 1, maxLength: 12 }), (messages) => {
        expect(lanes.hashAll(messages)).toEqual(messages.map(md5));
      }),
      { numRuns: 100 },
    );
  });

  it("matches node:crypto when messages join at random points (property)", () => {
    const lanes = fresh();
    const op = fc.oneof(fc.uint8Array({ maxLength: 400 }), fc.integer({ min: 1, max: 2048 }));
    fc.assert(
      fc.property(fc.array(op, { minLength: 1, maxLength: 30 }), (ops) => {
        const expected: string[] = [];
        const got: string[] = [];
        const inLane = new Map<number, number>();
        const collect = (done: Array<{ lane: number; md5: string }>): void => {
          for (const d of done) {
            got[inLane.get(d.lane)!] = d.md5;
            inLane.delete(d.lane);
          }
        };
        for (const o of ops) {
          if (typeof o === "number") collect(lanes.run(o));
          else if (lanes.free > 0) {
            inLane.set(lanes.add(o), expected.length);
            expected.push(md5(o));
          }
        }
        for (let i = 0; i < 1000 && lanes.free < LANES; i++) collect(lanes.run(64));
        expect(lanes.free).toBe(LANES);
        expect(got).toEqual(expected);
      }),
      { numRuns: 100 },
    );
  });

  it("reads messages in shared memory at any offset, and never modifies them", () => {
    const lanes = fresh();
    const shared = new Uint8Array(new SharedArrayBuffer(200_000));
    shared.set(randomBytes(shared.length));
    const plain = randomBytes(150_000);
    const messages = [
      shared.subarray(1, 1 + 100_000),
      shared.subarray(100_003, 100_003 + 56),
      plain.subarray(5, 5 + LANE_SIZE + 1),
      shared.subarray(150_000),
      plain.subarray(0, 0),
      plain.subarray(77, 77 + 120),
      shared.subarray(7, 7 + 3 * LANE_SIZE),
      plain.subarray(100_000, 100_000 + 63),
      plain.subarray(1),
    ];
    const sharedBefore = Buffer.from(shared);
    const plainBefore = Buffer.from(plain);
    const copies = messages.map((m) => Buffer.from(m));
    expect(lanes.hashAll(messages)).toEqual(copies.map(md5));
    // Staggered as well: add, run a little, add.
    lanes.add(messages[0]!);
    lanes.run(64);
    lanes.add(messages[6]!);
    const done: string[] = [];
    for (let i = 0; i < 100 && lanes.free < LANES; i++) for (const d of lanes.run(4096)) done[d.lane] = d.md5;
    expect(done).toEqual([md5(copies[0]!), md5(copies[6]!)]);
    expect(Buffer.from(shared).equals(sharedBefore)).toBe(true);
    expect(Buffer.from(plain).equals(plainBefore)).toBe(true);
    messages.forEach((m, i) => expect(Buffer.from(m).equals(copies[i]!)).toBe(true));
  });

  it("gives independent instances", () => {
    const a = fresh();
    const b = fresh();
    const one = randomBytes(70_000);
    const two = randomBytes(50_000);
    expect(a.add(one)).toBe(0);
    a.run(64);
    // b's lanes are its own: hashing there neither sees nor disturbs a's half-done message.
    expect(b.free).toBe(LANES);
    expect(b.hashAll([two, one])).toEqual([md5(two), md5(one)]);
    const done: string[] = [];
    for (let i = 0; i < 100 && a.free < LANES; i++) for (const d of a.run(4096)) done[d.lane] = d.md5;
    expect(done).toEqual([md5(one)]);
  });

  it("reports unavailability as undefined instead of throwing", () => {
    expect(createMd5Lanes(undefined, MD5_LANES_WASM_BASE64)).toBeUndefined();
    expect(createMd5Lanes(WA, "this is not a WebAssembly module!")).toBeUndefined();
    expect(createMd5Lanes(WA, "")).toBeUndefined();
    // A valid module with other exports (the CRC-64 one).
    expect(createMd5Lanes(WA, CRC64_WASM_BASE64)).toBeUndefined();
    // WebAssembly (or SIMD) missing: compiling fails.
    const noCompile = {
      Module: class {
        constructor() {
          throw new Error("CompileError: SIMD unsupported");
        }
      },
      Instance: class {},
    } as unknown as WebAssemblyApi;
    expect(createMd5Lanes(noCompile, MD5_LANES_WASM_BASE64)).toBeUndefined();
  });

  it("self-checks both kernels and returns undefined when either gives wrong digests", () => {
    const real = WA!;
    const withBroken = (name: "blocks4" | "blocks8"): WebAssemblyApi => ({
      Module: real.Module,
      Instance: class {
        readonly exports: Record<string, unknown>;
        constructor(module: object) {
          this.exports = { ...new real.Instance(module).exports, [name]: (): void => undefined };
        }
      },
    });
    expect(createMd5Lanes(withBroken("blocks4"), MD5_LANES_WASM_BASE64)).toBeUndefined();
    expect(createMd5Lanes(withBroken("blocks8"), MD5_LANES_WASM_BASE64)).toBeUndefined();
    // The same wrapper without breakage loads: the failures above come from the digests.
    const passThrough: WebAssemblyApi = {
      Module: real.Module,
      Instance: class {
        readonly exports: Record<string, unknown>;
        constructor(module: object) {
          this.exports = { ...new real.Instance(module).exports };
        }
      },
    };
    expect(createMd5Lanes(passThrough, MD5_LANES_WASM_BASE64)).toBeDefined();
  });
});
