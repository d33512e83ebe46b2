#!/usr/bin/env node
// The ordered key index of the memory driver and the emulator (core's SortedList: chunks of at most
// 1,024 keys) against the one sorted array it replaced (a binary search and an Array.splice per
// key, reimplemented here): the raw index filled with N random keys in random order, then read
// whole in order, old and new, with ratios; then the memory driver itself (through a storager):
// N writes of 1-byte objects in random key order, one listing of every key, and a deleteMany of
// the N/2 lowest keys (the review's probe). Not part of `pnpm bench`; needs a build (`npx tsc -b`).
//
//   node bench/sorted-index-bench.mjs [--sizes 100000,400000] [--no-old] [--no-driver] [--memory-dist DIR]
//
// --memory-dist DIR times the driver built in DIR (its index.js) instead of packages/memory/dist:
// e.g. the sources of an older commit compiled elsewhere, for the driver's before and after.

import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { importDist } from "./lib/paths.mjs";

const { values } = parseArgs({
  options: {
    sizes: { type: "string", default: "100000,400000" },
    "no-old": { type: "boolean", default: false },
    "no-driver": { type: "boolean", default: false },
    "memory-dist": { type: "string" },
  },
});
const sizes = values.sizes.split(",").map(Number);

const core = await importDist("core");
const { compareKeys, SortedList, newStorager } = core;
// Importing the driver registers memory://.
if (values["memory-dist"] === undefined) await importDist("memory");
else await import(pathToFileURL(resolve(values["memory-dist"], "index.js")).href);

/** A deterministic PRNG (mulberry32), so that every run fills the same keys in the same order. */
function prng(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** N distinct keys in random order, shaped like a tree of files (`dNN/dNNN/file-N`). */
function randomKeys(n) {
  const random = prng(20261125);
  const keys = Array.from({ length: n }, (_, i) => `d${(i % 97).toString().padStart(2, "0")}/d${(i % 1009).toString().padStart(4, "0")}/file-${i}`);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [keys[i], keys[j]] = [keys[j], keys[i]];
  }
  return keys;
}

/** The index as it was: one sorted array, a binary search and a splice per key. */
class SplicedArray {
  keys = [];
  insert(key) {
    const i = this.lowerBound(key);
    if (this.keys[i] !== key) this.keys.splice(i, 0, key);
  }
  lowerBound(key) {
    let lo = 0;
    let hi = this.keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareKeys(this.keys[mid], key) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
  *[Symbol.iterator]() {
    for (let i = 0; i < this.keys.length; i++) yield this.keys[i];
  }
}

function time(fn) {
  const start = performance.now();
  const result = fn();
  return { ms: performance.now() - start, result };
}

async function timeAsync(fn) {
  const start = performance.now();
  const result = await fn();
  return { ms: performance.now() - start, result };
}

const fmt = (ms) => `${Math.round(ms).toLocaleString("en-US")} ms`;
const perKey = (ms, n) => `${((ms * 1000) / n).toFixed(2)} us/key`;
const ratio = (old, now) => (old === undefined ? "" : `  ${(old / now).toFixed(1)}x`);

console.log(`node ${process.version}, ${new Date().toISOString()}`);
for (const n of sizes) {
  const keys = randomKeys(n);
  console.log(`\nN = ${n.toLocaleString("en-US")} keys in random order`);

  // The raw index: fill, then read it whole in order.
  let oldFill;
  let oldRead;
  if (!values["no-old"]) {
    const old = new SplicedArray();
    oldFill = time(() => {
      for (const k of keys) old.insert(k);
    }).ms;
    oldRead = time(() => {
      let count = 0;
      for (const _ of old) count++;
      return count;
    }).ms;
    console.log(`  index, one spliced array:   fill ${fmt(oldFill)} (${perKey(oldFill, n)}), read all ${fmt(oldRead)}`);
  }
  const list = new SortedList(compareKeys);
  const newFill = time(() => {
    for (const k of keys) list.insert(k);
  }).ms;
  const read = time(() => {
    let count = 0;
    for (const _ of list) count++;
    return count;
  });
  if (read.result !== n) throw new Error(`read ${read.result} keys, not ${n}`);
  console.log(`  index, SortedList (${list.chunkCount} chunks): fill ${fmt(newFill)} (${perKey(newFill, n)}), read all ${fmt(read.ms)}`);
  if (oldFill !== undefined) console.log(`  old / new: fill${ratio(oldFill, newFill)}, read all${ratio(oldRead, read.ms)}`);

  if (values["no-driver"]) continue;
  // The memory driver through a storager: writes, one listing of everything, deleteMany of the lowest half.
  const store = newStorager(`memory://sorted-index-bench-${n}`);
  const one = Buffer.from("x");
  const fill = await timeAsync(async () => {
    for (const k of keys) await store.write(k, one);
  });
  const listed = await timeAsync(async () => {
    let count = 0;
    for await (const _ of store.list("", { mode: "prefix" })) count++;
    return count;
  });
  if (listed.result !== n) throw new Error(`listed ${listed.result} objects, not ${n}`);
  const lowest = [...keys].sort(compareKeys).slice(0, n / 2);
  const deleted = await timeAsync(() => store.deleteMany(lowest));
  console.log(
    `  memory driver${values["memory-dist"] === undefined ? "" : ` (${values["memory-dist"]})`}: write ${fmt(fill.ms)} (${perKey(fill.ms, n)}), list all ${fmt(listed.ms)}, deleteMany ${(n / 2).toLocaleString("en-US")} lowest ${fmt(deleted.ms)} (${perKey(deleted.ms, n / 2)})`,
  );
}
