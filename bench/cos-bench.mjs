#!/usr/bin/env node
// COS client benchmark: @stowage/cos vs cos-nodejs-sdk-v5 vs a bare node:http client (the ceiling),
// against the COS emulator running in its own processes on 127.0.0.1. Not a test.
//
//   pnpm bench                      # tsc -b, then the full run; writes docs/benchmarks.md
//   node bench/cos-bench.mjs --quick                 # smaller sizes, a smoke run (docs untouched)
//   node bench/cos-bench.mjs --cases small,list --clients stowage,bare
//   node bench/cos-bench.mjs --repeat 1              # one round (the full run takes the best of 3)
//   node bench/cos-bench.mjs --profile               # node --cpu-prof on the @stowage/cos and bare children
//
// Every client runs each case in its own child process (bench/run-case.mjs), so peak RSS is that
// client's alone. See docs/benchmarks.md for what is measured and how to read it.

import { existsSync, mkdirSync, readdirSync, rmSync } from "node:fs";
import os from "node:os";
import { parseArgs } from "node:util";
import { CASES, CLIENTS, SIZES, caseTitle, runsCase } from "./lib/cases.mjs";
import { rootPath } from "./lib/paths.mjs";
import { costTable, cpuTable, nomd5Verdicts, resultsTable, verdicts, writeResultsBlock } from "./lib/report.mjs";
import { runJson, startServer } from "./lib/spawn.mjs";
import { summarizeProfile } from "./profile-summary.mjs";

const { values: args } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    cases: { type: "string" },
    clients: { type: "string" },
    repeat: { type: "string" },
    profile: { type: "boolean", default: false },
    write: { type: "boolean" },
    "no-write": { type: "boolean", default: false },
    help: { type: "boolean", default: false },
  },
});
if (args.help) {
  console.log("usage: node bench/cos-bench.mjs [--quick] [--cases a,b] [--clients stowage,stowage-nomd5,sdk,sdk-slice,bare] [--repeat N] [--profile] [--write|--no-write]");
  process.exit(0);
}
const caseNames = args.cases ? args.cases.split(",") : Object.keys(CASES);
const clientNames = args.clients ? args.clients.split(",") : Object.keys(CLIENTS);
const repeat = Number(args.repeat ?? (args.quick ? 1 : 3));
for (const c of caseNames) if (!(c in CASES)) throw new Error(`unknown case ${c}; cases: ${Object.keys(CASES).join(", ")}`);
for (const c of clientNames) if (!(c in CLIENTS)) throw new Error(`unknown client ${c}; clients: ${Object.keys(CLIENTS).join(", ")}`);
if (!(Number.isInteger(repeat) && repeat >= 1 && repeat <= 10)) throw new Error("--repeat takes 1..10");
const sizes = args.quick ? SIZES.quick : SIZES.full;
// The docs get the full run's figures only (and never a profiled run's, which is slower).
const write = args.write ?? (!args.quick && !args.profile && !args["no-write"] && !args.cases && !args.clients);

const started = new Date();
const load = [os.loadavg()];
const profileDir = rootPath(`bench/profiles/${started.toISOString().replace(/[:.]/g, "-")}`);
if (args.profile) mkdirSync(profileDir, { recursive: true });

// sliceUploadFile reads a file: put it on tmpfs so no disk is timed.
const uploadFile = `${existsSync("/dev/shm") ? "/dev/shm" : os.tmpdir()}/stowage-bench-${process.pid}.bin`;
const emulators = {};
const results = {};
try {
  console.log(`starting the COS emulator (discard and store modes) ...`);
  emulators.discard = await startServer([rootPath("bench/emulator-server.mjs"), "--discard"]);
  emulators.store = await startServer([rootPath("bench/emulator-server.mjs")]);
  const prepareObjects = caseNames.some((c) => c === "stream-down" || c === "list");
  const sliceFile = clientNames.includes("sdk-slice") && caseNames.some((c) => runsCase("sdk-slice", c));
  const config = {
    sizes,
    targets: { discard: emulators.discard.info, store: emulators.store.info },
    prepareObjects,
    ...(sliceFile ? { files: { multipart: uploadFile, multipartSize: sizes.multipartSize } } : {}),
  };
  const env = { BENCH_CONFIG: JSON.stringify(config) };
  const runCase = rootPath("bench/run-case.mjs");

  if (prepareObjects || sliceFile) {
    console.log("preparing the download object, the listing keys and the sliceUploadFile source file (not timed) ...");
    await runJson([runCase, "bare", "prepare"], { env });
  }

  for (const name of caseNames) {
    const emu = emulators[CASES[name].emulator];
    results[name] = {};
    for (let round = 0; round < repeat; round++) {
      for (const client of clientNames) {
        if (!runsCase(client, name)) continue;
        await fetch(`${emu.info.endpoint}/_emulator/stats`, { method: "DELETE" });
        // One directory per run: node names each thread's profile CPU.<date>.<time>.<pid>.<thread id>.<seq>.cpuprofile (main thread: 0).
        const nodeFlags = args.profile && (client.startsWith("stowage") || client === "bare") ? ["--cpu-prof", `--cpu-prof-dir=${profileDir}/${name}-${client}-${round}`] : [];
        const r = await runJson([runCase, client, name], { env, nodeFlags, timeoutMs: 300_000 });
        const stats = await (await fetch(`${emu.info.endpoint}/_emulator/stats`)).json();
        checkTraffic(name, client, stats);
        r.requests = stats.requests;
        results[name][client] = best(results[name][client], r);
        const summary = Object.entries(r.metrics)
          .map(([k, m]) => `${k} ${m.value.toFixed(m.value >= 100 ? 0 : 1)} ${m.unit} (cpu ${m.cpu.toFixed(2)})`)
          .join(", ");
        console.log(`  ${name.padEnd(13)} ${client.padEnd(8)} ${summary}, peak RSS ${r.peakRssMiB.toFixed(0)} MiB, ${stats.requests} requests`);
      }
    }
    load.push(os.loadavg());
  }
} finally {
  await Promise.all(Object.values(emulators).map((e) => e.stop()));
  if (existsSync(uploadFile)) rmSync(uploadFile);
}

const emuWarnings = Object.entries(emulators)
  .map(([mode, e]) => [mode, e.stderr().trim()])
  .filter(([, s]) => s !== "");

const finished = new Date();
const table = resultsTable(results, caseNames, sizes);
const cpus = os.cpus();
const loads = load.map((l) => l[0].toFixed(2));
const facts = [
  `- Date: ${started.toISOString().slice(0, 16).replace("T", " ")} UTC (${Math.round((finished - started) / 1000)} s)${args.quick ? " — quick run" : ""}${repeat > 1 ? ` — best of ${repeat}` : ""}`,
  `- Node ${process.version}, ${os.platform()} ${os.release()}, ${cpus.length} cores (${cpus[0]?.model.trim() ?? "?"}), ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB RAM`,
  `- Load average (1 min) before and after each case: ${loads.join(" → ")}`,
];
console.log(`\n${facts.join("\n")}\n\n${table}\n\nClient CPU over the timed span (1.0 = one core busy) and requests the emulator served:\n\n${cpuTable(results, caseNames, sizes)}\n\nCPU per unit of work, client + emulator, over the timed span:\n\n${costTable(results, caseNames, sizes)}`);
const misses = verdicts(results, caseNames);
console.log(misses.length ? `\nTargets missed:\n${misses.map((m) => `  - ${m}`).join("\n")}` : "\nEvery target met.");
const variant = nomd5Verdicts(results, caseNames);
if (variant.length) console.log(`\nWith part_content_md5=false:\n${variant.map((m) => `  - ${m}`).join("\n")}`);
if (emuWarnings.length) console.log(`\nemulator stderr:\n${emuWarnings.map(([m, s]) => `  [${m}] ${s.split("\n").slice(0, 3).join("\n    ")}${s.split("\n").length > 3 ? " ..." : ""}`).join("\n")}`);

if (args.profile) {
  console.log(`\nCPU profiles of @stowage/cos and bare node:http in ${profileDir}`);
  for (const run of readdirSync(profileDir).sort()) {
    const files = readdirSync(`${profileDir}/${run}`).filter((f) => f.endsWith(".cpuprofile"));
    const thread = (f) => Number(f.split(".").at(-3));
    for (const file of files.sort((a, b) => thread(a) - thread(b))) {
      const who = thread(file) === 0 ? "main thread" : `worker thread ${thread(file)}`;
      console.log(`\n${run}/${file} (${who}):\n${summarizeProfile(`${profileDir}/${run}/${file}`, thread(file) === 0 ? 15 : 6)}`);
    }
  }
}

if (write) {
  const path = rootPath("docs/benchmarks.md");
  const block = [
    `## Results`,
    ``,
    ...facts,
    `- Sizes: ${caseNames.map((c) => caseTitle(c, sizes)).join("; ")}`,
    ``,
    table,
    ``,
    `Client CPU over the timed span (1.0 = one core busy) and the requests the emulator served to each client:`,
    ``,
    cpuTable(results, caseNames, sizes),
    ``,
    `CPU per unit of work over the timed span, the client's + the emulator's serving it (core-seconds per GiB, or µs per request or listed key; the emulator's from /proc on Linux, else from its \`cpuMicros\` counter), and how much more @stowage/cos needs than the bare client, both sides together. These move less with the machine's load than the rates above:`,
    ``,
    costTable(results, caseNames, sizes),
    ``,
    misses.length ? `Targets missed in this run (defaults):\n\n${misses.map((m) => `- ${m}`).join("\n")}` : `Every target was met in this run (defaults).`,
    ...(variant.length ? [``, `The same targets for @stowage/cos opened with \`part_content_md5=false\` (informational; the verdicts above use the defaults):`, ``, ...variant.map((m) => `- ${m}`)] : []),
  ].join("\n");
  writeResultsBlock(path, block);
  console.log(`\nwrote ${path}`);
}

/** Keeps the best figure of each metric over repeats, and the highest peak RSS. */
function best(prev, r) {
  if (prev === undefined) return r;
  const metrics = { ...prev.metrics };
  for (const [k, m] of Object.entries(r.metrics)) if (!metrics[k] || m.value > metrics[k].value) metrics[k] = m;
  return { ...r, metrics, peakRssMiB: Math.max(prev.peakRssMiB, r.peakRssMiB), requests: Math.max(prev.requests, r.requests) };
}

/** The emulator must have received every byte a client claims to have uploaded. */
function checkTraffic(name, client, stats) {
  const expected = { small: sizes.smallCount * sizes.smallSize, "stream-up": sizes.streamSize, "multipart-c4": sizes.multipartSize, "multipart-c8": sizes.multipartSize }[name] ?? 0;
  if (stats.bytesReceived < expected) throw new Error(`${client} ${name}: the emulator received ${stats.bytesReceived} bytes, fewer than ${expected}`);
  const sent = { small: sizes.smallCount * sizes.smallSize, "stream-down": sizes.streamSize }[name] ?? 0;
  if (stats.bytesSent < sent) throw new Error(`${client} ${name}: the emulator sent ${stats.bytesSent} bytes, fewer than ${sent}`);
}
