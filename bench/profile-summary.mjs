#!/usr/bin/env node
// Summarises a V8 .cpuprofile (from `node --cpu-prof`): top functions by self time, and self time
// grouped by where the code lives (core, cos, node internals, GC, idle ...).
//   node bench/profile-summary.mjs <file.cpuprofile> [top=20]

import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

function where(url) {
  if (url === "") return "(native / V8)";
  if (url.startsWith("node:")) return "node internals";
  const m = /packages\/([^/]+)\//.exec(url);
  if (m && !url.includes("node_modules/.pnpm")) return `packages/${m[1]}`;
  const dep = /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (dep) return dep[1];
  if (url.includes("/bench/")) return "bench harness";
  return url;
}

function shortUrl(url) {
  return url.replace(/^file:\/\//, "").replace(/^.*\/packages\//, "packages/").replace(/^.*\/node_modules\/(\.pnpm\/[^/]+\/node_modules\/)?/, "").replace(/^.*\/bench\//, "bench/");
}

/** Text summary of one profile: total, the top `top` self-time functions, and self time by area. */
export function summarizeProfile(path, top = 20) {
  const profile = JSON.parse(readFileSync(path, "utf8"));
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  let total = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const dt = profile.timeDeltas[i] ?? 0;
    total += dt;
    self.set(profile.samples[i], (self.get(profile.samples[i]) ?? 0) + dt);
  }
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const label = (f) => {
    const name = f.functionName || "(anonymous)";
    return f.url ? `${name}  ${shortUrl(f.url)}:${f.lineNumber + 1}` : name;
  };
  const userland = (f) => f.url && !f.url.startsWith("node:") && !f.url.startsWith("wasm:");
  /** The nearest caller outside node internals and native code, to say whose work a hot builtin did. */
  const callerFrame = (id) => {
    for (let p = parent.get(id), hops = 0; p !== undefined && hops < 64; p = parent.get(p), hops++) {
      const f = byId.get(p).callFrame;
      if (userland(f)) return f;
    }
    return undefined;
  };
  const caller = (id) => {
    const f = callerFrame(id);
    return f === undefined ? undefined : label(f);
  };
  const byFile = new Map();
  const byFn = new Map();
  const callers = new Map();
  const byArea = new Map();
  for (const [id, us] of self) {
    const f = byId.get(id).callFrame;
    const name = f.functionName || "(anonymous)";
    const key = label(f);
    byFn.set(key, (byFn.get(key) ?? 0) + us);
    const from = caller(id);
    if (from !== undefined && (!f.url || f.url.startsWith("node:") || f.url.startsWith("wasm:"))) {
      const m = callers.get(key) ?? new Map();
      m.set(from, (m.get(from) ?? 0) + us);
      callers.set(key, m);
    }
    const owner = userland(f) ? f : callerFrame(id);
    const file = owner ? shortUrl(owner.url) : ["(garbage collector)", "(idle)", "(program)"].includes(name) ? name : "node internals, no user-land caller (event loop, sockets)";
    byFile.set(file, (byFile.get(file) ?? 0) + us);
    const area = f.url ? where(f.url) : ["(garbage collector)", "(idle)", "(program)", "(root)"].includes(name) ? name : "(native / V8)";
    byArea.set(area, (byArea.get(area) ?? 0) + us);
  }
  const pct = (us) => `${((us / total) * 100).toFixed(1).padStart(5)}%`;
  const ms = (us) => `${(us / 1000).toFixed(0).padStart(6)} ms`;
  const lines = [`  total ${(total / 1e6).toFixed(2)} s sampled`, `  self time by function:`];
  for (const [k, us] of [...byFn].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    lines.push(`    ${pct(us)} ${ms(us)}  ${k}`);
    const from = [...(callers.get(k) ?? [])].sort((a, b) => b[1] - a[1]).slice(0, 3).filter(([, t]) => t >= us * 0.1);
    for (const [c, t] of from) lines.push(`             ${((t / us) * 100).toFixed(0).padStart(3)}% from ${c}`);
  }
  lines.push(`  time by file, builtins charged to their nearest user-land caller:`);
  for (const [k, us] of [...byFile].sort((a, b) => b[1] - a[1]).slice(0, 14)) lines.push(`    ${pct(us)} ${ms(us)}  ${k}`);
  lines.push(`  self time by area:`);
  for (const [k, us] of [...byArea].sort((a, b) => b[1] - a[1]).slice(0, 12)) lines.push(`    ${pct(us)} ${ms(us)}  ${k}`);
  return lines.join("\n");
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const [file, top] = process.argv.slice(2);
  if (!file) {
    console.error("usage: node bench/profile-summary.mjs <file.cpuprofile> [top=20]");
    process.exit(2);
  }
  console.log(summarizeProfile(file, Number(top ?? 20)));
}
