#!/usr/bin/env node
// CRC-64 throughput benchmark (not a test). Build first, then run from the repo root:
//   npx tsc -b packages/core && node packages/core/bench/crc64.bench.mjs [sizeMiB=256] [runs=5]
//
// Hashes one random buffer with crc64-ecma182.js (4 MiB chunks, decimal-string prev, as the
// old backend did), the WebAssembly backend and node:crypto MD5, round-robin, and prints the
// median MiB/s of each with ratios. The host drifts by ±20%: compare columns of one run.

import { createHash, randomFillSync } from "node:crypto";
import { createRequire } from "node:module";
import { performance } from "node:perf_hooks";

const MiB = 1024 * 1024;
const sizeMiB = Number(process.argv[2] ?? 256);
const runs = Number(process.argv[3] ?? 5);
if (!(sizeMiB > 0 && Number.isInteger(runs) && runs > 0)) {
  console.error("usage: node packages/core/bench/crc64.bench.mjs [sizeMiB] [runs]");
  process.exit(2);
}

const dist = new URL("../dist/integrity/", import.meta.url);
let wasmModule;
try {
  wasmModule = await import(new URL("crc64-wasm.js", dist).href);
} catch (e) {
  console.error(`cannot load ${dist.pathname}crc64-wasm.js: run \`npx tsc -b packages/core\` first`);
  throw e;
}
const { crc64 } = await import(new URL("crc64.js", dist).href);

const require = createRequire(import.meta.url);
const ecma182 = require("crc64-ecma182.js");

const t0 = performance.now();
const wasmUpdate = wasmModule.loadCrc64Wasm();
const loadMs = performance.now() - t0;
if (wasmUpdate === undefined) {
  console.error("WebAssembly backend unavailable");
  process.exit(1);
}

const CHUNK = 4 * MiB;
const methods = [
  {
    name: "crc64-ecma182.js (4 MiB chunks)",
    run: (buf) => {
      let crc = "0";
      for (let at = 0; at < buf.length; at += CHUNK) crc = ecma182.crc64(buf.subarray(at, at + CHUNK), crc);
      return BigInt(crc);
    },
  },
  { name: "crc64 WebAssembly backend", run: (buf) => wasmUpdate(buf, 0n) },
  { name: "node:crypto md5", run: (buf) => createHash("md5").update(buf).digest("hex") },
];

const buf = Buffer.allocUnsafe(sizeMiB * MiB);
for (let at = 0; at < buf.length; at += 64 * MiB) randomFillSync(buf, at, Math.min(64 * MiB, buf.length - at));

// Correctness first (also warms every method up).
const expected = methods[0].run(buf.subarray(0, 16 * MiB));
const got = methods[1].run(buf.subarray(0, 16 * MiB));
if (got !== expected || crc64(buf.subarray(0, 16 * MiB)) !== expected) {
  throw new Error(`CRC mismatch: crc64-ecma182.js ${expected}, WebAssembly ${got}`);
}
methods[2].run(buf.subarray(0, 16 * MiB));

const samples = methods.map(() => []);
for (let r = 0; r < runs; r++) {
  for (const [i, m] of methods.entries()) {
    const start = performance.now();
    m.run(buf);
    samples[i].push(sizeMiB / ((performance.now() - start) / 1000));
  }
}
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};
const med = samples.map(median);

console.log(
  `CRC-64 benchmark: ${sizeMiB} MiB random buffer, median of ${runs} round-robin runs, node ${process.version}`,
);
console.log(`WebAssembly module instantiated in ${loadMs.toFixed(2)} ms\n`);
const rows = [["method", "MiB/s", "min..max", "× crc64-ecma182.js", "× md5", "ms per 8 MiB"]];
for (const [i, m] of methods.entries()) {
  rows.push([
    m.name,
    med[i].toFixed(0),
    `${Math.min(...samples[i]).toFixed(0)}..${Math.max(...samples[i]).toFixed(0)}`,
    (med[i] / med[0]).toFixed(2),
    (med[i] / med[2]).toFixed(2),
    ((8 / med[i]) * 1000).toFixed(1),
  ]);
}
const widths = rows[0].map((_, c) => Math.max(...rows.map((row) => row[c].length)));
for (const row of rows) console.log(row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join("  "));
