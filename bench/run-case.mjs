#!/usr/bin/env node
// One client, one case, in its own process (so peak RSS belongs to that client alone).
//   BENCH_CONFIG='{"sizes":{...},"targets":{"discard":{...},"store":{...}}}' node bench/run-case.mjs <client> <case>
// <client>: stowage | sdk | sdk-slice | bare; <case>: a name in lib/cases.mjs, or "prepare" (bare only: creates
// the objects the download and listing cases read). Prints one JSON line on stdout.

import http from "node:http";
import { performance } from "node:perf_hooks";
import { runPool } from "./lib/concurrency.mjs";
import { createWriteStream, readdirSync, readFileSync } from "node:fs";
import { pipeline } from "node:stream/promises";
import { CASES, CLIENTS, KEYS } from "./lib/cases.mjs";
import { MiB, randomBody, sourceStream } from "./lib/source.mjs";

const [clientName, caseName] = process.argv.slice(2);
const config = JSON.parse(process.env.BENCH_CONFIG ?? "null");
if (!config || !(clientName in CLIENTS) || !(caseName in CASES || caseName === "prepare")) {
  console.error(`usage: BENCH_CONFIG=<json> node bench/run-case.mjs <${Object.keys(CLIENTS).join("|")}> <case|prepare>`);
  process.exit(2);
}
const sizes = config.sizes;
const { createClient } = await import(`./clients/${clientName}.mjs`);

const rssMiB = () => process.memoryUsage.rss() / MiB;
const peakRssMiB = () => process.resourceUsage().maxRSS / 1024;

function expectBytes(what, got, want) {
  if (got !== want) throw new Error(`${what}: got ${got} bytes, expected ${want}`);
}

/**
 * The emulator process's CPU time so far (µs), read outside the timed span. On Linux it comes from
 * /proc (the run time of the emulator's threads, in ns: `schedstat`), so this process sends nothing
 * for it. Reading it from the emulator's stats route instead (as on other systems) is a node:http
 * request of shapes no client uses (`agent: false`, a text body) at the start of each timed span:
 * it made V8 drop ~60 of the clients' optimised node:http and stream functions ("wrong map") and
 * optimise them again in the timed span: the small case's first timed 2,000 PUTs cost @stowage/cos
 * 320-345 µs each after 1,000 of warm-up, 229-257 µs without that request (docs/benchmarks.md).
 */
function emulatorCpuMicros() {
  if (!(caseName in CASES)) return Promise.resolve(undefined);
  const target = config.targets[CASES[caseName].emulator];
  const fromProc = procCpuMicros(target.pid);
  if (fromProc !== undefined) return Promise.resolve(fromProc);
  // Plain node:http, not fetch: fetch loads undici, ~25 MiB that would count in every client's RSS.
  return new Promise((resolve, reject) => {
    http
      .get(`${target.endpoint}/_emulator/stats`, { agent: false }, (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (d) => (body += d));
        res.on("end", () => {
          const stats = JSON.parse(body);
          resolve(typeof stats.cpuMicros === "number" ? stats.cpuMicros : undefined);
        });
      })
      .on("error", reject);
  });
}

/** CPU time (µs) of process `pid` from /proc/<pid>/task/<tid>/schedstat; undefined where there is no such file. */
function procCpuMicros(pid) {
  if (!Number.isInteger(pid)) return undefined;
  let tasks;
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return undefined;
  }
  let ns = 0;
  for (const tid of tasks) {
    try {
      ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, "utf8").split(" ")[0]);
    } catch {
      // A thread that ended in between (the emulator's threads live as long as it does).
    }
  }
  return Number.isFinite(ns) && ns > 0 ? ns / 1000 : undefined;
}

/** Times `fn`, with CPU time of this process, and of the emulator, over the same span (1.0 = one core busy). */
async function timed(fn) {
  const emu0 = await emulatorCpuMicros();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const out = await fn();
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const emu1 = await emulatorCpuMicros();
  const emuCpu = emu0 === undefined || emu1 === undefined ? undefined : (emu1 - emu0) / 1e6 / seconds;
  return { seconds, cpu: (cpu.user + cpu.system) / 1e6 / seconds, emuCpu, out };
}

const metric = (value, unit, t) => ({ value, unit, seconds: t.seconds, cpu: t.cpu, ...(t.emuCpu === undefined ? {} : { emuCpu: t.emuCpu }) });

/**
 * Warm-up of the upload cases, the same for every client: two streamed uploads of 16 parts (128 MiB;
 * at most the stream size), so that what a large upload starts on first use (connections, JIT, V8's
 * heap growth, @stowage/cos's hashing workers and part buffers) is done before the clock. Measured
 * in one process: after a 4-part warm-up the next 256 MiB upload of @stowage/cos still cost
 * 3.1-3.55 core-s/GiB against 2.4-2.9 for the ones after it (V8's helper threads: +100 ms); after
 * one 16-part upload still 2.99-3.11 (five processes, 2026-11-25) against 2.6-2.8 for the ones after
 * it, V8 compiling 33 functions, per-chunk ones among them (`--trace-opt`: Writable.write, onData,
 * bodyChunks, fillParts ...) during the timed upload, 19 in the next one and 9 in the third.
 */
async function warmUpload(client, own) {
  const bytes = Math.min(16 * sizes.partSize, sizes.streamSize);
  for (let i = 0; i < 2; i++) await client.putStream(`${own}/warm-${i}`, sourceStream(bytes), bytes);
}

async function runCase(client) {
  const own = `bench/${clientName}`;
  switch (caseName) {
    case "small": {
      const { smallCount: n, smallSize: size, smallConcurrency: conc } = sizes;
      const keys = Array.from({ length: n }, (_, i) => `small/${clientName}/${String(i).padStart(6, "0")}`);
      const bodies = keys.map((_, i) => randomBody(size, i));
      // Warm-up: connections, and enough requests for V8 to optimise every client's request path.
      // After 1,000 PUTs and 1,000 GETs, V8 still optimised ~90 functions of @stowage/cos's request
      // path (putSmall, send, md5Base64, crc64, node's ClientRequest ...) during the timed PUTs, on
      // its compiler threads too: the first timed 2,000 cost 1.5-2.5x the CPU of the next 2,000, and
      // the bare client's 1.3-1.8x. After 4,000 of each, the first timed round costs what later ones do.
      const warm = sizes.smallWarmup ?? 64;
      await runPool(warm, conc, (i) => client.putSmall(`warm/${clientName}/${i}`, bodies[i % n]));
      await runPool(warm, conc, async (i) => expectBytes("warm get", await client.getSmall(`warm/${clientName}/${i}`), size));
      client.prepare?.(keys);
      const base = rssMiB();
      const put = await timed(() => runPool(n, conc, (i) => client.putSmall(keys[i], bodies[i])));
      const get = await timed(() => runPool(n, conc, async (i) => expectBytes(`get ${keys[i]}`, await client.getSmall(keys[i]), size)));
      return { baseRssMiB: base, metrics: { put: metric(n / put.seconds, "ops/s", put), get: metric(n / get.seconds, "ops/s", get) } };
    }
    case "stream-up": {
      await warmUpload(client, own);
      const base = rssMiB();
      const size = sizes.streamSize;
      const t = await timed(() => client.putStream(`${own}/stream-up.bin`, sourceStream(size), size));
      return { baseRssMiB: base, metrics: { up: metric(size / MiB / t.seconds, "MiB/s", t) } };
    }
    case "stream-down": {
      expectBytes("warm download", await client.getStream(KEYS.warmDownload), 4 * MiB);
      const base = rssMiB();
      const size = sizes.streamSize;
      const t = await timed(() => client.getStream(KEYS.download));
      expectBytes("download", t.out, size);
      return { baseRssMiB: base, metrics: { down: metric(size / MiB / t.seconds, "MiB/s", t) } };
    }
    case "multipart-c4":
    case "multipart-c8": {
      await warmUpload(client, own);
      const base = rssMiB();
      const size = sizes.multipartSize;
      const t = await timed(() => client.multipart(`${own}/${caseName}.bin`, sourceStream(size), size, sizes.partSize, CASES[caseName].concurrency));
      const parts = Math.ceil(size / sizes.partSize);
      if (t.out !== parts) throw new Error(`multipart: ${t.out} parts, expected ${parts}`);
      return { baseRssMiB: base, metrics: { up: metric(size / MiB / t.seconds, "MiB/s", t) } };
    }
    case "list": {
      const warm = await client.list(KEYS.warmListPrefix);
      if (warm !== KEYS.warmListCount) throw new Error(`warm list: ${warm} keys, expected ${KEYS.warmListCount}`);
      // One untimed pass over the timed prefix too: the JIT then has seen whole pages, as in the other cases' warm-ups.
      const again = await client.list(KEYS.listPrefix);
      if (again !== sizes.listCount) throw new Error(`warm list: ${again} keys, expected ${sizes.listCount}`);
      const base = rssMiB();
      const t = await timed(() => client.list(KEYS.listPrefix));
      if (t.out !== sizes.listCount) throw new Error(`list: ${t.out} keys, expected ${sizes.listCount}`);
      return { baseRssMiB: base, metrics: { keys: metric(sizes.listCount / t.seconds, "keys/s", t) } };
    }
    default:
      throw new Error(`unknown case ${caseName}`);
  }
}

/** Creates what the download and listing cases read (bare client), and the file sliceUploadFile reads; not timed. */
async function prepare() {
  if (config.files?.multipart) await pipeline(sourceStream(config.files.multipartSize), createWriteStream(config.files.multipart));
  if (!config.prepareObjects) return { metrics: {} };
  const store = await createClient(config.targets.store);
  await store.putStream(KEYS.warmDownload, sourceStream(4 * MiB), 4 * MiB);
  await store.putStream(KEYS.download, sourceStream(sizes.streamSize), sizes.streamSize);
  const discard = await createClient(config.targets.discard);
  const one = Buffer.from("x");
  await runPool(KEYS.warmListCount, 32, (i) => discard.putSmall(`${KEYS.warmListPrefix}${String(i).padStart(6, "0")}`, one));
  await runPool(sizes.listCount, 32, (i) => discard.putSmall(`${KEYS.listPrefix}${String(i).padStart(6, "0")}`, one));
  return { metrics: {} };
}

try {
  let result;
  if (caseName === "prepare") {
    if (clientName !== "bare") throw new Error("prepare runs with the bare client");
    result = await prepare();
  } else {
    const client = await createClient(config.targets[CASES[caseName].emulator], config);
    result = await runCase(client);
  }
  process.stdout.write(JSON.stringify({ client: clientName, case: caseName, ...result, peakRssMiB: peakRssMiB() }) + "\n");
  process.exit(0);
} catch (e) {
  console.error(`${clientName} ${caseName}: ${e?.stack ?? e}`);
  process.exit(1);
}
