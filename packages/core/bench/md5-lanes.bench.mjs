#!/usr/bin/env node
// Multi-message MD5 throughput (not a test). Build first, then run from the repo root:
//   npx tsc -b packages/core && node packages/core/bench/md5-lanes.bench.mjs [partMiB=8] [runs=5]
//
// Hashes 1..8 random parts of `partMiB` each with node:crypto (one after another, as one thread
// would) and with the WebAssembly SIMD lanes of md5-lanes.ts (all at once), round-robin, and
// prints the median MiB/s of each with the ratio. The host drifts by ±20%: compare within a run.

import { createHash, randomFillSync } from "node:crypto";
import { performance } from "node:perf_hooks";

const MiB = 1024 * 1024;
const partMiB = Number(process.argv[2] ?? 8);
const runs = Number(process.argv[3] ?? 5);
if (!(partMiB > 0 && Number.isInteger(runs) && runs > 0)) {
  console.error("usage: node packages/core/bench/md5-lanes.bench.mjs [partMiB] [runs]");
  process.exit(2);
}

const dist = new URL("../dist/integrity/", import.meta.url);
let lanesModule;
try {
  lanesModule = await import(new URL("md5-lanes.js", dist).href);
} catch (e) {
  console.error(`cannot load ${dist.pathname}md5-lanes.js: run \`npx tsc -b packages/core\` first`);
  throw e;
}
const { MD5_LANES_WASM_BASE64 } = await import(new URL("md5-lanes-wasm-bytes.js", dist).href);
const t0 = performance.now();
const lanes = lanesModule.createMd5Lanes(globalThis.WebAssembly, MD5_LANES_WASM_BASE64);
const loadMs = performance.now() - t0;
if (lanes === undefined) {
  console.error("the MD5 lanes module is unavailable here (no WebAssembly SIMD?)");
  process.exit(1);
}

const parts = Array.from({ length: 8 }, () => randomFillSync(Buffer.allocUnsafe(partMiB * MiB)));
const crypto = (list) => list.map((p) => createHash("md5").update(p).digest("base64"));
// Correctness first (also warms both up).
if (lanes.hashAll(parts).join() !== crypto(parts).join()) throw new Error("MD5 lanes disagree with node:crypto");

const counts = [1, 2, 3, 4, 6, 8];
const samples = counts.map(() => ({ crypto: [], lanes: [] }));
for (let r = 0; r < runs; r++) {
  for (const [i, n] of counts.entries()) {
    const list = parts.slice(0, n);
    for (const [name, run] of [["crypto", crypto], ["lanes", (l) => lanes.hashAll(l)]]) {
      const start = performance.now();
      run(list);
      samples[i][name].push((n * partMiB) / ((performance.now() - start) / 1000));
    }
  }
}
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};

console.log(`MD5 lanes benchmark: ${partMiB} MiB random parts, median of ${runs} round-robin runs, node ${process.version}`);
console.log(`WebAssembly module instantiated and self-checked in ${loadMs.toFixed(2)} ms\n`);
const rows = [["parts at once", "node:crypto MiB/s", "lanes MiB/s", "lanes ÷ node:crypto", "ms per 8 MiB, lanes"]];
for (const [i, n] of counts.entries()) {
  const c = median(samples[i].crypto);
  const l = median(samples[i].lanes);
  rows.push([String(n), c.toFixed(0), l.toFixed(0), `${(l / c).toFixed(2)}×`, ((8 / l) * 1000).toFixed(1)]);
}
const widths = rows[0].map((_, c) => Math.max(...rows.map((row) => row[c].length)));
for (const row of rows) console.log(row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join("  "));
