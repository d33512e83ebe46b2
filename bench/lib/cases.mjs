// The benchmark cases: sizes (full and --quick), which emulator each runs against, and what it
// measures. Used by the driver (cos-bench.mjs) and the per-client child (run-case.mjs).

import { KiB, MiB } from "./source.mjs";

/** Sizes of a full run and of a `--quick` smoke run. */
export const SIZES = {
  full: { smallCount: 2000, smallWarmup: 4000, smallSize: 4 * KiB, smallConcurrency: 32, streamSize: 256 * MiB, multipartSize: 1024 * MiB, partSize: 8 * MiB, listCount: 10_000 },
  quick: { smallCount: 400, smallWarmup: 800, smallSize: 4 * KiB, smallConcurrency: 32, streamSize: 32 * MiB, multipartSize: 128 * MiB, partSize: 8 * MiB, listCount: 2000 },
};

/**
 * Each case: `emulator` is "discard" (bodies counted, not hashed or kept) or "store" (bytes kept
 * in memory, so GETs carry the CRC-64 header and clients verify what they download);
 * `kind` says which ceiling target applies ("small" 70%, "large" 60%, "list" none stated).
 */
export const CASES = {
  small: { title: "2,000 × 4 KiB PUT then GET, concurrency 32", emulator: "store", kind: "small" },
  "stream-up": { title: "256 MiB streamed upload", emulator: "discard", kind: "large" },
  "stream-down": { title: "256 MiB streamed download", emulator: "store", kind: "large" },
  "multipart-c4": { title: "1 GiB multipart upload, 8 MiB parts, concurrency 4", emulator: "discard", kind: "large", concurrency: 4 },
  "multipart-c8": { title: "1 GiB multipart upload, 8 MiB parts, concurrency 8", emulator: "discard", kind: "large", concurrency: 8 },
  list: { title: "listing 10,000 keys (pages of 1,000)", emulator: "discard", kind: "list" },
};

export const CLIENTS = {
  stowage: "@stowage/cos",
  "stowage-nomd5": "@stowage/cos, part_content_md5=false",
  sdk: "cos-nodejs-sdk-v5",
  "sdk-slice": "cos-nodejs-sdk-v5 sliceUploadFile",
  bare: "bare node:http",
};

/** Clients that only make sense in some cases (the rest run every case). */
export const ONLY = { "sdk-slice": ["multipart-c4", "multipart-c8"], "stowage-nomd5": ["stream-up", "multipart-c4", "multipart-c8"] };

/** True when `client` runs case `name`. */
export function runsCase(client, name) {
  return ONLY[client] === undefined || ONLY[client].includes(name);
}

/** Object keys the prepare step creates and the cases read. */
export const KEYS = {
  download: "bench/stream-down.bin",
  warmDownload: "bench/warm-4m.bin",
  listPrefix: "list/",
  warmListPrefix: "warm-list/",
  warmListCount: 50,
};

/** Human titles with the run's actual sizes (the quick run is smaller). */
export function caseTitle(name, sizes) {
  const mib = (n) => (n >= 1024 * MiB ? `${n / (1024 * MiB)} GiB` : `${n / MiB} MiB`);
  switch (name) {
    case "small":
      return `${sizes.smallCount.toLocaleString("en-US")} × ${sizes.smallSize / KiB} KiB PUT then GET, concurrency ${sizes.smallConcurrency}`;
    case "stream-up":
      return `${mib(sizes.streamSize)} streamed upload`;
    case "stream-down":
      return `${mib(sizes.streamSize)} streamed download`;
    case "multipart-c4":
    case "multipart-c8":
      return `${mib(sizes.multipartSize)} multipart upload, ${sizes.partSize / MiB} MiB parts, concurrency ${CASES[name].concurrency}`;
    case "list":
      return `listing ${sizes.listCount.toLocaleString("en-US")} keys (pages of 1,000)`;
    default:
      return name;
  }
}
