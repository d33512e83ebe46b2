#!/usr/bin/env node
// Client CPU per small request (µs of user+system time per PUT, GET and listed page), for several
// clients in one process, rounds interleaved: a steadier figure than requests/s on a busy machine,
// for work on per-request overhead. Not part of `pnpm bench`; needs a build (`npx tsc -b`).
//
//   node bench/request-cost.mjs [--clients stowage,bare] [--rounds 5] [--count 2000] [--list] [--no-get]

import { parseArgs } from "node:util";
import { runPool } from "./lib/concurrency.mjs";
import { rootPath } from "./lib/paths.mjs";
import { randomBody } from "./lib/source.mjs";
import { startServer } from "./lib/spawn.mjs";

const { values: args } = parseArgs({
  options: {
    clients: { type: "string", default: "stowage,bare" },
    rounds: { type: "string", default: "5" },
    count: { type: "string", default: "2000" },
    list: { type: "boolean", default: false },
    "no-get": { type: "boolean", default: false },
  },
});
const names = args.clients.split(",");
const rounds = Number(args.rounds);
const count = Number(args.count);
const CONCURRENCY = 32;
const LIST_KEYS = 3000;

const server = await startServer([rootPath("bench/emulator-server.mjs")]);
try {
  const clients = {};
  for (const name of names) clients[name] = await (await import(`./clients/${name}.mjs`)).createClient(server.info);
  const bodies = Array.from({ length: count }, (_, i) => randomBody(4096, i));
  if (args.list) {
    const one = Buffer.from("x");
    await runPool(LIST_KEYS, CONCURRENCY, (i) => clients[names[0]].putSmall(`cost-list/${String(i).padStart(6, "0")}`, one));
  }
  const cpu = {};
  const measure = async (label, fn) => {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const n = await fn();
    const c = process.cpuUsage(c0);
    const seconds = (performance.now() - t0) / 1000;
    (cpu[label] ??= []).push({ us: (c.user + c.system) / n, rate: n / seconds });
  };
  for (let round = 0; round <= rounds; round++) {
    for (const name of names) {
      const client = clients[name];
      const keys = bodies.map((_, i) => `cost/${name}/${i}`);
      client.prepare?.(keys);
      // Round 0 warms up (JIT, connections) and is not reported.
      const tag = (what) => (round === 0 ? `warm ${name} ${what}` : `${name} ${what}`);
      await measure(tag("put"), async () => (await runPool(count, CONCURRENCY, (i) => client.putSmall(keys[i], bodies[i])), count));
      if (!args["no-get"]) await measure(tag("get"), async () => (await runPool(count, CONCURRENCY, async (i) => client.getSmall(keys[i])), count));
      if (args.list) await measure(tag("list page"), async () => (await client.list("cost-list/")) / 1000);
    }
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  for (const [label, runs] of Object.entries(cpu)) {
    if (label.startsWith("warm") && !process.env.SHOW_WARM) continue;
    console.log(`${label.padEnd(22)} ${median(runs.map((r) => r.us)).toFixed(0).padStart(6)} µs CPU each   ${median(runs.map((r) => r.rate)).toFixed(0).padStart(6)} /s`);
  }
} finally {
  await server.stop();
}
