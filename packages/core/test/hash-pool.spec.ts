import { describe, expect, it } from "@jest/globals";
import { createHash, randomFillSync } from "node:crypto";
import { crc64 } from "../src/integrity/crc64.js";
import { HASH_INLINE_LIMIT, HashPool } from "../src/integrity/hash-pool.js";
import { sharedBuffer } from "../src/io/part-buffers.js";
import { runCompiled } from "./compiled-core.js";

const MiB = 1024 * 1024;

function expected(data: Uint8Array): { crc64: bigint; md5: string } {
  return { crc64: crc64(data), md5: createHash("md5").update(data).digest("base64") };
}

function randomShared(size: number): Buffer {
  const buf = sharedBuffer(size);
  randomFillSync(buf);
  return buf;
}

describe("HashPool", () => {
  it("hashes shared buffers on worker threads, exactly as inline hashing does", async () => {
    const pool = new HashPool({ workers: 2 });
    try {
      const big = randomShared(5 * MiB + 3);
      // Views at odd offsets and lengths, several at once (more jobs than workers).
      const views = [big, big.subarray(1), big.subarray(7, 7 + HASH_INLINE_LIMIT), big.subarray(MiB, 4 * MiB + 11), big.subarray(0, 2 * MiB)];
      const results = await Promise.all(views.map((v) => pool.hash(v, true)));
      expect(pool.workers).toBe(2);
      results.forEach((r, i) => expect(r).toEqual(expected(views[i]!)));
      expect(await pool.hash(big, false)).toEqual({ crc64: crc64(big) });
    } finally {
      await pool.close();
    }
  });

  it("hashes small or unshared buffers inline without starting workers", async () => {
    const pool = new HashPool({ workers: 2 });
    const small = randomShared(HASH_INLINE_LIMIT - 1);
    const unshared = randomFillSync(Buffer.alloc(2 * MiB));
    expect(pool.offloads(small)).toBe(false);
    expect(pool.offloads(unshared)).toBe(false);
    expect(await pool.hash(small, true)).toEqual(expected(small));
    expect(await pool.hash(unshared, true)).toEqual(expected(unshared));
    expect(await pool.hash(Buffer.alloc(0), true)).toEqual(expected(Buffer.alloc(0)));
    expect(pool.workers).toBe(0);
  });

  it("falls back to inline hashing, with identical results, when workers cannot start", async () => {
    for (const source of ["throw new Error('no workers here')", "this is not JavaScript", "require('node:worker_threads').parentPort.postMessage({ ready: false, error: 'self-check failed' })"]) {
      const pool = new HashPool({ workers: 2, source });
      try {
        const data = randomShared(3 * MiB);
        const results = await Promise.all([pool.hash(data, true), pool.hash(data.subarray(5), true)]);
        expect(results).toEqual([expected(data), expected(data.subarray(5))]);
        expect(pool.workers).toBe(0);
        // Once given up on, the pool hashes inline straight away.
        expect(pool.offloads(data)).toBe(false);
        expect(await pool.hash(data, false)).toEqual({ crc64: crc64(data) });
      } finally {
        await pool.close();
      }
    }
  });

  it("finishes jobs inline when a worker dies in the middle of one", async () => {
    // A worker that passes the handshake, then exits on its first job.
    const source = "const { parentPort } = require('node:worker_threads'); parentPort.on('message', () => process.exit(3)); parentPort.postMessage({ ready: true });";
    const pool = new HashPool({ workers: 1, source });
    try {
      const data = randomShared(2 * MiB);
      expect(await pool.hash(data, true)).toEqual(expected(data));
      expect(pool.workers).toBe(0);
    } finally {
      await pool.close();
    }
  });

  it("hashes inline, never hanging, when a worker thread cannot even be constructed (the OS refuses a thread)", () => {
    // new Worker throws synchronously (ERR_WORKER_INIT_FAILED); the MD5 job, queued after the CRC
    // job that started the pool, used to wait forever.
    const script = [
      'import { createRequire, syncBuiltinESMExports } from "node:module";',
      "const wt = createRequire(import.meta.url)('node:worker_threads');",
      "let attempts = 0;",
      "wt.Worker = class { constructor() { attempts++; const e = new Error('EAGAIN'); e.code = 'ERR_WORKER_INIT_FAILED'; throw e; } };",
      "syncBuiltinESMExports();",
      'const { HashPool } = await import("./integrity/hash-pool.js");',
      'const { sharedBuffer } = await import("./io/part-buffers.js");',
      "const pool = new HashPool({ workers: 1, idleMs: 50 });",
      "const data = sharedBuffer(2 * 1024 * 1024).fill(9);",
      "const timeout = new Promise((r) => setTimeout(() => r('timeout'), 5000));",
      "const a = await Promise.race([pool.hash(data, true), timeout]);",
      "const b = await Promise.race([pool.hash(data.subarray(3), true), timeout]);",
      "await new Promise((r) => setTimeout(r, 200));",
      "const c = await Promise.race([pool.hash(data, false), timeout]);",
      "console.log(JSON.stringify({ a: a === 'timeout' ? a : { crc: a.crc64.toString(), md5: a.md5 }, b: b === 'timeout' ? b : b.md5, c: c === 'timeout' ? c : c.crc64.toString(), attempts, workers: pool.workers }));",
      "process.exit(0);",
    ].join("\n");
    const run = runCompiled(script, [], 30_000);
    expect(run.error).toBeUndefined();
    expect(run.stderr).toBe("");
    const data = Buffer.alloc(2 * MiB, 9);
    const out = JSON.parse(run.stdout) as { a: unknown; b: unknown; c: unknown; attempts: number; workers: number };
    expect(out.a).toEqual({ crc: crc64(data).toString(), md5: expected(data).md5 });
    expect(out.b).toBe(expected(data.subarray(3)).md5);
    expect(out.c).toBe(crc64(data).toString());
    expect(out.workers).toBe(0);
    // Tried again after the idle stop (the third call), not on every job.
    expect(out.attempts).toBe(2);
  });

  it("after its last worker died, starts a fresh one once idle for idleMs (not inline for good)", async () => {
    // A worker that gets ready, then exits on its first job.
    const source = "const { parentPort } = require('node:worker_threads'); parentPort.on('message', () => process.exit(3)); parentPort.postMessage({ ready: true });";
    const pool = new HashPool({ workers: 1, idleMs: 100, source });
    try {
      const data = randomShared(HASH_INLINE_LIMIT + 11);
      expect(await pool.hash(data, true)).toEqual(expected(data));
      for (let i = 0; i < 50 && pool.workers > 0; i++) await new Promise((r) => setTimeout(r, 20));
      expect(pool.workers).toBe(0);
      expect(pool.offloads(data)).toBe(false);
      for (let i = 0; i < 50 && !pool.offloads(data); i++) await new Promise((r) => setTimeout(r, 20));
      expect(pool.offloads(data)).toBe(true);
      expect(pool.stats().idleStops).toBeGreaterThanOrEqual(1);
      expect(await pool.hash(data, false)).toEqual({ crc64: crc64(data) });
    } finally {
      await pool.close();
    }
  });

  it("with workers: 0 never starts a worker", async () => {
    const pool = new HashPool({ workers: 0 });
    const data = randomShared(2 * MiB);
    expect(pool.offloads(data)).toBe(false);
    expect(await pool.hash(data, true)).toEqual(expected(data));
    expect(pool.workers).toBe(0);
  });

  it("lets MD5 jobs queued behind a busy worker join its SIMD lanes", async () => {
    const pool = new HashPool({ workers: 1 });
    try {
      // Eight buffers of differing lengths (each its own MD5 and CRC job), all submitted at once.
      const buffers = Array.from({ length: 8 }, (_, i) => randomShared(HASH_INLINE_LIMIT + i * 37_001 + i));
      const results = await Promise.all(buffers.map((b) => pool.hash(b, true)));
      results.forEach((r, i) => expect({ i, r }).toEqual({ i, r: expected(buffers[i]!) }));
      expect(pool.workers).toBe(1);
      expect(pool.md5LaneWorkers).toBe(1);
      const stats = pool.stats();
      expect(stats.md5Joined).toBeGreaterThan(0);
      expect(stats.md5MostInLanes).toBeGreaterThan(1);
      expect(stats.md5MostInLanes).toBeLessThanOrEqual(8);
      expect(stats.offloaded).toBe(16);
    } finally {
      await pool.close();
    }
  });

  it("a single worker answers jobs oldest first: a CRC job sent after four MD5s waits for them", async () => {
    const pool = new HashPool({ workers: 1 });
    try {
      const big = Array.from({ length: 4 }, (_, i) => randomShared(24 * MiB + i));
      const small = randomShared(HASH_INLINE_LIMIT + 3);
      const order: string[] = [];
      const hashes = big.map((b, i) => pool.hash(b, true).then((r) => (order.push(`big ${i}`), r)));
      const crcOnly = pool.hash(small, false).then((r) => (order.push("crc only"), r));
      const results = await Promise.all(hashes);
      results.forEach((r, i) => expect({ i, r }).toEqual({ i, r: expected(big[i]!) }));
      expect(await crcOnly).toEqual({ crc64: crc64(small) });
      // The parts' hashes come first, in the order they were asked for; the younger CRC after them.
      expect(order).toEqual(["big 0", "big 1", "big 2", "big 3", "crc only"]);
      expect(pool.stats().md5MostInLanes).toBeGreaterThan(1);
    } finally {
      await pool.close();
    }
  });

  it("runs at most four MD5s in one worker's lanes at once: a fifth, even a short one, waits for a lane", async () => {
    const pool = new HashPool({ workers: 1 });
    try {
      const big = Array.from({ length: 4 }, (_, i) => randomShared(16 * MiB + i));
      const short = randomShared(HASH_INLINE_LIMIT + 5);
      const order: string[] = [];
      const all = [...big, short].map((b, i) => pool.hash(b, true).then((r) => (order.push(i < 4 ? `big ${i}` : "short"), r)));
      const results = await Promise.all(all);
      results.forEach((r, i) => expect({ i, r }).toEqual({ i, r: expected([...big, short][i]!) }));
      // Sharing the lanes from the start, the short one would have been done long before the others.
      expect(order).toEqual(["big 0", "big 1", "big 2", "big 3", "short"]);
    } finally {
      await pool.close();
    }
  });

  it("never hands one worker more than eight MD5 jobs", async () => {
    const pool = new HashPool({ workers: 1 });
    try {
      const big = randomShared(HASH_INLINE_LIMIT + 12 * 4099);
      // Twelve overlapping views at different offsets and lengths.
      const views = Array.from({ length: 12 }, (_, i) => big.subarray(i * 4099, i * 4099 + HASH_INLINE_LIMIT + i * 3));
      const results = await Promise.all(views.map((v) => pool.hash(v, true)));
      results.forEach((r, i) => expect({ i, r }).toEqual({ i, r: expected(views[i]!) }));
      expect(pool.md5LaneWorkers).toBe(1);
      const stats = pool.stats();
      expect(stats.md5MostInLanes).toBeGreaterThan(1);
      expect(stats.md5MostInLanes).toBeLessThanOrEqual(8);
      expect(stats.md5Joined).toBeGreaterThanOrEqual(4); // the four beyond eight joined lanes that were running
      expect(stats.offloaded).toBe(24);
    } finally {
      await pool.close();
    }
  });

  it("with two workers, a fifth MD5 goes to the other worker rather than wait for a lane", async () => {
    const pool = new HashPool({ workers: 2 });
    try {
      const buffers = Array.from({ length: 6 }, (_, i) => randomShared(4 * MiB + i));
      const results = await Promise.all(buffers.map((b) => pool.hash(b, true)));
      results.forEach((r, i) => expect({ i, r }).toEqual({ i, r: expected(buffers[i]!) }));
      expect(pool.stats().md5MostInLanes).toBeLessThanOrEqual(4);
      // On a loaded machine the first worker may finish every job before the second is ready:
      // wait (bounded) for it rather than read its state at one instant.
      for (let i = 0; i < 200 && pool.md5LaneWorkers < 2; i++) await new Promise((r) => setTimeout(r, 25));
      expect(pool.md5LaneWorkers).toBe(2);
    } finally {
      await pool.close();
    }
  });

  it("counts the jobs it sends to workers: two per hash with MD5, one without, none inline", async () => {
    const pool = new HashPool({ workers: 2 });
    try {
      expect(pool.stats()).toEqual({ offloaded: 0, md5Joined: 0, md5MostInLanes: 0, recycled: 0, idleStops: 0 });
      const data = randomShared(HASH_INLINE_LIMIT + 5);
      expect(await pool.hash(data, true)).toEqual(expected(data));
      expect(pool.stats().offloaded).toBe(2);
      expect(await pool.hash(data, false)).toEqual({ crc64: crc64(data) });
      expect(pool.stats().offloaded).toBe(3);
      // Inline: too small, or not in shared memory.
      const small = data.subarray(0, HASH_INLINE_LIMIT - 1);
      const unshared = randomFillSync(Buffer.alloc(HASH_INLINE_LIMIT + 5));
      expect(await pool.hash(small, true)).toEqual(expected(small));
      expect(await pool.hash(unshared, true)).toEqual(expected(unshared));
      expect(pool.stats().offloaded).toBe(3);
      await Promise.all([pool.hash(data, true), pool.hash(data.subarray(1), false), pool.hash(data.subarray(2), true)]);
      expect(pool.stats().offloaded).toBe(8);
      // stats() is a copy.
      const copy = pool.stats();
      copy.offloaded = 0;
      expect(pool.stats().offloaded).toBe(8);
    } finally {
      await pool.close();
    }
  });

  it("works from compiled JavaScript, and its idle workers never hold a process open", () => {
    // Run from plain ESM, as tsc compiles it for dist/: a script that hashes on the pool and never
    // closes it must print and exit by itself.
    const script = [
      'import { HashPool } from "./integrity/hash-pool.js";',
      'import { sharedBuffer } from "./io/part-buffers.js";',
      "const pool = new HashPool({ workers: 2 });",
      "const data = sharedBuffer(3 * 1024 * 1024).fill(7);",
      "const [a, b] = await Promise.all([pool.hash(data, true), pool.hash(data.subarray(1), false)]);",
      "console.log(JSON.stringify({ workers: pool.workers, crc: a.crc64.toString(), md5: a.md5, crc2: b.crc64.toString() }));",
    ].join("\n");
    const run = runCompiled(script, [], 30_000);
    expect(run.error).toBeUndefined();
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    const data = Buffer.alloc(3 * MiB, 7);
    expect(JSON.parse(run.stdout)).toEqual({ workers: 2, crc: crc64(data).toString(), md5: expected(data).md5, crc2: crc64(data.subarray(1)).toString() });
  });
});
