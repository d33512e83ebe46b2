#!/usr/bin/env node
// Where the idle RSS of a process that uploads with @stowage/cos goes, stage by stage: a blank node
// process, then core and the COS driver imported (and, apart, the xml2js package core's XML builder
// loads), a storager opened, the hashing worker started (one 8 MiB hash), each stage in fresh child
// processes (median of --repeat). Each child also splits its RSS by /proc/self/smaps (Linux): the
// node binary's own pages, the malloc heap, other anonymous memory (V8's heap pages, the worker's,
// thread stacks). Not part of `pnpm bench`; needs a build (`npx tsc -b`).
//
//   node bench/idle-rss.mjs [--repeat 5]

import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { importDist, rootPath } from "./lib/paths.mjs";

const MiB = 1024 * 1024;
const STAGES = ["node", "xml2js", "core+cos", "storager", "worker"];

/** RSS split by mapping: the node binary's pages, the malloc heap ([heap]), other anonymous memory, the rest (MiB). */
function smapsSplit() {
  let text;
  try {
    text = readFileSync("/proc/self/smaps", "utf8");
  } catch {
    return undefined;
  }
  const split = { binary: 0, mallocHeap: 0, anon: 0, other: 0 };
  let kind = "other";
  for (const line of text.split("\n")) {
    const map = /^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (map) {
      const name = map[1];
      kind = name === process.execPath || name.endsWith("/bin/node") ? "binary" : name === "[heap]" ? "mallocHeap" : name === "" ? "anon" : "other";
      continue;
    }
    const rss = /^Rss:\s+(\d+) kB/.exec(line);
    if (rss) split[kind] += Number(rss[1]) / 1024;
  }
  return split;
}

/** Runs one stage in this process and prints its figures (one JSON line). */
async function child(stage) {
  const upTo = STAGES.indexOf(stage);
  // The node built-ins core loads, first, so that the xml2js stage counts the package alone.
  if (stage === "xml2js") {
    for (const m of ["node:stream", "node:crypto", "node:http", "node:https", "node:worker_threads", "node:zlib", "node:events", "node:timers"]) await import(m);
  }
  const before = process.memoryUsage().rss;
  if (stage === "xml2js") createRequire(rootPath("packages/core/package.json"))("xml2js");
  if (upTo >= STAGES.indexOf("core+cos")) {
    await importDist("cos");
    const { newStorager } = await importDist("core");
    if (upTo >= STAGES.indexOf("storager")) newStorager("cos://bench-1250000000/?endpoint=http://127.0.0.1:9&credential=hmac:id:key&location=ap-guangzhou");
  }
  if (upTo >= STAGES.indexOf("worker")) {
    const { hashPool } = await import(new URL("../packages/core/dist/integrity/hash-pool.js", import.meta.url).href);
    await hashPool().hash(Buffer.from(new SharedArrayBuffer(8 * MiB)), true);
  }
  await new Promise((resolve) => setTimeout(resolve, 200));
  const m = process.memoryUsage();
  process.stdout.write(JSON.stringify({ stage, rss: m.rss / MiB, added: (m.rss - before) / MiB, heapTotal: m.heapTotal / MiB, ...smapsSplit() }) + "\n");
  process.exit(0);
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

if (process.argv[2] === "--child") {
  await child(process.argv[3]);
} else {
  const { values: args } = parseArgs({ options: { repeat: { type: "string", default: "5" } } });
  const repeat = Number(args.repeat);
  if (!Number.isSafeInteger(repeat) || repeat <= 0) throw new Error("--repeat must be a positive integer");
  const runs = new Map(STAGES.map((s) => [s, []]));
  // Rounds interleave the stages, so a busy moment touches all of them alike.
  for (let i = 0; i < repeat; i++) {
    for (const stage of STAGES) {
      const out = execFileSync(process.execPath, [fileURLToPath(import.meta.url), "--child", stage], { encoding: "utf8" });
      runs.get(stage).push(JSON.parse(out.trim().split("\n").pop()));
    }
  }
  const f = (v) => (v === undefined || Number.isNaN(v) ? "—" : v.toFixed(1));
  console.log(`Idle RSS, MiB (median of ${repeat} fresh processes per stage; min-max of RSS in brackets)\n`);
  console.log("| stage | RSS | min-max | node binary | malloc heap | other anonymous | V8 heap (heapTotal) |");
  console.log("|---|---:|---:|---:|---:|---:|---:|");
  for (const [stage, list] of runs) {
    const col = (k) => f(median(list.map((r) => r[k])));
    const rss = list.map((r) => r.rss);
    const label = stage === "xml2js" ? "xml2js alone (after the node built-ins core uses)" : stage;
    const rssCell = stage === "xml2js" ? `+${col("added")}` : col("rss");
    console.log(`| ${label} | ${rssCell} | ${f(Math.min(...rss))}-${f(Math.max(...rss))} | ${col("binary")} | ${col("mallocHeap")} | ${col("anon")} | ${col("heapTotal")} |`);
  }
}
