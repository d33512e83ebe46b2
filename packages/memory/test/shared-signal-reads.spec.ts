/**
 * Many reads sharing one AbortSignal (a batch cancelled at once): the memory driver subscribes
 * through core's single listener per signal, so the signal carries one listener however many
 * reads are open (Node prints MaxListenersExceededWarning above 10), and an abort still stops each.
 */
import { getEventListeners } from "node:events";
import type { Readable } from "node:stream";
import { describe, expect, it } from "@jest/globals";
import { isStorageError } from "@stowage/core";
import "../src/index.js";
import { MemoryStorageDriver } from "../src/storager.js";
import { MemoryStore } from "../src/store.js";
import { drain } from "./helpers.js";

const READS = 20;

describe("memory: reads sharing a signal", () => {
  it("put one abort listener on it however many are open, and each is aborted with it", async () => {
    const d = new MemoryStorageDriver(new MemoryStore(), "");
    await d.write("k", { data: Buffer.alloc(1024, 1), size: 1024 }, {});
    const controller = new AbortController();
    const streams: Readable[] = [];
    for (let i = 0; i < READS; i++) streams.push((await d.read("k", {}, { signal: controller.signal })).stream);
    expect(getEventListeners(controller.signal, "abort")).toHaveLength(1);
    controller.abort();
    const outcomes = await Promise.all(streams.map((s) => drain(s).then(() => "ended", (e: unknown) => (isStorageError(e, "Aborted") ? "Aborted" : String(e)))));
    expect(outcomes).toEqual(Array.from({ length: READS }, () => "Aborted"));
  });

  it("leave no listener once read to their end", async () => {
    const d = new MemoryStorageDriver(new MemoryStore(), "");
    await d.write("k", { data: Buffer.alloc(1024, 2), size: 1024 }, {});
    const signal = new AbortController().signal;
    const streams: Readable[] = [];
    for (let i = 0; i < READS; i++) streams.push((await d.read("k", {}, { signal })).stream);
    const bodies = await Promise.all(streams.map(drain));
    expect(bodies.every((b) => b.length === 1024)).toBe(true);
    expect(getEventListeners(signal, "abort")).toHaveLength(0);
  });
});
