import { randomBytes } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { isStorageError, newStorager } from "@stowage/core";
import { startEmulator, type Emulator } from "@stowage/emulator";
import "../src/index.js";
import { useFetchSource } from "./fetch-source.js";

// A QingStor fetch is carried out by the service: a caller who aborts leaves it fetching, and the
// whole object may appear afterwards. The abort says so (as an aborted append says its bytes may
// have been appended).

const BUCKET = "fetch-abort";
const DATA = randomBytes(2 * 1024 * 1024);
let emulator: Emulator;

// Sends the body in 16 slices, 40 ms apart: the fetch is under way for about 600 ms.
const source = useFetchSource((_req, res) => {
  res.writeHead(200, { "content-length": String(DATA.length) });
  const slice = DATA.length / 16;
  let i = 0;
  const next = (): void => {
    if (res.destroyed) return;
    if (i === 16) return void res.end();
    res.write(DATA.subarray(i * slice, ++i * slice));
    setTimeout(next, 40);
  };
  next();
});

beforeAll(async () => {
  emulator = await startEmulator({ provider: "qingstor", buckets: [BUCKET] });
});

afterAll(async () => {
  await emulator.stop();
});

describe("qingstor fetch aborted while the service fetches", () => {
  it("is Aborted saying the object may still be stored; the whole object then appears, never part of it", async () => {
    const store = newStorager(emulator.connectionString(BUCKET, "/"));
    const controller = new AbortController();
    const call = store.fetch("f", `${source.base}/big.bin`, { signal: controller.signal }).then(
      () => undefined,
      (e: unknown) => e,
    );
    // Aborted once the emulator has the request (bounded: at most 10 s of polling), as
    // fetch-abort-sent.spec.ts does: an abort before it arrived would leave nothing to fetch.
    for (let i = 0; i < 2000 && emulator.stats().byOperation["FetchObject"] !== 1; i++) await sleep(5);
    expect(emulator.stats().byOperation["FetchObject"]).toBe(1);
    controller.abort();
    const error = await call;
    expect(isStorageError(error, "Aborted")).toBe(true);
    expect((error as Error).message).toContain("QingStor fetches on its own once the request reached it, so the whole object may still be stored: stat it to tell");
    // The service finishes the fetch on its own (bounded wait: 30 s, far more than the source's
    // 600 ms of pacing on a loaded machine).
    let size: number | undefined;
    const until = Date.now() + 30_000;
    while (size === undefined && Date.now() < until) {
      size = await store.stat("f").then(
        (o) => o.size,
        () => undefined,
      );
      if (size === undefined) await sleep(100);
    }
    expect(size).toBe(DATA.length);
    expect((await store.read("f")).equals(DATA)).toBe(true);
  });
});
