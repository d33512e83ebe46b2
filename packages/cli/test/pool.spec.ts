/**
 * The transfer lanes' Limiter: at most `limit` tasks at once, the rest started in the order they
 * came, however many wait (it takes them by index since review-scale M1, not by `shift()`).
 */
import { describe, expect, it } from "@jest/globals";
import { Limiter, mapLimit } from "../src/transfer/pool.js";

describe("Limiter", () => {
  it("runs at most limit tasks at once and starts the waiting ones in order", async () => {
    const limiter = new Limiter(3);
    const started: number[] = [];
    let active = 0;
    let most = 0;
    const results = await Promise.all(
      Array.from({ length: 5000 }, (_, i) =>
        limiter.run(async () => {
          started.push(i);
          most = Math.max(most, ++active);
          await new Promise<void>((r) => setImmediate(r));
          active--;
          return i * 2;
        }),
      ),
    );
    expect(most).toBe(3);
    expect(started).toEqual(Array.from({ length: 5000 }, (_, i) => i));
    expect(results).toEqual(Array.from({ length: 5000 }, (_, i) => i * 2));
  });

  it("frees the slot of a failed task and goes on in order after the queue emptied", async () => {
    const limiter = new Limiter(1);
    const order: string[] = [];
    const a = limiter.run(async () => {
      order.push("a");
      throw new Error("boom");
    });
    const b = limiter.run(async () => void order.push("b"));
    await expect(a).rejects.toThrow("boom");
    await b;
    await Promise.all([limiter.run(async () => void order.push("c")), limiter.run(async () => void order.push("d"))]);
    expect(order).toEqual(["a", "b", "c", "d"]);
  });
});

describe("mapLimit", () => {
  it("keeps results in order", async () => {
    expect(await mapLimit([3, 1, 2], 2, async (x, i) => x * 10 + i)).toEqual([30, 11, 22]);
  });
});
