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
  it("never recycles a worker for buffers still in use, however large (a steady upload's part buffers)", async () => {
    const pool = new HashPool({ workers: 2, recycleBytes: 8 * MiB });
    try {
      // Six 16 MiB part buffers, 96 MiB in all, hashed again and again: far past the budget, all alive.
      const parts = Array.from({ length: 6 }, () => randomFillSync(sharedBuffer(16 * MiB)));
      for (let round = 0; round < 3; round++) {
        const results = await Promise.all(parts.map((p) => pool.hash(p, true)));
        results.forEach((r, i) => expect(r).toEqual({ crc64: crc64(parts[i]!), md5: md5(parts[i]!) }));
      }
      expect(pool.stats().recycled).toBe(0);
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

  it("buffers the caller let go are given back: workers past the budget are replaced (measured after gc in a child process)", () => {
    // 48 distinct 4 MiB buffers (192 MiB) hashed and dropped; then gc() (which lets the pool see them
    // collected and replace its workers) and the array-buffer bytes of the whole process.
    const script = (recycleMiB: number): string =>
      [
        'import { HashPool } from "./integrity/hash-pool.js";',
        'import { sharedBuffer } from "./io/part-buffers.js";',
        `const pool = new HashPool({ workers: 2, recycleBytes: ${recycleMiB} * 1024 * 1024, idleMs: 60000 });`,
        "for (let i = 0; i < 48; i++) await pool.hash(sharedBuffer(4 * 1024 * 1024).fill(i), true);",
        "await new Promise((r) => setTimeout(r, 200));",
        "for (let i = 0; i < 4; i++) { globalThis.gc(); await new Promise((r) => setTimeout(r, 100)); }",
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

  it("a worker replaced while the pool is idle is stopped after idleMs too (child process, gc)", () => {
    const script = [
      'import { HashPool } from "./integrity/hash-pool.js";',
      'import { sharedBuffer } from "./io/part-buffers.js";',
      "const pool = new HashPool({ workers: 2, recycleBytes: 8 * 1024 * 1024, idleMs: 300 });",
      "for (let i = 0; i < 8; i++) await pool.hash(sharedBuffer(4 * 1024 * 1024).fill(i), true);",
      // The buffers are collected while the pool is idle: its workers are replaced then, and the
      // replacements must be stopped after idleMs like any idle worker.
      "for (let i = 0; i < 4; i++) { globalThis.gc(); await new Promise((r) => setTimeout(r, 50)); }",
      "await new Promise((r) => setTimeout(r, 1500));",
      "console.log(JSON.stringify({ workers: pool.workers, recycled: pool.stats().recycled }));",
    ].join("\n");
    const run = runCompiled(script, ["--expose-gc"]);
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    const out = JSON.parse(run.stdout) as { workers: number; recycled: number };
    expect(out.recycled).toBeGreaterThan(0);
    expect(out.workers).toBe(0);
  });
});
