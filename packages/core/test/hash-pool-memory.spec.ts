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

  it("a buffer the caller keeps alive does not keep the workers retired meanwhile (child process, gc)", () => {
    const tick = "const tick = () => new Promise((r) => setTimeout(r, 20));";
    // SentBuffers alone: a slot tracked for a buffer that stays alive is collectable once nobody
    // else holds it; a live slot is still told when a buffer it was sent is collected.
    const unit = [
      'import { SentBuffers } from "./integrity/sent-buffers.js";',
      tick,
      "const dead = [];",
      "let live = { seen: new WeakSet() };",
      "const sent = new SentBuffers((slot, bytes) => dead.push([slot === live, bytes]));",
      "const kept = new SharedArrayBuffer(1024);",
      "let gone = { seen: new WeakSet() };",
      "sent.track(kept, gone);",
      "sent.track(new SharedArrayBuffer(2048), live);",
      "const goneRef = new WeakRef(gone);",
      "gone = undefined;",
      "for (let i = 0; i < 10 && (goneRef.deref() !== undefined || dead.length === 0); i++) { await tick(); globalThis.gc(); }",
      "console.log(JSON.stringify({ goneCollected: goneRef.deref() === undefined, dead, kept: kept.byteLength }));",
    ].join("\n");
    // The pool: both workers are sent `kept`, then retired (8 MiB budget) for the buffers dropped after it.
    // `pool.slots` is the pool's private list of workers, read here only to watch the first two.
    const pool = [
      'import { HashPool } from "./integrity/hash-pool.js";',
      'import { sharedBuffer } from "./io/part-buffers.js";',
      tick,
      "const pool = new HashPool({ workers: 2, recycleBytes: 8 * 1024 * 1024, idleMs: 60000 });",
      "const kept = sharedBuffer(4 * 1024 * 1024).fill(7);",
      "await pool.hash(kept, true);",
      "const first = pool.slots.map((s) => new WeakRef(s));",
      "for (let i = 0; i < 8; i++) await pool.hash(sharedBuffer(4 * 1024 * 1024).fill(i), true);",
      "for (let i = 0; i < 10; i++) { globalThis.gc(); await tick(); }",
      "console.log(JSON.stringify({ first: first.length, firstAlive: first.filter((r) => r.deref() !== undefined).length, recycled: pool.stats().recycled, kept: kept.length }));",
      "await pool.close();",
    ].join("\n");
    const run = (script: string): unknown => {
      const result = runCompiled(script, ["--expose-gc"]);
      expect(result.stderr).toBe("");
      expect(result.status).toBe(0);
      return JSON.parse(result.stdout);
    };
    expect(run(unit)).toEqual({ goneCollected: true, dead: [[true, 2048]], kept: 1024 });
    const out = run(pool) as { first: number; firstAlive: number; recycled: number };
    expect(out.first).toBe(2);
    expect(out.recycled).toBeGreaterThanOrEqual(2);
    // Before the fix (slots held strongly by the record of `kept`): both retired slots stayed alive.
    expect(out.firstAlive).toBe(0);
  }, 60_000);

  it("a worker that gets ready after the idle timer looked (and let it be) is stopped after idleMs too", async () => {
    // Of the two workers (consecutive thread ids), the even one is ready at once and takes the job;
    // the odd one says it is ready only when the test tells it to (a BroadcastChannel), after the
    // pool's idle timer ran with it not ready. Jobs are answered without a value: hashed inline.
    const name = `hash-pool-late-ready-${process.pid}-${Date.now()}`;
    const source = [
      "const { parentPort, threadId } = require('node:worker_threads');",
      "parentPort.on('message', (m) => parentPort.postMessage({ id: m.id }));",
      "if (threadId % 2 === 0) parentPort.postMessage({ ready: true });",
      "else {",
      `  const channel = new BroadcastChannel(${JSON.stringify(name)});`,
      "  channel.onmessage = (e) => { if (e.data === 'go') { channel.close(); parentPort.postMessage({ ready: true }); } };",
      "  channel.postMessage('listening');",
      "}",
    ].join("\n");
    const channel = new BroadcastChannel(name);
    const listening = new Promise<void>((resolve) => {
      channel.onmessage = (e) => {
        if ((e as MessageEvent).data === "listening") resolve();
      };
    });
    const pool = new HashPool({ workers: 2, source, idleMs: 20 });
    const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
    try {
      const data = randomFillSync(sharedBuffer(2 * MiB));
      expect(await pool.hash(data, false)).toEqual({ crc64: crc64(data) });
      await listening;
      // The idle timer was armed (20 ms) when the job was done, before this longer wait began: it has
      // run by now, and let the pool be since a worker is not ready.
      await sleep(100);
      expect(pool.workers).toBe(2);
      expect(pool.stats().idleStops).toBe(0);
      channel.postMessage("go");
      for (let i = 0; i < 100 && pool.workers > 0; i++) await sleep(20);
      // Before the fix: nothing armed the timer again, both workers stayed (unref'd) for good.
      expect(pool.workers).toBe(0);
      expect(pool.stats().idleStops).toBe(1);
    } finally {
      channel.close();
      await pool.close();
    }
  }, 15_000);
});
