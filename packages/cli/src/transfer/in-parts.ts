import { ErrorCode, SINGLE_REQUEST_MAXIMUM, storageError, type ObjectHeaders, type Storager } from "@stowage/core";
import { formatBytes } from "../format.js";
import { shownPath } from "../shown-path.js";
import { HEADER_FLAGS, type GivenFields } from "./given-fields.js";
import type { PlanItem } from "./planner.js";

/**
 * Writes that go in parts, and what that costs where the {@link ObjectHeaders} go only with a write
 * in one request (core `features.objectHeadersSingleWriteOnly`: QingStor, whose
 * InitiateMultipartUpload takes no Cache-Control or Content-Encoding). A streamed copy of `size`
 * bytes goes in parts when the destination has `multipart` and the size exceeds the large threshold
 * (`--large-threshold`, or the destination's `multipart_threshold` pair), or the most one request
 * carries when that is lower: the single-write limit (`limits.writeSizeMaximum`: 5 GiB on QingStor)
 * and what one Buffer holds (core's `SINGLE_REQUEST_MAXIMUM`: 4 GiB on Node.js 20), as core plans it.
 */

/** The most one write request to `dst` carries: its single-write limit, at most what one Buffer holds. */
function singleMaximum(dst: Storager): number {
  return Math.min(dst.features.limits.writeSizeMaximum ?? Number.MAX_SAFE_INTEGER, SINGLE_REQUEST_MAXIMUM);
}

/** The size above which a write to `dst` goes in parts; undefined when none does (no `multipart`). @throws nothing */
export function partsThreshold(dst: Storager, largeThreshold: number): number | undefined {
  if (!dst.features.multipart) return undefined;
  return Math.min(largeThreshold, singleMaximum(dst));
}

/**
 * `settings` with `largeThreshold` cut to {@link partsThreshold} where `dst` has multipart: the
 * objects the CLI treats as large (checkpointed and resumable, in the large queue) are then exactly
 * those core writes in parts, a 5 GiB one at `--large-threshold 6G` on Node.js 20 included.
 * @throws nothing
 */
export function withPartsThreshold<S extends { largeThreshold: number }>(settings: S, dst: Storager): S {
  const threshold = partsThreshold(dst, settings.largeThreshold);
  return threshold === undefined || threshold === settings.largeThreshold ? settings : { ...settings, largeThreshold: threshold };
}

/**
 * True when a write of `size` bytes to `dst` goes in parts and so can carry none of the
 * {@link ObjectHeaders} (`dst` stores them only with single-request writes).
 * @throws nothing
 */
export function headersLostInParts(dst: Storager, largeThreshold: number, size: number): boolean {
  const threshold = partsThreshold(dst, largeThreshold);
  return dst.features.objectHeadersSingleWriteOnly && threshold !== undefined && size > threshold;
}

/** {@link singleMaximum} where it bounds anything (a service without a single-write limit on a Node.js whose Buffers are unbounded: undefined). */
function boundedMaximum(dst: Storager): number | undefined {
  const maximum = singleMaximum(dst);
  return maximum >= Number.MAX_SAFE_INTEGER ? undefined : maximum;
}

/** `5 GiB` for a whole number of a unit, else what {@link formatBytes} gives. */
function wholeSize(n: number): string {
  for (const [unit, bytes] of [["GiB", 1024 ** 3], ["MiB", 1024 ** 2], ["KiB", 1024]] as const) {
    if (n >= bytes && n % bytes === 0) return `${n / bytes} ${unit}`;
  }
  return formatBytes(n);
}

/**
 * How a write of `size` bytes to `dst` would keep the headers: a `--large-threshold` of at least
 * `size` (within the single-write limit), or, over that limit, that nothing does.
 */
function keepHint(dst: Storager, size: number, them: string): string {
  const maximum = boundedMaximum(dst);
  if (maximum !== undefined && size > maximum) return `no --large-threshold keeps ${them}: a write over ${wholeSize(maximum)} always goes in parts`;
  return `a --large-threshold of at least ${size}${maximum === undefined ? "" : ` (up to ${wholeSize(maximum)})`} keeps ${them}`;
}

/**
 * Why a streamed copy of `size` bytes leaves the source's headers out on `dst` (`service`): the
 * words of the warning, and of a move's refusal (see `leaveOutUncarried`). `count`: how many headers.
 * @throws nothing
 */
export function inPartsReason(dst: Storager, size: number, count: number): string {
  const them = count === 1 ? "it" : "them";
  return `${dst.info.service} stores ${them} only with single-request writes, and this object goes in parts: ${keepHint(dst, size, them)}`;
}

/**
 * Refuses, once the plan is made and before anything is written, a header flag (`--cache-control`,
 * ...) that would fail objects of the plan: `dst` stores the headers only with single-request
 * writes, and those objects (their sizes known from the plan) go in parts. Every such object would
 * fail (the driver refuses the header on a multipart write), so the command fails at once, naming
 * the flags, how many objects go in parts, the largest, and the `--large-threshold` that would keep them.
 * @throws StorageError `PairUnsupported` (exit 6; nothing transferred)
 */
export function refuseGivenInParts(command: string, dst: Storager, given: GivenFields | undefined, largeThreshold: number, copies: readonly PlanItem[]): void {
  if (given === undefined || !dst.features.objectHeadersSingleWriteOnly) return;
  const flags = HEADER_FLAGS.filter((f) => given[f.field] !== undefined);
  if (flags.length === 0) return;
  const inParts = copies.filter((item) => headersLostInParts(dst, largeThreshold, item.size));
  if (inParts.length === 0) return;
  const largest = inParts.reduce((a, b) => (b.size > a.size ? b : a));
  const threshold = partsThreshold(dst, largeThreshold)!;
  const which =
    copies.length === 1
      ? `the object (${largest.size} bytes) goes in parts, being larger than ${wholeSize(threshold)}`
      : `${inParts.length} of the ${copies.length} objects go in parts, being larger than ${wholeSize(threshold)} (the largest: ${shownPath(largest.rel)}, ${largest.size} bytes)`;
  throw storageError(ErrorCode.PairUnsupported, `${givenInPartsText(dst, flags, which, largest.size)}; nothing was transferred`, { op: command, service: dst.info.service });
}

/**
 * The words for header flags a write in parts cannot carry: `flags` (`--cache-control`, ...), then
 * why (`which`: what goes in parts), then what keeps them (for objects of up to `size` bytes; unknown: any
 * threshold above the size).
 * @throws nothing
 */
export function givenInPartsText(dst: Storager, flags: ReadonlyArray<{ flag: string; header: string }>, which: string, size: number | undefined): string {
  const list = (names: string[]): string => (names.length === 1 ? names[0]! : `${names.slice(0, -1).join(", ")} and ${names[names.length - 1]}`);
  const them = flags.length === 1 ? "it" : "them";
  const maximum = boundedMaximum(dst);
  const keep =
    size !== undefined ? keepHint(dst, size, them) : `a --large-threshold of at least its size${maximum === undefined ? "" : ` (up to ${wholeSize(maximum)})`} keeps ${them}`;
  return (
    `${list(flags.map((f) => f.flag))}: ${dst.info.service} stores ${list(flags.map((f) => f.header))} only with single-request writes, and ${which}; ` +
    `${keep}, or leave the flag${flags.length === 1 ? "" : "s"} out`
  );
}

/**
 * `put -` (a size known only once read): the driver's refusal of a header flag on the multipart
 * write stdin turned into (more than the large threshold came), in the flags' words. Anything else
 * is returned as it is.
 * @throws nothing
 */
export function givenInPartsError(e: unknown, dst: Storager, given: GivenFields | undefined, largeThreshold: number): unknown {
  const code = (e as { code?: unknown } | undefined)?.code;
  if (code !== ErrorCode.PairUnsupported || given === undefined || !dst.features.objectHeadersSingleWriteOnly) return e;
  // Only the refusal of a header given here (the driver names the option it refuses).
  const message = (e as { message?: unknown }).message;
  const flags = HEADER_FLAGS.filter((f) => given[f.field] !== undefined);
  const threshold = partsThreshold(dst, largeThreshold);
  if (threshold === undefined || typeof message !== "string" || !flags.some((f) => message.includes(`"${f.field}"`))) return e;
  const which = `stdin gave more than ${wholeSize(threshold)}, so the object goes in parts`;
  return storageError(ErrorCode.PairUnsupported, `${givenInPartsText(dst, flags, which, undefined)}; nothing was stored`, { op: "put", service: dst.info.service });
}
