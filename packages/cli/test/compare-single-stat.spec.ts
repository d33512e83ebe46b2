/**
 * review-bigtree: "sync compare double stat when no CRC-64". The compare phase of `sync` stats an
 * object whose listing gives no CRC-64 (many small stats at once), then compareObjects stated it
 * again when that stat gave none either (an object stored without one): two HEADs an object. A
 * memory variant (memory underneath; its listing has no CRC-64) whose stat states no checksum counts
 * its stats; the destination's stat states its CRC-64, so the source is read and hashed.
 */
import { beforeEach, describe, expect, it } from "@jest/globals";
import { newStorager, type StorageDriver } from "@stowage/core";
import type { TransferStats } from "../src/index.js";
import { inProcess } from "./cli-run.js";
import { useMemoryVariant } from "./memory-variants.js";
import { useWorkspace } from "./workspace.js";

const ws = useWorkspace();
const run = inProcess(ws);

/** The keys stat'ed, per side, in order. */
let srcStats: string[] = [];
let dstStats: string[] = [];
beforeEach(() => {
  srcStats = [];
  dstStats = [];
});

/** Records each stat in `log()`; with `bare`, it states no checksum. */
function countStats(driver: StorageDriver, log: () => string[], bare: boolean): StorageDriver {
  const stat = driver.stat.bind(driver);
  driver.stat = async (key, options) => {
    log().push(key);
    const raw = await stat(key, options);
    return bare ? { ...raw, crc64: undefined, contentMd5: undefined } : raw;
  };
  return driver;
}

useMemoryVariant("sssrc", (driver) => countStats(driver, () => srcStats, true));
useMemoryVariant("ssdst", (driver) => countStats(driver, () => dstStats, false));

const sorted = (keys: readonly string[]): string[] => [...keys].sort();

describe("sync's compare phase, where an object's stat states no CRC-64", () => {
  it("stats each object once (the source stated no CRC-64, so it is read and hashed), and still finds the one that differs", async () => {
    const a = newStorager("memory://ss-a/");
    const b = newStorager("memory://ss-b/");
    const keys: string[] = [];
    for (let i = 0; i < 12; i++) {
      const key = `f${String(i).padStart(2, "0")}.txt`;
      keys.push(key);
      await a.write(key, `object ${i}`);
      // Same size, other bytes: only the contents tell.
      await b.write(key, i === 5 ? `OBJECT ${i}` : `object ${i}`);
    }
    const r = await run(["sync", "--checksum", "--stats-json", "sssrc://ss-a/", "ssdst://ss-b/"]);
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as TransferStats).objects).toMatchObject({ copied: 1, skipped: 11 });
    expect((await b.read("f05.txt")).toString()).toBe("object 5");
    expect(sorted(srcStats)).toEqual(keys);
    expect(sorted(dstStats)).toEqual(keys);
  });
});
