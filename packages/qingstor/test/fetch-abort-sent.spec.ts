import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "@jest/globals";
import { isStorageError, newStorager, type StorageError } from "@stowage/core";
import { startEmulator, type Emulator } from "@stowage/emulator";
import "../src/index.js";

// A fetch aborted says "the whole object may still be stored" only when its request may have gone
// out; an abort before that is a plain Aborted. Either way the error's cause is the signal's
// reason, as on every other operation (core's abortError), not an Aborted wrapped once more.

const BUCKET = "fetch-abort-sent";
const HEDGE = "QingStor fetches on its own once the request reached it, so the whole object may still be stored";
// Nothing listens on port 9: a fetch that got through would fail at the source, not be aborted.
const URL_ = "http://127.0.0.1:9/never.bin";
let emulator: Emulator;

beforeAll(async () => {
  emulator = await startEmulator({ provider: "qingstor", buckets: [BUCKET] });
});
afterAll(async () => {
  await emulator.stop();
});
beforeEach(() => {
  emulator.setFaults([]);
  emulator.resetStats();
});

/** Expects `e`'s cause to be the reason "user quit" (core keeps a copy of it), not an Aborted wrapped once more. */
function expectReasonAsCause(e: StorageError): void {
  expect(isStorageError(e.cause)).toBe(false);
  expect(e.cause).toBeInstanceOf(Error);
  expect((e.cause as Error).message).toBe("user quit");
}

/** The StorageError `call` rejects with. */
async function failure(call: Promise<unknown>): Promise<StorageError> {
  const e = await call.then(
    () => undefined,
    (error: unknown) => error,
  );
  if (!isStorageError(e)) throw new Error(`expected a StorageError, got ${String(e)}`);
  return e;
}

describe("qingstor fetch: what an abort says", () => {
  it("a signal aborted before the fetch: a plain Aborted, its cause the reason, and no request sent", async () => {
    const store = newStorager(emulator.connectionString(BUCKET, "/"));
    const reason = new Error("user quit");
    const e = await failure(store.fetch("f", URL_, { signal: AbortSignal.abort(reason) }));
    expect(e.code).toBe("Aborted");
    expect(e.message).not.toContain("may still be stored");
    expectReasonAsCause(e);
    expect(emulator.stats().byOperation).toEqual({});
    // As a stat aborted so says it.
    const stat = await failure(store.stat("f", { signal: AbortSignal.abort(reason) }));
    expect(stat.message.replace("op=stat", "op=fetch")).toBe(e.message);
    expectReasonAsCause(stat);
  });

  it("aborted while the service holds the request: the object may still be stored, and the cause is the signal's reason", async () => {
    emulator.setFaults([{ kind: "delay", ms: 60_000, operation: "FetchObject" }]);
    const store = newStorager(emulator.connectionString(BUCKET, "/"));
    const controller = new AbortController();
    const call = failure(store.fetch("f", URL_, { signal: controller.signal }));
    // Aborted once the emulator has the request (bounded: at most 10 s of polling).
    for (let i = 0; i < 2000 && emulator.stats().byOperation["FetchObject"] !== 1; i++) await sleep(5);
    expect(emulator.stats().byOperation).toEqual({ FetchObject: 1 });
    const reason = new Error("user quit");
    controller.abort(reason);
    const e = await call;
    expect(e.code).toBe("Aborted");
    expect(e.message).toContain(HEDGE);
    expectReasonAsCause(e);
    expect(e.retryable).toBe(false);
  });

  it("a reason that is no Error: no cause, as core's abortError gives", async () => {
    emulator.setFaults([{ kind: "delay", ms: 60_000, operation: "FetchObject" }]);
    const store = newStorager(emulator.connectionString(BUCKET, "/"));
    const controller = new AbortController();
    const call = failure(store.fetch("f", URL_, { signal: controller.signal }));
    for (let i = 0; i < 2000 && emulator.stats().byOperation["FetchObject"] !== 1; i++) await sleep(5);
    controller.abort("a string");
    const e = await call;
    expect(e.message).toContain(HEDGE);
    expect(e.cause).toBeUndefined();
  });
});
