/**
 * The progress ETA (review-cli L7): a multipart upload's bytes count a whole part at a time, so the
 * rate of the first seconds can rest on a few bytes of a small object (`6 B/85.8 MiB (0%), 3 B/s,
 * ETA 8337h30m`). The ETA is `?` until 1 s has passed and 8 MiB (or 1% of the total, when less)
 * are done. The clock is jest's fake one: nothing here waits or depends on timing.
 */
import { afterEach, describe, expect, it, jest } from "@jest/globals";
import { PassThrough } from "node:stream";
import { formatEta } from "../src/format.js";
import { TransferProgress } from "../src/progress.js";

const MiB = 1024 * 1024;

describe("formatEta", () => {
  it.each([
    [90_000_006, 6, 2000, "?"],
    [100 * MiB, 0, 60_000, "?"],
    // Under 1 s, even with bytes enough.
    [100 * MiB, 8 * MiB, 999, "?"],
    // 1% of 100 MiB is less than 8 MiB; 8 MiB of 10 GiB is less than 1%.
    [100 * MiB, MiB - 1, 60_000, "?"],
    [100 * MiB, MiB, 60_000, "1h39m"],
    [10 * 1024 * MiB, 8 * MiB - 1, 60_000, "?"],
    [100 * MiB, 8 * MiB, 4000, "46.0s"],
    [10 * 1024 * MiB, 8 * MiB, 2000, "42m38s"],
    // A small transfer: 1% of it is enough.
    [1000, 9, 2000, "?"],
    [1000, 10, 2000, "3m18s"],
    [1000, 1000, 2000, "0ms"],
  ])("total %d, done %d after %d ms → %s", (total, done, elapsed, eta) => {
    expect(formatEta(total, done, elapsed)).toBe(eta);
  });
});

describe("the progress line", () => {
  afterEach(() => {
    jest.useRealTimers();
  });

  it("says ETA ? while only a small object's bytes are done, and a time once a part landed", () => {
    jest.useFakeTimers({ now: new Date("2026-01-01T00:00:00Z") });
    const total = 3 * 30_000_000 + 6;
    const progress = new TransferProgress({ mode: "none", stream: new PassThrough(), intervalMs: 2000, label: "cp", objects: 4, bytes: total });
    const small = progress.object("small.txt", 6);
    small.update(6);
    small.end(true);
    const big = progress.object("big.bin", 30_000_000);
    jest.setSystemTime(new Date("2026-01-01T00:00:02Z"));
    expect(progress.line()).toBe("cp: 1/4 objects, 6 B/85.8 MiB (0%), 3 B/s, ETA ?");
    big.update(8 * MiB);
    jest.setSystemTime(new Date("2026-01-01T00:00:04Z"));
    expect(progress.line()).toMatch(/^cp: 1\/4 objects, 8\.0 MiB\/85\.8 MiB \(9%\), 2\.0 MiB\/s, ETA 38\.\ds$/);
  });
});
