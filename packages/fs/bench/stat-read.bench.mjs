#!/usr/bin/env node
// fs driver stat and small-read cost (not a test). Build first, then run from the repo root:
//   npx tsc -b packages/fs && node packages/fs/bench/stat-read.bench.mjs [ops=2000] [rounds=7] [otherDist...]
//
// Times FsStorageDriver.stat and a 4 KiB read (opened, streamed to the end) of one 4 KiB file,
// each with no append lock beside it (the common case) and with a live append's lock present
// (the committed view: the lock names this process and records the file as committed). Each
// round runs every case `ops` times, the cases taking turns op by op (their order rotated each
// time). Printed per case: the fs requests one op sends to libuv's thread pool (counted
// with async_hooks: what the host's load cannot blur), and the median and least µs per op over
// the rounds, wall time and this process's CPU time (thread pool included). With `otherDist`s
// (copies of earlier builds of packages/fs/dist placed inside packages/fs, so that they resolve
// @stowage/core) every case is run against each build too, interleaved: an A/B on one loaded host.

import { createHook } from "node:async_hooks";
import { mkdtemp, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";

const ops = Number(process.argv[2] ?? 2000);
const rounds = Number(process.argv[3] ?? 7);
const others = process.argv.slice(4);
if (!(Number.isInteger(ops) && ops > 0 && ops <= 1_000_000 && Number.isInteger(rounds) && rounds > 0 && rounds <= 100)) {
  console.error("usage: node packages/fs/bench/stat-read.bench.mjs [ops 1..1e6] [rounds 1..100] [otherDist...]");
  process.exit(2);
}

/** One build of the driver: its FsStorageDriver and the helpers that write a live append's lock. */
async function load(label, distUrl) {
  const at = (file) => new URL(file, distUrl).href;
  try {
    const { FsStorageDriver } = await import(at("storager.js"));
    const { lockName } = await import(at("reserved-names.js"));
    const { ownerText } = await import(at("lock-owner.js"));
    // A build from before the committed view has no committed.js: its lock then names its holder only.
    const committed = await import(at("committed.js")).catch(() => undefined);
    const lockText = (st) => ownerText(committed === undefined ? {} : committed.committedFields({ ...committed.committedOf(st), end: st.size + 10n }));
    return { label, FsStorageDriver, lockName, lockText };
  } catch (e) {
    console.error(`cannot load the driver from ${distUrl.pathname}: run \`npx tsc -b packages/fs\` first`);
    throw e;
  }
}

const builds = [await load("dist", new URL("../dist/", import.meta.url))];
for (const other of others) builds.push(await load(other, pathToFileURL(resolve(other) + "/")));

const work = await mkdtemp(join(tmpdir(), "stowage-fs-bench-"));
const SIZE = 4096;
const cases = [];
try {
  for (const build of builds) {
    const driver = new build.FsStorageDriver(work);
    for (const locked of [false, true]) {
      // A file of its own per build and case: a lock beside one never slows the other.
      const name = `${builds.indexOf(build)}-${locked ? "locked" : "plain"}`;
      const path = join(work, name);
      await writeFile(path, Buffer.alloc(SIZE, 7));
      const st = await stat(path, { bigint: true });
      if (locked) {
        // As a live append holds it (append.ts): it names this process, and the file as committed.
        await writeFile(join(work, build.lockName(st.ino)), build.lockText(st), { flag: "wx" });
      }
      // The driver's keys are the file's absolute path without its leading "/".
      const key = path.slice(1);
      const tag = `${build.label}, ${locked ? "lock present" : "no lock"}`;
      cases.push({
        name: `stat (${tag})`,
        op: async () => {
          const o = await driver.stat(key, {});
          if (o.size !== SIZE) throw new Error(`stat said ${o.size} bytes`);
        },
      });
      cases.push({
        name: `read 4 KiB (${tag})`,
        op: async () => {
          const { stream } = await driver.read(key, { offset: 0, size: SIZE }, {});
          let n = 0;
          for await (const chunk of stream) n += chunk.length;
          if (n !== SIZE) throw new Error(`read ${n} bytes`);
        },
      });
    }
  }

  // Thread-pool fs requests of one op of each case (async_hooks sees each request made).
  const requests = new Map();
  let counted = 0;
  const hook = createHook({
    init(_id, type) {
      if (type === "FSREQPROMISE" || type === "FSREQCALLBACK" || type === "FILEHANDLECLOSEREQ") counted++;
    },
  });
  for (const c of cases) {
    await c.op();
    counted = 0;
    hook.enable();
    await c.op();
    hook.disable();
    requests.set(c.name, counted);
  }

  // Wall time per op (what a caller waits) and CPU time per op (this process's, thread pool
  // included: steadier than wall time on a host other jobs load). Within a round the cases take
  // turns op by op (the order rotated each time), so a burst of load from elsewhere falls on all.
  for (const c of cases) for (let i = 0; i < Math.min(ops, 200); i++) await c.op(); // warm-up
  const samples = new Map(cases.map((c) => [c.name, []]));
  for (let round = 0; round < rounds; round++) {
    const wall = new Map(cases.map((c) => [c.name, 0]));
    const cpu = new Map(cases.map((c) => [c.name, 0]));
    for (let i = 0; i < ops; i++) {
      for (let k = 0; k < cases.length; k++) {
        const c = cases[(k + i + round) % cases.length];
        const cpu0 = process.cpuUsage();
        const t0 = performance.now();
        await c.op();
        wall.set(c.name, wall.get(c.name) + (performance.now() - t0) * 1000);
        const used = process.cpuUsage(cpu0);
        cpu.set(c.name, cpu.get(c.name) + used.user + used.system);
      }
    }
    for (const c of cases) samples.get(c.name).push({ wall: wall.get(c.name) / ops, cpu: cpu.get(c.name) / ops });
  }
  const median = (xs) => {
    const s = [...xs].sort((a, b) => a - b);
    return s.length % 2 === 1 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  };
  console.log(`node ${process.version}, ${ops} ops x ${rounds} rounds, file ${SIZE} B in ${work}`);
  const width = Math.max(...cases.map((c) => c.name.length));
  for (const c of cases) {
    const wall = samples.get(c.name).map((x) => x.wall);
    const cpu = samples.get(c.name).map((x) => x.cpu);
    const f = (x) => x.toFixed(1).padStart(7);
    console.log(`${c.name.padEnd(width)}  ${String(requests.get(c.name)).padStart(2)} fs requests  wall ${f(median(wall))} µs/op (min ${f(Math.min(...wall))})  cpu ${f(median(cpu))} µs/op (min ${f(Math.min(...cpu))})`);
  }
} finally {
  await rm(work, { recursive: true, force: true });
}
