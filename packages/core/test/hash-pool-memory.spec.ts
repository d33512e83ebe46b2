/**
 * The hashing workers must not keep buffers alive after their use: a worker holds every shared
 * buffer it was sent until its own garbage collector runs, which its small heap almost never needs.
 * Workers are replaced after a budget of distinct buffers, and stop when idle.
 */
import { describe, expect, it } from "@jest/globals";
import { createHash, randomFillSync } from "node:crypto";
import { crc64 } from "../src/integrity/crc64.js";
import { HashPool } from "../src/integrity/hash-pool.js";
import { sharedBuffer } from "../src/io/part-buffers.js";
import { runCompiled } from "./compiled-core.js";

const MiB = 1024 * 1024;
const md5 = (b: Buffer): string => createHash("md5").update(b).digest("base64");

describe("HashPool: workers do not keep buffers alive", () => {
  it("replaces a worker once it was handed recycleBytes of distinct buffers; buffers sent again do not count", async () => {
    const pool = new HashPool({ workers: 2, recycleBytes: 8 * MiB });
    try {
      const reused = randomFillSync(sharedBuffer(2 * MiB));
      for (let i = 0; i < 12; i++) expect(await pool.hash(reused, true)).toEqual({ crc64: crc64(reused), md5: md5(reused) });
      expect(pool.stats().recycled).toBe(0);
      for (let i = 0; i < 12; i++) {
        const fresh = randomFillSync(sharedBuffer(2 * MiB));
        expect(await pool.hash(fresh, true)).toEqual({ crc64: crc64(fresh), md5: md5(fresh) });
      }
      // Each worker saw 2 + 24 MiB of distinct buffers: replaced about every 8 MiB.
      expect(pool.stats().recycled).toBeGreaterThanOrEqual(4);
      expect(pool.workers).toBe(2);
    } finally {
      await pool.close();
    }
  });

  it("stops idle workers after idleMs, and starts new ones for the next job", async () => {
    const pool = new HashPool({ workers: 2, idleMs: 50 });
    try {
      const data = randomFillSync(sharedBuffer(2 * MiB));
      await pool.hash(data, true);
      expect(pool.workers).toBe(2);
      for (let i = 0; i < 100 && pool.workers > 0; i++) await new Promise((r) => setTimeout(r, 20));
      expect(pool.workers).toBe(0);
      expect(pool.stats().idleStops).toBe(1);
      expect(await pool.hash(data, false)).toEqual({ crc64: crc64(data) });
      expect(pool.workers).toBe(2);
    } finally {
      await pool.close();
    }
  });

  it("memory held after many distinct buffers stays bounded by the budget (measured after gc in a child process)", () => {
    // 48 distinct 4 MiB buffers (192 MiB) hashed and dropped; then gc() and the array-buffer bytes.
    const script = (recycleMiB: number): string =>
      [
        'import { HashPool } from "./integrity/hash-pool.js";',
        'import { sharedBuffer } from "./io/part-buffers.js";',
        `const pool = new HashPool({ workers: 2, recycleBytes: ${recycleMiB} * 1024 * 1024, idleMs: 60000 });`,
        "for (let i = 0; i < 48; i++) await pool.hash(sharedBuffer(4 * 1024 * 1024).fill(i), true);",
        "await new Promise((r) => setTimeout(r, 200));",
        "for (let i = 0; i < 3; i++) { globalThis.gc(); await new Promise((r) => setTimeout(r, 50)); }",
        "console.log(JSON.stringify({ mib: Math.round(process.memoryUsage().arrayBuffers / 1048576), recycled: pool.stats().recycled }));",
        "await pool.close();",
      ].join("\n");
    const held = (recycleMiB: number): { mib: number; recycled: number } => {
      const run = runCompiled(script(recycleMiB), ["--expose-gc"]);
      expect(run.stderr).toBe("");
      expect(run.status).toBe(0);
      return JSON.parse(run.stdout) as { mib: number; recycled: number };
    };
    // Without recycling the workers keep (nearly) all 192 MiB: the test can tell the two apart.
    const unbounded = held(100_000);
    expect(unbounded.recycled).toBe(0);
    expect(unbounded.mib).toBeGreaterThan(120);
    const bounded = held(32);
    expect(bounded.recycled).toBeGreaterThan(0);
    expect(bounded.mib).toBeLessThanOrEqual(64);
  });
});
