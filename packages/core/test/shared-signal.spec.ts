import { afterEach, describe, expect, it } from "@jest/globals";
import { getEventListeners } from "node:events";
import type { ServerResponse } from "node:http";
import type { Readable } from "node:stream";
import { HttpClient } from "../src/http/http-client.js";
import { abortableSleep, linkSignals, onAbort } from "../src/io/abort.js";
import { openFake, ReadFakeDriver } from "./read-fake-driver.js";
import { reply, startTestServer, type TestServer } from "./http-test-server.js";

// Node prints MaxListenersExceededWarning once an EventTarget holds more than 10 listeners of one
// event. Jest's sandboxed process does not see that warning, so these tests count the listeners
// where Node counts them: on the caller's signal, right after each one is added.

/** The most `abort` listeners `signal` held at once from now on. */
function peakListeners(signal: AbortSignal): { peak: number } {
  const seen = { peak: 0 };
  const add = signal.addEventListener.bind(signal);
  signal.addEventListener = ((...args: Parameters<AbortSignal["addEventListener"]>) => {
    add(...args);
    seen.peak = Math.max(seen.peak, getEventListeners(signal, "abort").length);
  }) as AbortSignal["addEventListener"];
  return seen;
}

/** Entries `AbortSignal.any` left on `signal` (Node keeps a set of its dependants; 0 when it has none). */
function dependants(signal: AbortSignal): number {
  const key = Object.getOwnPropertySymbols(signal).find((s) => s.description === "kDependantSignals");
  const set = key === undefined ? undefined : (signal as unknown as Record<symbol, Set<unknown> | undefined>)[key];
  return set?.size ?? 0;
}

const KiB = 1024;

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe("onAbort: one listener per signal, however many wait on it", () => {
  it("fans out in order, skips what was unsubscribed, and lets go of the signal when nobody waits", () => {
    const controller = new AbortController();
    const calls: number[] = [];
    const offs: Array<() => void> = [];
    // A callback that unsubscribes a later one: that one is not called.
    onAbort(controller.signal, () => offs[29]!());
    for (let i = 0; i < 30; i++) offs.push(onAbort(controller.signal, () => calls.push(i)));
    expect(getEventListeners(controller.signal, "abort")).toHaveLength(1);
    offs[3]!();
    offs[3]!(); // twice is harmless
    controller.abort();
    expect(calls).toEqual(Array.from({ length: 29 }, (_, i) => i).filter((i) => i !== 3));
    expect(getEventListeners(controller.signal, "abort")).toHaveLength(0);
    // Already aborted: at once, nothing added.
    onAbort(controller.signal, () => calls.push(100));
    expect(calls.at(-1)).toBe(100);
    expect(getEventListeners(controller.signal, "abort")).toHaveLength(0);
  });

  it("removes its listener once every subscriber left, and adds it back for the next", () => {
    const controller = new AbortController();
    const offs = Array.from({ length: 12 }, () => onAbort(controller.signal, () => undefined));
    for (const off of offs) off();
    expect(getEventListeners(controller.signal, "abort")).toHaveLength(0);
    let called = 0;
    const off = onAbort(controller.signal, () => called++);
    const twice = (): void => void called++;
    onAbort(controller.signal, twice);
    onAbort(controller.signal, twice);
    expect(getEventListeners(controller.signal, "abort")).toHaveLength(1);
    controller.abort();
    expect(called).toBe(3);
    off();
  });

  it("linkSignals over one caller signal: one listener on it, and none once released", () => {
    const controller = new AbortController();
    const links = Array.from({ length: 20 }, () => linkSignals(controller.signal, new AbortController().signal));
    expect(getEventListeners(controller.signal, "abort")).toHaveLength(1);
    controller.abort("why");
    expect(links.every((l) => l.signal?.aborted && l.signal.reason === "why")).toBe(true);
    for (const l of links) l.release();
    expect(getEventListeners(controller.signal, "abort")).toHaveLength(0);
  });
});

describe("abortableSleep", () => {
  it("20 waits on one signal add one listener to it; an abort ends them all with Aborted", async () => {
    const controller = new AbortController();
    const waits = Array.from({ length: 20 }, () => abortableSleep(60_000, controller.signal));
    expect(getEventListeners(controller.signal, "abort")).toHaveLength(1);
    controller.abort();
    const outcomes = await Promise.allSettled(waits);
    expect(outcomes.every((o) => o.status === "rejected" && (o.reason as { code?: string }).code === "Aborted")).toBe(true);
    await expect(abortableSleep(1, controller.signal)).rejects.toMatchObject({ code: "Aborted" });
  });

  it("resolves after its time and leaves no listener behind", async () => {
    const controller = new AbortController();
    await Promise.all([abortableSleep(5, controller.signal), abortableSleep(1), abortableSleep(3, controller.signal)]);
    expect(getEventListeners(controller.signal, "abort")).toHaveLength(0);
  });
});

describe("one caller signal shared by many concurrent calls", () => {
  it("20 concurrent HTTP requests add one abort listener to it, not one each (Node warns above 10)", async () => {
    const waiting: ServerResponse[] = [];
    // Answers once all 20 are in: every request is in flight at once.
    server = await startTestServer((_req, res) => {
      waiting.push(res);
      if (waiting.length === 20) for (const r of waiting) reply(r, 200, "ok");
    });
    const client = new HttpClient({ service: "t", retry: { maxRetries: 0, baseDelayMs: 1, maxDelayMs: 1 }, agent: { maxSockets: 32 } });
    const controller = new AbortController();
    const seen = peakListeners(controller.signal);
    const requests = Array.from({ length: 20 }, (_, i) =>
      client.sendBuffered({ method: "GET", protocol: "http", host: "127.0.0.1", port: server!.port, path: `/${i}`, headers: {} }, { signal: controller.signal }),
    );
    const answers = await Promise.all(requests);
    expect(answers.map((a) => a.body.toString())).toEqual(Array(20).fill("ok"));
    expect(seen.peak).toBe(1);
    expect(getEventListeners(controller.signal, "abort")).toHaveLength(0);
  });

  it("20 requests waiting out a retry backoff together add one abort listener to it", async () => {
    // The first answer to each path is a 503: all 20 wait in backoff at once, then succeed.
    const failed = new Set<string>();
    server = await startTestServer((req, res) => {
      if (failed.has(req.url ?? "")) return reply(res, 200, "ok");
      failed.add(req.url ?? "");
      reply(res, 503, "busy");
    });
    const client = new HttpClient({ service: "t", retry: { maxRetries: 1, baseDelayMs: 100, maxDelayMs: 100 }, random: () => 1, agent: { maxSockets: 32 } });
    const controller = new AbortController();
    const seen = peakListeners(controller.signal);
    const requests = Array.from({ length: 20 }, (_, i) =>
      client.sendBuffered({ method: "GET", protocol: "http", host: "127.0.0.1", port: server!.port, path: `/${i}`, headers: {} }, { signal: controller.signal }),
    );
    const answers = await Promise.all(requests);
    expect(answers.map((a) => a.body.toString())).toEqual(Array(20).fill("ok"));
    expect(server.seen).toHaveLength(40);
    expect(seen.peak).toBe(1);
    expect(getEventListeners(controller.signal, "abort")).toHaveLength(0);
  });

  it("20 read streams whose bodies are streaming add one listener to it, and the caller's abort still ends each", async () => {
    const driver = new ReadFakeDriver(1024 * KiB); // far more than a stream buffers: each body stays open
    const store = openFake(driver);
    const controller = new AbortController();
    const seen = peakListeners(controller.signal);
    const streams: Readable[] = [];
    const failures: Array<Promise<unknown>> = [];
    for (let i = 0; i < 20; i++) {
      const stream = store.createReadStream("obj", { signal: controller.signal });
      failures.push(new Promise((resolve) => stream.once("error", resolve)));
      // The first chunk arrived: the body is open, and stays open (paused).
      await new Promise<void>((resolve) => stream.once("data", () => (stream.pause(), resolve())));
      streams.push(stream);
    }
    expect(driver.open).toBe(20);
    expect(seen.peak).toBe(1);
    controller.abort();
    const errors = await Promise.all(failures);
    expect(errors.every((e) => (e as { code?: string }).code === "Aborted")).toBe(true);
    expect(driver.open).toBe(0);
    expect(getEventListeners(controller.signal, "abort")).toHaveLength(0);
  });
});

describe("concurrent reads (readConcurrency > 1) with one long-lived caller signal", () => {
  it("leave nothing on it: no listener, and no AbortSignal.any entry per read (Node 20 never removes those)", async () => {
    const driver = new ReadFakeDriver(64 * KiB);
    const store = openFake(driver);
    const controller = new AbortController();
    for (let i = 0; i < 50; i++) {
      const got = await store.read("obj", { readConcurrency: 3, readPartSize: 16 * KiB, signal: controller.signal });
      expect(got.equals(driver.data)).toBe(true);
    }
    expect(driver.reads.length).toBe(200); // in ranges: 4 per read
    await new Promise((resolve) => setImmediate(resolve)); // the last stream's 'close' comes after its 'end'
    expect(dependants(controller.signal)).toBe(0);
    expect(getEventListeners(controller.signal, "abort")).toHaveLength(0);
  });

  it("and the caller's abort still stops a read in ranges", async () => {
    const driver = new ReadFakeDriver(256 * KiB);
    const controller = new AbortController();
    const stream = openFake(driver).createReadStream("obj", { readConcurrency: 4, readPartSize: 16 * KiB, signal: controller.signal });
    const failed = new Promise<unknown>((resolve) => stream.once("error", resolve));
    await new Promise<void>((resolve) => stream.once("data", () => (stream.pause(), resolve())));
    controller.abort();
    expect(await failed).toMatchObject({ code: "Aborted" });
    for (let i = 0; i < 100 && driver.open > 0; i++) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(driver.open).toBe(0);
    expect(dependants(controller.signal)).toBe(0);
    expect(getEventListeners(controller.signal, "abort")).toHaveLength(0);
  });
});
