/**
 * review-bigtree M1: the compare phase of `sync` stats the objects whose listing gives no CRC-64
 * at the copy phase's `--small-concurrency` (it was a fixed 8: a nothing-to-do sync of many small
 * objects took longer than uploading them), while reading and hashing stays at most 8 objects at
 * once. Two memory variants (memory underneath; their listings have no CRC-64) count their stats
 * and reads in flight; the source's stat states no checksum, so `--checksum` reads and hashes it.
 */
import { beforeEach, describe, expect, it } from "@jest/globals";
import { newStorager, type StorageDriver } from "@stowage/core";
import type { TransferStats } from "../src/index.js";
import { useWorkspace } from "./workspace.js";
import { useMemoryVariant } from "./memory-variants.js";
import { inProcess } from "./cli-run.js";

const ws = useWorkspace();
const run = inProcess(ws);

/** In flight now and at most, per counter. */
class Gauge {
  now = 0;
  max = 0;
  total = 0;
  enter(): void {
    this.now++;
    this.total++;
    this.max = Math.max(this.max, this.now);
  }
  leave(): void {
    this.now--;
  }
}

let srcStats = new Gauge();
let dstStats = new Gauge();
let srcReads = new Gauge();
beforeEach(() => {
  srcStats = new Gauge();
  dstStats = new Gauge();
  srcReads = new Gauge();
});

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Each stat takes 30 ms (a round trip) and is counted in `gauge()`; with `bare`, it states no checksum. */
function slowStats(driver: StorageDriver, gauge: () => Gauge, bare: boolean): void {
  const stat = driver.stat.bind(driver);
  driver.stat = async (key, options) => {
    const g = gauge();
    g.enter();
    try {
      await pause(30);
      const raw = await stat(key, options);
      return bare ? { ...raw, crc64: undefined, contentMd5: undefined } : raw;
    } finally {
      g.leave();
    }
  };
}

useMemoryVariant("ccsrc", (driver) => {
  slowStats(driver, () => srcStats, true);
  const read = driver.read.bind(driver);
  driver.read = async (key, range, options) => {
    srcReads.enter();
    let open = true;
    const done = (): void => {
      if (open) srcReads.leave();
      open = false;
    };
    try {
      await pause(20);
      const r = await read(key, range, options);
      r.stream.once("close", done);
      r.stream.once("end", done);
      r.stream.once("error", done);
      return r;
    } catch (e) {
      done();
      throw e;
    }
  };
  return driver;
});
useMemoryVariant("ccdst", (driver) => {
  slowStats(driver, () => dstStats, false);
  return driver;
});

describe("sync's compare phase", () => {
  it("stats at --small-concurrency, reads and hashes at most 8 objects at once", async () => {
    const a = newStorager("memory://cc-a/");
    const b = newStorager("memory://cc-b/");
    for (let i = 0; i < 40; i++) {
      await a.write(`f${String(i).padStart(2, "0")}.txt`, `object ${i}`);
      await b.write(`f${String(i).padStart(2, "0")}.txt`, `object ${i}`);
    }
    const r = await run(["sync", "--checksum", "--small-concurrency", "32", "--stats-json", "ccsrc://cc-a/", "ccdst://cc-b/"]);
    expect(r.stderr).toMatch(/^sync: copied 0 objects \(0 B\), skipped 40, in /);
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as TransferStats).objects).toMatchObject({ copied: 0, skipped: 40 });
    expect(dstStats.total).toBe(40);
    expect(dstStats.max).toBeGreaterThan(8);
    expect(dstStats.max).toBeLessThanOrEqual(32);
    expect(srcReads.total).toBe(40);
    expect(srcReads.max).toBeGreaterThan(1);
    expect(srcReads.max).toBeLessThanOrEqual(8);
  });

  it("sync --help says a local file against a CRC-64 service is hashed whenever the sizes match (review-bigtree L2)", async () => {
    const r = await run(["sync", "--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout.replace(/\s+/g, " ")).toContain(
      "a local file against a service with CRC64 (COS, OSS, memory) is read and hashed whenever the sizes match, on every run, and the object stat'ed: --size-only skips both",
    );
  });
});
