import { globalPairs, isStorageError, parsePairValue } from "@stowage/core";

/**
 * Parsing and printing of sizes, rates, counts and durations for flags and
 * human output. Sizes follow the connection-string grammar of core's pairs, so
 * `--part-size 64MB` and `part_size=64MB` mean the same: `K`, `M`, `G`, `T` and
 * `KiB`, `MiB`... are powers of 1024 (`5M` = `5MiB` = 5 × 1024 × 1024), `KB`,
 * `MB`, `GB`, `TB` powers of 1000 (`64MB` = 64,000,000).
 *
 * The parsers (`parseSize`, `parseRate`, `parseCount`, `parseAge`) are CLI-internal: not exported
 * from `@stowage/cli`, called only with flag text; `flagParser` (transfer/settings.ts) turns their
 * RangeError into commander's InvalidArgumentError, a usage error.
 */

/**
 * Parses `1048576`, `512K`, `5MiB`, `64MB`, `1.5G`... into bytes, exactly as core parses a
 * size pair (a fraction must come to a whole number of bytes: exact counts such as a
 * Content-Length are never rounded).
 * @throws RangeError for anything else, or a negative or unsafe result.
 */
export function parseSize(text: string): number {
  try {
    return parsePairValue(globalPairs.multipartThreshold, text, "size") as number;
  } catch (e) {
    if (!isStorageError(e)) throw e;
    throw fractionOfAByte(text) ?? sizeError(text);
  }
}

/**
 * {@link parseSize} for a rate, where a fraction of a unit is natural: one that does not come to
 * whole bytes is rounded down (`1.3M` = 1,363,148).
 * @throws RangeError for anything else, or a negative or unsafe result.
 */
export function parseRate(text: string): number {
  try {
    return parseSize(text);
  } catch (e) {
    const fraction = /^\s*(\d+\.\d+)\s*([a-z]+)\s*$/i.exec(text);
    if (fraction === null) throw e;
    const bytes = Math.floor(Number(fraction[1]) * parseSize(`1${fraction[2]}`));
    if (!Number.isSafeInteger(bytes)) throw sizeError(text);
    return bytes;
  }
}

function sizeError(text: string): RangeError {
  return new RangeError(`"${text}" is not a size (try 1048576, 512K, 5MiB, 64MB, 1.5G; K, M, G are powers of 1024, KB, MB, GB of 1000)`);
}

/**
 * The error for a size written well that comes to a fraction of a byte (`1.5`, `1.3K` = 1331.2),
 * which core refuses (exact counts are never rounded): it says so rather than offering `1.5G`, a
 * fraction, as a fix. Undefined for anything else.
 */
function fractionOfAByte(text: string): RangeError | undefined {
  const m = /^([0-9]+(?:\.[0-9]+)?)\s*([a-zA-Z]*)$/.exec(text.trim());
  if (m === null) return undefined;
  // The unit's bytes as core reads it (`1K` = 1024, `1KB` = 1000); no unit core knows: undefined.
  const factor = unitBytes(m[2]!);
  if (factor === undefined) return undefined;
  const bytes = Number(m[1]) * factor;
  if (!Number.isFinite(bytes) || Number.isInteger(bytes) || bytes > Number.MAX_SAFE_INTEGER) return undefined;
  const comes = m[2] === "" ? "" : ` (it comes to ${Number(bytes.toPrecision(12))} bytes; a fraction of a unit must come to whole bytes, as 1.5K = 1536 does)`;
  return new RangeError(`"${text}" is not a whole number of bytes${comes}`);
}

/** What one `unit` is in bytes, as core's size pairs read it; undefined for no unit core knows. */
function unitBytes(unit: string): number | undefined {
  try {
    return parsePairValue(globalPairs.multipartThreshold, `1${unit}`, "size") as number;
  } catch {
    return undefined;
  }
}

/**
 * Parses a whole number of at least `min` (a count of things in flight, `du --depth`, `restore
 * --days`...). Every whole-number flag words its range error this one way, `"0" is not a whole
 * number of at least 1` (commander's line before it names the flag and the value).
 * @throws RangeError when `text` is not a whole number ≥ `min`.
 */
export function parseCount(text: string, min = 1): number {
  const n = Number(text);
  if (!/^\s*\d+\s*$/.test(text) || !Number.isSafeInteger(n) || n < min) {
    throw new RangeError(`"${text}" is not a whole number of at least ${min}`);
  }
  return n;
}

const AGE_UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * Parses an age such as `90s`, `30m`, `12h` or `7d` into milliseconds.
 * @throws RangeError for anything else.
 */
export function parseAge(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([smhd])\s*$/i.exec(text);
  if (m === null) throw new RangeError(`"${text}" is not an age (try 90s, 30m, 12h, 7d)`);
  return Math.round(Number(m[1]) * AGE_UNITS[m[2]!.toLowerCase()]!);
}

/**
 * `n` and a noun, singular for 1: `plural(1, "object")` → `"1 object"`, `plural(2, "upload")` → `"2 uploads"`.
 * @throws nothing
 */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** `1536` → `"1.5 KiB"`; bytes below 1 KiB print as `"512 B"`. @throws nothing */
export function formatBytes(n: number): string {
  if (!Number.isFinite(n)) return "? B";
  if (Math.abs(n) < 1024) return `${n} B`;
  const units = ["KiB", "MiB", "GiB", "TiB", "PiB"];
  let v = n;
  let i = -1;
  do {
    v /= 1024;
    i++;
  } while (Math.abs(v) >= 1024 && i < units.length - 1);
  return `${v.toFixed(v >= 100 ? 0 : 1)} ${units[i]}`;
}

/** A duration for humans: `850ms`, `12.3s`, `4m05s`, `2h03m`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return "?";
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(Math.floor(s % 60)).padStart(2, "0")}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, "0")}m`;
}

/** An ETA is shown only once at least this much time has passed... */
const ETA_MIN_MS = 1000;
/** ...and at least this many bytes (or 1% of the total, when less) are done: parts land a whole part at a time. */
const ETA_MIN_BYTES = 8 * 1024 * 1024;

/**
 * The time left of a transfer of `total` bytes that did `done` in `elapsedMs`, at that rate, as
 * {@link formatDuration} writes it; `?` until the rate means something: before 1 s, and before
 * 8 MiB (or 1% of the total, when that is less) are done — a multipart upload's bytes count a
 * whole part at a time, so a few bytes of a small object in the first seconds would give an ETA
 * of thousands of hours.
 * @throws nothing
 */
export function formatEta(total: number, done: number, elapsedMs: number): string {
  if (done <= 0 || elapsedMs < ETA_MIN_MS || done < Math.min(ETA_MIN_BYTES, total / 100)) return "?";
  return formatDuration(((total - done) * elapsedMs) / done);
}

/** Bytes per second for humans (`"5.2 MiB/s"`). */
export function formatRate(bytes: number, ms: number): string {
  if (ms <= 0) return "-";
  return `${formatBytes(Math.round((bytes * 1000) / ms))}/s`;
}

/** A date as ISO-8601 without milliseconds, or `-` when unknown. */
export function formatDate(date: Date | undefined): string {
  if (date === undefined || Number.isNaN(date.getTime())) return "-";
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** Pads columns of a table to equal widths (the last column is not padded). */
export function formatTable(rows: readonly (readonly string[])[], rightAlign: readonly number[] = []): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows.map((row) =>
    row
      .map((cell, i) => {
        if (i === row.length - 1) return cell;
        return rightAlign.includes(i) ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!);
      })
      .join("  "),
  );
}
