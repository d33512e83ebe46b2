/**
 * Many reads sharing one AbortSignal (a batch cancelled at once): the fs driver subscribes through
 * core's single listener per signal, so the signal carries one listener however many reads are open
 * (Node prints MaxListenersExceededWarning above 10), and an abort still stops each (closing its file).
 */
import { getEventListeners } from "node:events";
import type { Readable } from "node:stream";
import { afterEach, beforeEach, describe, expect, it } from "@jest/globals";
import { isStorageError } from "@stowage/core";
import "../src/index.js";
import { buf, drain, expectCode } from "./helpers.js";
import { sandbox, type Sandbox } from "./setup.js";

const READS = 20;
/** Above the size fs reads at once, so each read keeps its file open as a stream. */
const BIG = Buffer.alloc(4 * 1024 * 1024, 5);

let s: Sandbox;
beforeEach(async () => {
  s = await sandbox();
});
afterEach(async () => {
  await s.cleanup();
});

describe("fs: reads sharing a signal", () => {
  it("put one abort listener on it however many are open, and each is aborted with it", async () => {
    await s.driver.write(s.key("big"), buf(BIG), {});
    const controller = new AbortController();
    const streams: Readable[] = [];
    for (let i = 0; i < READS; i++) streams.push((await s.driver.read(s.key("big"), {}, { signal: controller.signal })).stream);
    expect(getEventListeners(controller.signal, "abort")).toHaveLength(1);
    controller.abort();
    const outcomes = await Promise.all(streams.map((r) => drain(r).then(() => "ended", (e: unknown) => (isStorageError(e, "Aborted") ? "Aborted" : String(e)))));
    expect(outcomes).toEqual(Array.from({ length: READS }, () => "Aborted"));
  });

  it("leave no listener once read to their end", async () => {
    await s.driver.write(s.key("small"), buf("hello"), {});
    const signal = new AbortController().signal;
    const streams: Readable[] = [];
    for (let i = 0; i < READS; i++) streams.push((await s.driver.read(s.key("small"), {}, { signal })).stream);
    const bodies = await Promise.all(streams.map(drain));
    expect(bodies.map(String)).toEqual(Array.from({ length: READS }, () => "hello"));
    expect(getEventListeners(signal, "abort")).toHaveLength(0);
  });

  it("refuses a read whose signal aborted while the file was being opened", async () => {
    await s.driver.write(s.key("small"), buf("hello"), {});
    const controller = new AbortController();
    const read = s.driver.read(s.key("small"), {}, { signal: controller.signal });
    controller.abort();
    await expectCode(read, "Aborted");
  });
});
