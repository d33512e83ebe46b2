import { describe, expect, it } from "@jest/globals";
import { copyInRanges, type CopyRange } from "../src/multipart/copy-ranges.js";

describe("copyInRanges", () => {
  it("copies every byte once, in ranges of the plan's size, at most `concurrency` at a time, and returns the parts in order", async () => {
    const seen: CopyRange[] = [];
    let running = 0;
    let most = 0;
    const parts = await copyInRanges(25, { partSize: 10, count: 3 }, 2, async (r) => {
      seen.push(r);
      most = Math.max(most, ++running);
      await new Promise((resolve) => setTimeout(resolve, r.index === 0 ? 5 : 1));
      running--;
      return { index: r.index, size: r.last - r.first + 1, etag: `e${r.index}` };
    });
    expect(seen.sort((a, b) => a.index - b.index)).toEqual([
      { index: 0, first: 0, last: 9 },
      { index: 1, first: 10, last: 19 },
      { index: 2, first: 20, last: 24 },
    ]);
    expect(most).toBe(2);
    expect(parts.map((p) => [p.index, p.size, p.etag])).toEqual([
      [0, 10, "e0"],
      [1, 10, "e1"],
      [2, 5, "e2"],
    ]);
  });

  it("starts no further range after a failure and rejects with it", async () => {
    const started: number[] = [];
    const failing = copyInRanges(100, { partSize: 10, count: 10 }, 2, async (r) => {
      started.push(r.index);
      if (r.index === 1) throw new Error("range 1 failed");
      await new Promise((resolve) => setTimeout(resolve, 2));
      return { index: r.index, size: 10, etag: "e" };
    });
    await expect(failing).rejects.toThrow("range 1 failed");
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(started.length).toBeLessThanOrEqual(3);
  });

  it("reports the bytes of the ranges copied so far after each range, but not the range that completes the copy", async () => {
    const seen: Array<{ bytes: number; total?: number }> = [];
    // Range 2 (5 bytes) finishes first, then 0, then 1.
    const order = [1, 2, 0];
    await copyInRanges(
      25,
      { partSize: 10, count: 3 },
      3,
      async (r) => {
        for (let i = 0; i < order[r.index]! * 3; i++) await new Promise((resolve) => setImmediate(resolve));
        return { index: r.index, size: r.last - r.first + 1, etag: "e" };
      },
      (p) => seen.push(p),
    );
    expect(seen).toEqual([
      { bytes: 5, total: 25 },
      { bytes: 15, total: 25 },
    ]);
  });

  it("a listener that throws fails the copy like a range that failed, and no further range starts", async () => {
    const started: number[] = [];
    const failing = copyInRanges(
      100,
      { partSize: 10, count: 10 },
      1,
      async (r) => {
        started.push(r.index);
        return { index: r.index, size: 10, etag: "e" };
      },
      (p) => {
        if (p.bytes === 20) throw new Error("listener stops");
      },
    );
    await expect(failing).rejects.toThrow("listener stops");
    expect(started).toEqual([0, 1]);
  });
});
