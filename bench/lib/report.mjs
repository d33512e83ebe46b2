// Tables for the console and docs/benchmarks.md.

import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { CASES, caseTitle } from "./cases.mjs";

const ORDER = ["stowage", "sdk", "bare"];
const SLICE = "sdk-slice";
/** @stowage/cos opened with part_content_md5=false (upload cases only). */
const NOMD5 = "stowage-nomd5";
const LABEL = { put: "PUT", get: "GET", up: "upload", down: "download", keys: "list" };
export const SDK_TARGET = 3;
export const CEILING_TARGET = { small: 0.7, large: 0.6 };
export const RSS_TARGET_MIB = 200;

function fmtValue(m) {
  if (m === undefined) return "—";
  const digits = m.value >= 100 ? 0 : 1;
  return `${m.value.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits })} ${m.unit}`;
}

const mark = (ok) => (ok ? "✓" : "✗");

/** One row per (case, metric) with the ratios and target checks. */
export function rows(results, caseNames) {
  const out = [];
  for (const name of caseNames) {
    const byClient = results[name] ?? {};
    const metricNames = [...new Set([...ORDER, NOMD5].flatMap((c) => Object.keys(byClient[c]?.metrics ?? {})))];
    for (const metricName of metricNames) {
      const v = (c) => byClient[c]?.metrics?.[metricName];
      const s = v("stowage")?.value;
      const vsSdk = s !== undefined && v("sdk") ? s / v("sdk").value : undefined;
      const vsBare = s !== undefined && v("bare") ? s / v("bare").value : undefined;
      const vsSlice = s !== undefined && v(SLICE) ? s / v(SLICE).value : undefined;
      const n = v(NOMD5)?.value;
      const nomd5 = n === undefined ? undefined : { vsSdk: v("sdk") ? n / v("sdk").value : undefined, vsBare: v("bare") ? n / v("bare").value : undefined, vsSlice: v(SLICE) ? n / v(SLICE).value : undefined };
      const kind = CASES[name].kind;
      const ceiling = CEILING_TARGET[kind];
      const rss = (c) => byClient[c]?.peakRssMiB;
      const rssTarget = name.startsWith("multipart") ? RSS_TARGET_MIB : undefined;
      out.push({ name, metricName, v, vsSdk, vsBare, vsSlice, nomd5, ceiling, rss, rssTarget, byClient });
    }
  }
  return out;
}

/** The results as a Markdown table (also printed on the console). */
export function resultsTable(results, caseNames, sizes) {
  const lines = [
    "| Case | | @stowage/cos | @stowage/cos, part_content_md5=false | cos-nodejs-sdk-v5 | SDK sliceUploadFile | bare node:http | @stowage/cos ÷ SDK (target ≥ 3×) | @stowage/cos ÷ bare (target) | peak RSS, MiB: stowage / SDK / bare (/ sliceUploadFile) (/ part_content_md5=false) |",
    "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
  ];
  for (const r of rows(results, caseNames)) {
    let sdk = r.vsSdk === undefined ? "—" : `${r.vsSdk.toFixed(2)}× ${mark(r.vsSdk >= SDK_TARGET)}`;
    if (r.vsSlice !== undefined) sdk += `; ${r.vsSlice.toFixed(2)}× ${mark(r.vsSlice >= SDK_TARGET)} sliceUploadFile`;
    if (r.nomd5?.vsSdk !== undefined) sdk += `; ${r.nomd5.vsSdk.toFixed(2)}× ${mark(r.nomd5.vsSdk >= SDK_TARGET)} with part_content_md5=false`;
    let bare = r.vsBare === undefined ? "—" : `${(r.vsBare * 100).toFixed(0)}%${r.ceiling === undefined ? " (no target)" : ` ${mark(r.vsBare >= r.ceiling)} (≥ ${r.ceiling * 100}%)`}`;
    if (r.nomd5?.vsBare !== undefined) bare += `; ${(r.nomd5.vsBare * 100).toFixed(0)}%${r.ceiling === undefined ? "" : ` ${mark(r.nomd5.vsBare >= r.ceiling)}`} with part_content_md5=false`;
    const rssOf = (c) => (r.rss(c) === undefined ? "—" : r.rss(c).toFixed(0));
    let rss = ORDER.map(rssOf).join(" / ") + (r.rss(SLICE) === undefined ? "" : ` / ${rssOf(SLICE)}`) + (r.rss(NOMD5) === undefined ? "" : ` / ${rssOf(NOMD5)}`);
    if (r.rssTarget !== undefined && r.rss("stowage") !== undefined) rss += ` ${mark(r.rss("stowage") < r.rssTarget)} (< ${r.rssTarget})`;
    const values = ["stowage", NOMD5, "sdk", SLICE, "bare"].map((c) => fmtValue(r.v(c)));
    lines.push(`| ${caseTitle(r.name, sizes)} | ${LABEL[r.metricName] ?? r.metricName} | ${values.join(" | ")} | ${sdk} | ${bare} | ${rss} |`);
  }
  return lines.join("\n");
}

/** CPU use of each client process over the timed span (1.0 = one core) and the requests the emulator served. */
export function cpuTable(results, caseNames, sizes) {
  const lines = [
    "| Case | | CPU, cores: stowage / SDK / bare (/ sliceUploadFile) (/ part_content_md5=false) | requests served: stowage / SDK / bare (/ sliceUploadFile) (/ part_content_md5=false) |",
    "|---|---|---:|---:|",
  ];
  for (const r of rows(results, caseNames)) {
    const clients = [...ORDER, ...(r.v(SLICE) ? [SLICE] : []), ...(r.v(NOMD5) ? [NOMD5] : [])];
    const cpu = clients.map((c) => (r.v(c) ? r.v(c).cpu.toFixed(2) : "—")).join(" / ");
    const reqs = clients.map((c) => r.byClient[c]?.requests ?? "—").join(" / ");
    lines.push(`| ${caseTitle(r.name, sizes)} | ${LABEL[r.metricName] ?? r.metricName} | ${cpu} | ${reqs} |`);
  }
  return lines.join("\n");
}

/** The work one metric's value counts, and how a cost per unit of it is shown. */
const UNIT_COST = {
  "MiB/s": { per: "GiB", scale: 1 / 1024, show: (x) => `${x.toFixed(2)} s` },
  "ops/s": { per: "request", scale: 1, show: (x) => `${(x * 1e6).toFixed(0)} µs` },
  "keys/s": { per: "key", scale: 1, show: (x) => `${(x * 1e6).toFixed(1)} µs` },
};

/** Core-seconds one unit of work cost a metric's client, and the emulator, over its timed span (undefined when not measured). */
function costOf(m) {
  if (m === undefined) return undefined;
  const unit = UNIT_COST[m.unit];
  const work = m.value * m.seconds * unit.scale;
  return { unit, client: (m.cpu * m.seconds) / work, emulator: m.emuCpu === undefined ? undefined : (m.emuCpu * m.seconds) / work };
}

/**
 * CPU per unit of work (core-seconds per GiB, µs per request or key) of each client and of the
 * emulator serving it, over the timed span: steadier than rates on a shared machine, and the
 * last column says how much more CPU @stowage/cos needs than the bare client, client and
 * emulator together.
 */
export function costTable(results, caseNames, sizes) {
  const lines = [
    "| Case | | per | CPU, client + emulator: stowage / SDK / bare (/ sliceUploadFile) (/ part_content_md5=false) | stowage ÷ bare, both sides |",
    "|---|---|---|---:|---:|",
  ];
  for (const r of rows(results, caseNames)) {
    const clients = [...ORDER, ...(r.v(SLICE) ? [SLICE] : []), ...(r.v(NOMD5) ? [NOMD5] : [])];
    const costs = clients.map((c) => costOf(r.v(c)));
    const unit = costs.find((c) => c !== undefined)?.unit;
    if (unit === undefined) continue;
    const cell = (c) => (c === undefined ? "—" : `${c.unit.show(c.client)}${c.emulator === undefined ? "" : ` + ${c.unit.show(c.emulator)}`}`);
    const total = (c) => (c === undefined || c.emulator === undefined ? undefined : c.client + c.emulator);
    const s = total(costOf(r.v("stowage")));
    const b = total(costOf(r.v("bare")));
    const ratio = s !== undefined && b !== undefined ? `${(s / b).toFixed(2)}×` : "—";
    lines.push(`| ${caseTitle(r.name, sizes)} | ${LABEL[r.metricName] ?? r.metricName} | ${unit.per} | ${costs.map(cell).join(" / ")} | ${ratio} |`);
  }
  return lines.join("\n");
}

/** How many of the issue's targets the run met, as short lines. */
export function verdicts(results, caseNames) {
  const misses = [];
  for (const r of rows(results, caseNames)) {
    const what = `${r.name} ${LABEL[r.metricName] ?? r.metricName}`;
    if (r.vsSdk !== undefined && r.vsSdk < SDK_TARGET) misses.push(`${what}: ${r.vsSdk.toFixed(2)}× the SDK (target ≥ ${SDK_TARGET}×)`);
    if (r.vsSlice !== undefined && r.vsSlice < SDK_TARGET) misses.push(`${what}: ${r.vsSlice.toFixed(2)}× the SDK's sliceUploadFile (target ≥ ${SDK_TARGET}×)`);
    if (r.vsBare !== undefined && r.ceiling !== undefined && r.vsBare < r.ceiling) misses.push(`${what}: ${(r.vsBare * 100).toFixed(0)}% of bare (target ≥ ${r.ceiling * 100}%)`);
    if (r.rssTarget !== undefined && r.rss("stowage") !== undefined && r.rss("stowage") >= r.rssTarget) misses.push(`${what}: peak RSS ${r.rss("stowage").toFixed(0)} MiB (target < ${r.rssTarget})`);
  }
  return misses;
}

/** The same checks for @stowage/cos with part_content_md5=false (informational: the targets are judged on the defaults). */
export function nomd5Verdicts(results, caseNames) {
  const lines = [];
  for (const r of rows(results, caseNames)) {
    if (r.nomd5 === undefined) continue;
    const what = `${r.name} ${LABEL[r.metricName] ?? r.metricName}`;
    const parts = [];
    if (r.nomd5.vsSdk !== undefined) parts.push(`${r.nomd5.vsSdk.toFixed(2)}× the SDK ${mark(r.nomd5.vsSdk >= SDK_TARGET)}`);
    if (r.nomd5.vsSlice !== undefined) parts.push(`${r.nomd5.vsSlice.toFixed(2)}× sliceUploadFile ${mark(r.nomd5.vsSlice >= SDK_TARGET)}`);
    if (r.nomd5.vsBare !== undefined) parts.push(`${(r.nomd5.vsBare * 100).toFixed(0)}% of bare ${r.ceiling === undefined ? "" : mark(r.nomd5.vsBare >= r.ceiling)}`.trim());
    const rss = r.rss(NOMD5);
    if (r.rssTarget !== undefined && rss !== undefined) parts.push(`peak RSS ${rss.toFixed(0)} MiB ${mark(rss < r.rssTarget)}`);
    lines.push(`${what}: ${parts.join(", ")}`);
  }
  return lines;
}

export const BEGIN = "<!-- bench:results:begin (written by bench/cos-bench.mjs; edit outside these markers) -->";
export const END = "<!-- bench:results:end -->";

/** Replaces the results block of `path`, creating the file with a skeleton when it is missing. */
export function writeResultsBlock(path, block) {
  const fresh = `# Benchmarks\n\n${BEGIN}\n${END}\n`;
  const text = existsSync(path) ? readFileSync(path, "utf8") : fresh;
  const a = text.indexOf(BEGIN);
  const b = text.indexOf(END);
  const base = a >= 0 && b > a ? text : `${text.trimEnd()}\n\n${BEGIN}\n${END}\n`;
  const i = base.indexOf(BEGIN);
  const j = base.indexOf(END);
  writeFileSync(path, `${base.slice(0, i + BEGIN.length)}\n${block.trim()}\n${base.slice(j)}`);
}


