#!/usr/bin/env node
// Whole-object PUTs and GETs of 64 KiB to 12 MiB (a size ladder between the small-object and the
// multipart cases of cos-bench.mjs), @stowage/cos against bare node:http, in one process, rounds
// interleaved. Prints MiB/s, client CPU per GiB, and the ratios. Writes go to a discarding
// emulator, reads to one that keeps bytes (so @stowage/cos checks the CRC-64 of what it reads).
// Not part of `pnpm bench`; needs a build (`npx tsc -b`).
//
//   node bench/size-ladder.mjs [--clients stowage,bare] [--sizes 64K,1M,4M,12M] [--mib 256] [--rounds 3] [--concurrency 4]

import { randomFillSync } from "node:crypto";
import { parseArgs } from "node:util";
import { runPool } from "./lib/concurrency.mjs";
import { rootPath } from "./lib/paths.mjs";
import { KiB, MiB } from "./lib/source.mjs";
import { startServer } from "./lib/spawn.mjs";

const { values: args } = parseArgs({
  options: {
    clients: { type: "string", default: "stowage,bare" },
    sizes: { type: "string", default: "64K,1M,4M,12M" },
    mib: { type: "string", default: "256" },
    rounds: { type: "string", default: "3" },
    concurrency: { type: "string", default: "4" },
  },
});
const names = args.clients.split(",");
const sizes = args.sizes.split(",").map(parseSize);
const volume = Number(args.mib) * MiB;
const rounds = Number(args.rounds);
const concurrency = Number(args.concurrency);
for (const [name, n] of [["--mib", volume], ["--rounds", rounds], ["--concurrency", concurrency]]) {
  if (!Number.isSafeInteger(n) || n <= 0) throw new Error(`${name} must be a positive integer`);
}

/** "64K" → 65536, "4M" → 4 MiB, "100" → 100 bytes. */
function parseSize(text) {
  const m = /^(\d+)([KM]?)$/i.exec(text.trim());
  if (!m) throw new Error(`bad size ${text} (use e.g. 64K, 4M)`);
  return Number(m[1]) * { "": 1, K: KiB, M: MiB }[m[2].toUpperCase()];
}

const label = (size) => (size >= MiB ? `${size / MiB} MiB` : `${size / KiB} KiB`);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const discard = await startServer([rootPath("bench/emulator-server.mjs"), "--discard"]);
const keep = await startServer([rootPath("bench/emulator-server.mjs")]);
try {
  const load = async (target) => {
    const clients = {};
    for (const name of names) clients[name] = await (await import(`./clients/${name}.mjs`)).createClient(target, {});
    return clients;
  };
  const writers = await load(discard.info);
  const readers = await load(keep.info);
  const results = {};
  const record = (key, bytes, seconds, cpuMicros) => (results[key] ??= []).push({ rate: bytes / MiB / seconds, cpu: cpuMicros / 1e6 / (bytes / (1024 * MiB)) });

  for (const size of sizes) {
    const bodies = Array.from({ length: 4 }, () => randomFillSync(Buffer.allocUnsafe(size)));
    const count = Math.max(8, Math.round(volume / size));
    // Objects to read, written once by the first client (not timed).
    await runPool(4, 4, (i) => readers[names[0]].putSmall(`ladder/${size}/${i}`, bodies[i]));
    for (let round = 0; round <= rounds; round++) {
      for (const name of names) {
        // Round 0 warms up (JIT, connections, workers, buffers) and is not reported.
        const n = round === 0 ? Math.min(count, 32) : count;
        for (const [op, run] of [
          ["PUT", (i) => writers[name].putSmall(`ladder/${name}/${i}`, bodies[i % 4])],
          ["GET", async (i) => {
            const got = await readers[name].getSmall(`ladder/${size}/${i % 4}`);
            if (got !== size) throw new Error(`GET: ${got} bytes, expected ${size}`);
          }],
        ]) {
          const c0 = process.cpuUsage();
          const t0 = performance.now();
          await runPool(n, concurrency, run);
          const c = process.cpuUsage(c0);
          if (round > 0) record(`${size} ${op} ${name}`, n * size, (performance.now() - t0) / 1000, c.user + c.system);
        }
      }
    }
  }

  console.log(`Whole-object PUT and GET, concurrency ${concurrency}, ~${args.mib} MiB per size and round, median of ${rounds} rounds (client CPU: core-seconds per GiB)\n`);
  const head = ["size", "op", ...names.flatMap((n) => [`${n} MiB/s`, `${n} CPU/GiB`])];
  if (names.includes("stowage") && names.includes("bare")) head.push("stowage ÷ bare, rate", "stowage ÷ bare, CPU");
  console.log(`| ${head.join(" | ")} |\n|${head.map(() => "---:").join("|")}|`);
  for (const size of sizes) {
    for (const op of ["PUT", "GET"]) {
      const row = [label(size), op];
      const stat = {};
      for (const name of names) {
        const runs = results[`${size} ${op} ${name}`];
        stat[name] = { rate: median(runs.map((r) => r.rate)), cpu: median(runs.map((r) => r.cpu)) };
        row.push(stat[name].rate.toFixed(0), stat[name].cpu.toFixed(2));
      }
      if (stat.stowage && stat.bare) row.push(`${((100 * stat.stowage.rate) / stat.bare.rate).toFixed(0)}%`, `${(stat.stowage.cpu / stat.bare.cpu).toFixed(2)}×`);
      console.log(`| ${row.join(" | ")} |`);
    }
  }
} finally {
  await Promise.all([discard.stop(), keep.stop()]);
}
