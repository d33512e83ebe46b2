/**
 * The checkpoint's saver: one write in flight at a time, of the state as it is when the write
 * starts. Saves made during a slow write only mark the state dirty (review-scale H1: queued
 * multi-MB texts grew the heap until Node aborted), and a flush always ends with the last state written.
 */
import { afterEach, describe, expect, it, jest } from "@jest/globals";
import { CoalescedSaver } from "../src/transfer/coalesced-saver.js";

/** A write that records the state it saw and finishes only when released. */
function slowWrites(state: { n: number }) {
  const texts: string[] = [];
  let release: (() => void) | undefined;
  let started: (() => void) | undefined;
  let startedOnce = new Promise<void>((r) => (started = r));
  const write = async (): Promise<void> => {
    texts.push(JSON.stringify(state));
    started?.();
    await new Promise<void>((r) => (release = r));
  };
  return {
    texts,
    write,
    /** Resolves once a write has started (then arms for the next one). */
    async started(): Promise<void> {
      await startedOnce;
      startedOnce = new Promise<void>((r) => (started = r));
    },
    release: (): void => release?.(),
  };
}

afterEach(() => {
  jest.useRealTimers();
});

describe("CoalescedSaver", () => {
  it("does not queue saves made during a slow write: one more write, of the last state", async () => {
    const state = { n: 0 };
    const w = slowWrites(state);
    const saver = new CoalescedSaver(w.write, { minDelayMs: 0, spacing: 0 });
    saver.schedule();
    await w.started();
    for (let i = 0; i < 10_000; i++) {
      state.n++;
      saver.schedule();
    }
    const flushes = Array.from({ length: 100 }, () => saver.flush());
    expect(w.texts).toHaveLength(1);
    w.release();
    await w.started();
    expect(w.texts).toHaveLength(2);
    expect(JSON.parse(w.texts[1]!)).toEqual({ n: 10_000 });
    w.release();
    await Promise.all(flushes);
    expect(w.texts).toHaveLength(2);
    await saver.stop();
  });

  it("resolves a flush only after a write that started after it, with the state as it was then", async () => {
    const state = { n: 0 };
    const w = slowWrites(state);
    const saver = new CoalescedSaver(w.write, { minDelayMs: 0, spacing: 0 });
    const first = saver.flush();
    await w.started();
    state.n = 7;
    let second = false;
    const flushed = saver.flush().then(() => (second = true));
    w.release();
    await first;
    expect(second).toBe(false);
    await w.started();
    expect(JSON.parse(w.texts.at(-1)!)).toEqual({ n: 7 });
    w.release();
    await flushed;
    expect(w.texts).toHaveLength(2);
  });

  it("rejects a flush whose write fails and writes the state again on the next one", async () => {
    let fail = true;
    let writes = 0;
    const saver = new CoalescedSaver(
      async () => {
        writes++;
        if (fail) throw Object.assign(new Error("ENOSPC: no space left on device"), { code: "ENOSPC" });
      },
      { minDelayMs: 0, spacing: 0 },
    );
    await expect(saver.flush()).rejects.toMatchObject({ code: "ENOSPC" });
    fail = false;
    await saver.flush();
    expect(writes).toBe(2);
  });

  it("spaces scheduled writes by the least delay and by spacing × the last write's duration", async () => {
    jest.useFakeTimers();
    let clock = 0;
    let writes = 0;
    const saver = new CoalescedSaver(
      async () => {
        writes++;
        clock += 50; // each write takes 50 ms of the saver's clock
      },
      { minDelayMs: 100, spacing: 9, now: () => clock },
    );
    saver.schedule();
    saver.schedule();
    await jest.advanceTimersByTimeAsync(99);
    expect(writes).toBe(0);
    await jest.advanceTimersByTimeAsync(1);
    expect(writes).toBe(1);
    // The next write waits 9 × 50 ms after the last one ended, not the least delay of 100 ms.
    saver.schedule();
    await jest.advanceTimersByTimeAsync(449);
    expect(writes).toBe(1);
    await jest.advanceTimersByTimeAsync(1);
    expect(writes).toBe(2);
    // A flush does not wait for the spacing.
    saver.schedule();
    await saver.flush();
    expect(writes).toBe(3);
    await saver.stop();
  });

  it("writes nothing after stop, and stop waits for the write in flight", async () => {
    const state = { n: 0 };
    const w = slowWrites(state);
    const saver = new CoalescedSaver(w.write, { minDelayMs: 0, spacing: 0 });
    saver.schedule();
    await w.started();
    saver.schedule();
    let stopped = false;
    const stopping = saver.stop().then(() => (stopped = true));
    await Promise.resolve();
    expect(stopped).toBe(false);
    w.release();
    await stopping;
    await saver.flush();
    saver.schedule();
    await new Promise((r) => setTimeout(r, 5));
    expect(w.texts).toHaveLength(1);
  });
});
