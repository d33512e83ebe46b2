#!/usr/bin/env node
// The CLI's checkpoint at scale (review-bigtree M3): the version-1 save, which serialised the whole
// state into one string and wrote it whole at every save, against the version-2 journal, which
// appends the changes since the last save and now and then rewrites the file whole (compaction,
// streamed in 64 KiB chunks). For each count of finished objects (records of the shape a real run
// writes: size, mtime, CRC-64 and the destination's size, ETag and CRC-64), it prints:
//   - old save: JSON.stringify of the whole state (the event loop is stalled that long), then the
//     temp file written and renamed; the file's size;
//   - journal: one save of 1,000 changes (median of 20 appends), and one compaction (the first
//     save of a run: the whole state, streamed);
//   - load (what a resumed run reads first): the version-1 file read whole and parsed, against the
//     journal streamed line by line.
// 3M objects run too when 1M took under 20 s (3M then takes under about a minute); the old save fails
// there (the string is too long). Not part of `pnpm bench`; needs a build (`npx tsc -b`) and a heap
// for the state: `node --max-old-space-size=12288 bench/checkpoint-bench.mjs [--counts 100000,1000000,3000000]`.

import { mkdtempSync, rmSync, statSync } from "node:fs";
import { copyFile, rename, writeFile } from "node:fs/promises";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { rootPath } from "./lib/paths.mjs";

const { Checkpoint } = await import(rootPath("packages/cli/dist/transfer/checkpoint.js")).catch((e) => {
  throw new Error(`cannot load packages/cli/dist (run \`npx tsc -b\` first): ${e.message}`);
});

const { values } = parseArgs({ options: { counts: { type: "string" } } });
const META = { command: "cp", source: "cos://bucket/src/", destination: "fs:///data/dst/" };
const BATCH = 1_000;
const APPENDS = 20;

const ms = (t0) => Number(process.hrtime.bigint() - t0) / 1e6;
const now = () => process.hrtime.bigint();
const mb = (bytes) => (bytes / 1e6).toFixed(1);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** The key and records of finished object `i`, as a run records them. */
function entry(i) {
  const crc = (BigInt(i) * 0x9e3779b97f4a7c15n & 0xffffffffffffffffn).toString();
  return [
    `photos/2026/${String(i % 1000).padStart(3, "0")}/IMG_${String(i).padStart(8, "0")}.jpg`,
    { size: 1_000_000 + i, mtime: 1_764_000_000_000 + i, crc64: crc },
    { size: 1_000_000 + i, etag: `"${crc.padStart(32, "0").slice(0, 32)}"`, crc64: crc },
  ];
}

/** One count: old whole-file save, journal append and compaction, both loads. */
async function run(n, dir) {
  const out = { n };
  const path = join(dir, `journal-${n}.json`);
  // The journal: the first save is a compaction of the state loaded (here: built in memory).
  const checkpoint = await Checkpoint.open(path, META);
  for (let i = 0; i < n; i++) {
    const [key, source, destination] = entry(i);
    checkpoint.markDone(key, source, destination);
  }
  // The longest the event loop waited during the compaction: how long the run stalls at most.
  const lag = monitorEventLoopDelay({ resolution: 1 });
  lag.enable();
  let t = now();
  await checkpoint.flush();
  out.compactMs = ms(t);
  lag.disable();
  out.compactStallMs = lag.max / 1e6;
  out.journalBytes = statSync(path).size;
  const compacted = join(dir, `compacted-${n}.json`);
  await copyFile(path, compacted);
  const appends = [];
  for (let a = 0; a < APPENDS; a++) {
    for (let i = 0; i < BATCH; i++) {
      const [key, source, destination] = entry(n + a * BATCH + i);
      checkpoint.markDone(key, source, destination);
    }
    t = now();
    await checkpoint.flush();
    appends.push(ms(t));
  }
  out.appendMs = median(appends);
  t = now();
  const loaded = await Checkpoint.open(compacted, META);
  out.journalLoadMs = ms(t);
  if (!loaded.resumed) throw new Error("the journal was not read back");

  // The old save: the same state as one version-1 object, stringified whole and renamed into place.
  const done = Object.create(null);
  for (let i = 0; i < n; i++) {
    const [key, source, destination] = entry(i);
    done[key] = { ...source, destination };
  }
  const data = { version: 1, ...META, updated: new Date().toISOString(), uploads: {}, done };
  const old = join(dir, `v1-${n}.json`);
  t = now();
  let text;
  try {
    text = JSON.stringify(data);
  } catch (e) {
    out.oldFailed = `${e.message} after ${ms(t).toFixed(0)} ms`;
    return out;
  }
  out.stringifyMs = ms(t);
  const temp = `${old}.tmp`;
  await writeFile(temp, text, { flag: "wx", mode: 0o600 });
  await rename(temp, old);
  out.oldSaveMs = ms(t);
  out.oldBytes = Buffer.byteLength(text);
  text = undefined;
  t = now();
  const v1 = await Checkpoint.open(old, META);
  out.oldLoadMs = ms(t);
  if (!v1.resumed) throw new Error("the version-1 file was not read back");
  return out;
}

const counts = values.counts?.split(",").map(Number) ?? [100_000, 1_000_000, 3_000_000];
const dir = mkdtempSync(join(tmpdir(), "stowage-ckpt-bench-"));
const rows = [];
try {
  for (const n of counts) {
    const started = now();
    rows.push(await run(n, dir));
    const took = ms(started);
    console.error(`${n}: ${(took / 1000).toFixed(1)} s`);
    if (values.counts === undefined && n === 1_000_000 && took > 20_000) break;
    global.gc?.();
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const f = (x) => (x === undefined ? "—" : x < 10 ? x.toFixed(2) : x.toFixed(0));
console.log(`node ${process.version}, ${new Date().toISOString()}; a save of ${BATCH.toLocaleString("en")} changes, median of ${APPENDS}`);
console.log("| finished objects | old save: stringify (stall) / whole save (ms) | old file (MB) | journal append (ms) | old save ÷ append | compaction: whole / longest stall (ms) | journal file (MB) | load old / journal (ms) |");
console.log("|---:|---:|---:|---:|---:|---:|---:|---:|");
for (const r of rows) {
  const old = r.oldFailed === undefined ? `${f(r.stringifyMs)} / ${f(r.oldSaveMs)}` : `fails (${r.oldFailed})`;
  const ratio = r.oldSaveMs === undefined ? "—" : `${Math.round(r.oldSaveMs / r.appendMs).toLocaleString("en")}×`;
  console.log(
    `| ${r.n.toLocaleString("en")} | ${old} | ${r.oldBytes === undefined ? "—" : mb(r.oldBytes)} | ${f(r.appendMs)} | ${ratio} | ${f(r.compactMs)} / ${f(r.compactStallMs)} | ${mb(r.journalBytes)} | ${f(r.oldLoadMs)} / ${f(r.journalLoadMs)} |`,
  );
}
