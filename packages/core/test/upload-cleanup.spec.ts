import { afterEach, describe, expect, it, jest } from "@jest/globals";
import { randomFillSync } from "node:crypto";
import type { DriverCallOptions } from "../src/driver/storage-driver.js";
import { storageError } from "../src/errors/storage-error.js";
import { defineFeatures } from "../src/features.js";
import { raceAbort } from "../src/io/abort.js";
import { runUpload, SENT_REQUEST_GRACE_MS, UPLOAD_CLEANUP_TIMEOUT_MS } from "../src/multipart/upload-cleanup.js";
import { resolveOpenConfig } from "../src/pairs/open-config.js";
import type { ServiceDefinition } from "../src/registry/service-definition.js";
import type { Storager } from "../src/storager.js";
import { createStorager } from "../src/storager/create-storager.js";
import { Gate, GatedDriver } from "./gated-driver.js";
import { rejection } from "./rejection.js";

// A multipart upload that fails, or whose caller aborts, is aborted within UPLOAD_CLEANUP_TIMEOUT_MS:
// a service that does not answer AbortMultipartUpload no longer holds the call for every retry
// of every request timeout, and an error whose upload may be left names it.

const MiB = 1024 * 1024;

/** How the driver's abortMultipart behaves. */
type AbortBehaviour = "hang" | "ignore-signal" | "refuse" | "answer";

/** A {@link GatedDriver} whose abortMultipart hangs (until its signal aborts, or forever), fails, or answers. */
class CleanupDriver extends GatedDriver {
  behaviour: AbortBehaviour = "answer";
  readonly abortSignals: Array<AbortSignal | undefined> = [];
  /** Opens once abortMultipart was called. */
  readonly abortCalled = new Gate();

  override async abortMultipart(key: string, id: string, options: DriverCallOptions = {}): Promise<void> {
    this.abortSignals.push(options.signal);
    this.abortCalled.open();
    if (this.behaviour === "hang") await raceAbort(new Promise<void>(() => undefined), options.signal);
    if (this.behaviour === "ignore-signal") await new Promise<void>(() => undefined);
    if (this.behaviour === "refuse") throw storageError("PermissionDenied", "AccessDenied: not allowed to abort");
    return super.abortMultipart(key, id);
  }
}

/** A storager over a fresh {@link CleanupDriver}: 1 MiB parts, multipart above 1 MiB, 2 parts at once. */
function open(behaviour: AbortBehaviour): { driver: CleanupDriver; store: Storager } {
  const driver = new CleanupDriver(
    defineFeatures({ stat: true, read: true, write: true, delete: true, list: true, multipart: true, append: true, crc64: true, limits: { multipartSizeMinimum: 1 } }),
  );
  driver.behaviour = behaviour;
  const definition: ServiceDefinition = { type: "gated", packageName: "gated", description: "test", pairs: {}, newStorageDriver: () => driver };
  const resolved = resolveOpenConfig(definition, "gated://bucket/?multipart_threshold=1MiB&part_size=1MiB&concurrency=2", "storager");
  return { driver, store: createStorager(driver, { ...resolved, definition }) };
}

function bytes(size: number): Buffer {
  return randomFillSync(Buffer.alloc(size));
}

/** Lets pending callbacks run (a bounded number of event-loop turns). */
async function turns(n = 20): Promise<void> {
  for (let i = 0; i < n; i++) await new Promise((resolve) => setImmediate(resolve));
}

/** Watches whether `p` has settled. */
function watch(p: Promise<unknown>): { settled: () => boolean } {
  let settled = false;
  p.then(
    () => (settled = true),
    () => (settled = true),
  );
  return { settled: () => settled };
}

afterEach(() => {
  jest.useRealTimers();
});

describe("write: the abort of a failed multipart upload is bounded", () => {
  it.each([
    ["an AbortMultipartUpload that never answers (its signal aborts it)", "hang"],
    ["a driver that ignores the signal it is given", "ignore-signal"],
  ] as const)(
    `an aborted write settles Aborted ${UPLOAD_CLEANUP_TIMEOUT_MS} ms after the upload's abort was sent, naming the upload: %s`,
    async (_label, behaviour) => {
      jest.useFakeTimers({ doNotFake: ["nextTick", "setImmediate", "queueMicrotask"] });
      const { driver, store } = open(behaviour);
      driver.partGate = new Gate();
      const controller = new AbortController();
      const written = store.write("dir/o", bytes(3 * MiB), { signal: controller.signal });
      const state = watch(written);
      await driver.waiting.opened;
      controller.abort();
      await driver.abortCalled.opened;
      expect(driver.abortSignals).toHaveLength(1);
      expect(driver.abortSignals[0]).toBeDefined();
      jest.advanceTimersByTime(UPLOAD_CLEANUP_TIMEOUT_MS - 1);
      await turns();
      expect(state.settled()).toBe(false);
      expect(driver.abortSignals[0]?.aborted).toBe(false);
      jest.advanceTimersByTime(1);
      const e = await rejection(written);
      expect(e.code).toBe("Aborted");
      expect(e.detail).toContain('multipart upload "u1" of key "dir/o" may be left on the service');
      expect(e.detail).toContain(`AbortMultipartUpload got no answer within ${UPLOAD_CLEANUP_TIMEOUT_MS / 1000} s`);
      expect(e.message).toContain("stowage uploads --abort");
      expect(driver.abortSignals[0]?.aborted).toBe(true);
      expect(driver.completed).toEqual([]);
    },
    10_000,
  );

  it("a part that fails and an abort the service refuses: the part's error, naming the upload and why it was not aborted", async () => {
    const { driver, store } = open("refuse");
    driver.failPart.set(1, async () => storageError("ServiceInternal", "part 1 failed"));
    const e = await rejection(store.write("o", bytes(3 * MiB)));
    expect(e.code).toBe("ServiceInternal");
    expect(e.detail).toMatch(/^part 1 failed; multipart upload "u1" of key "o" may be left on the service \(AbortMultipartUpload failed: PermissionDenied: AccessDenied/);
    expect(e.message).toContain('delete(path, { multipartId: "u1" })');
    expect(e.retryable).toBe(true);
  });

  it("an abort that succeeds leaves the error as it was", async () => {
    const { driver, store } = open("answer");
    driver.failPart.set(1, async () => storageError("ServiceInternal", "part 1 failed"));
    const e = await rejection(store.write("o", bytes(3 * MiB)));
    expect(e.code).toBe("ServiceInternal");
    expect(e.detail).toBe("part 1 failed");
    expect(driver.aborted).toEqual(["u1"]);
    expect(driver.abortSignals[0]?.aborted).toBe(false);
  });

  it("an upload the caller keeps (onMultipartCreate) is not aborted, and the error does not name it", async () => {
    const { driver, store } = open("hang");
    driver.failPart.set(1, async () => storageError("ServiceInternal", "part 1 failed"));
    const e = await rejection(store.write("o", bytes(3 * MiB), { onMultipartCreate: () => undefined }));
    expect(e.detail).toBe("part 1 failed");
    expect(driver.abortSignals).toEqual([]);
  });
});

describe("runUpload (a driver's own multipart upload: server-side copies)", () => {
  /** Steps whose Initiate waits at `createGate` (the upload exists once it is sent), recording what ran. */
  function steps(
    signal: AbortSignal | undefined,
    abort: (id: string, signal: AbortSignal) => Promise<void> = async () => undefined,
    complete: (result: string, signal: AbortSignal | undefined) => Promise<string> = async (result) => result,
  ) {
    const record = { created: [] as string[], ran: [] as string[], completed: [] as string[], aborted: [] as string[], createSignal: undefined as AbortSignal | undefined };
    const createGate = new Gate();
    const createSent = new Gate();
    return {
      record,
      createGate,
      createSent,
      run: <T>(run: (id: string) => Promise<T>) =>
        runUpload<string, T>({
          key: "dst",
          signal,
          create: async (s) => {
            record.createSignal = s;
            record.created.push("up-1");
            createSent.open();
            await raceAbort(createGate.opened, s);
            return "up-1";
          },
          run: async (id) => {
            record.ran.push(id);
            return run(id);
          },
          complete: async (id, result, s) => {
            record.completed.push(id);
            return complete(String(result), s);
          },
          abort: async (id, s) => {
            record.aborted.push(id);
            await abort(id, s);
          },
        }),
    };
  }

  it("an abort while Initiate is in flight waits for its answer and aborts the upload it created: Aborted", async () => {
    const controller = new AbortController();
    const s = steps(controller.signal);
    const done = s.run(async () => "copied");
    await s.createSent.opened;
    controller.abort();
    await turns();
    expect(s.record.createSignal?.aborted).toBe(false);
    s.createGate.open();
    expect((await rejection(done)).code).toBe("Aborted");
    expect(s.record.ran).toEqual([]);
    expect(s.record.aborted).toEqual(["up-1"]);
  });

  it(`an Initiate that does not answer is cut off ${SENT_REQUEST_GRACE_MS} ms after the abort: Aborted`, async () => {
    jest.useFakeTimers({ doNotFake: ["nextTick", "setImmediate", "queueMicrotask"] });
    const controller = new AbortController();
    const s = steps(controller.signal);
    const done = s.run(async () => "copied");
    const state = watch(done);
    await s.createSent.opened;
    controller.abort();
    jest.advanceTimersByTime(SENT_REQUEST_GRACE_MS - 1);
    await turns();
    expect(state.settled()).toBe(false);
    jest.advanceTimersByTime(1);
    expect((await rejection(done)).code).toBe("Aborted");
    expect(s.record.createSignal?.aborted).toBe(true);
    expect(s.record.aborted).toEqual([]);
  });

  it("a failure after Initiate aborts the upload within the bound, and the error names the upload when that abort hung", async () => {
    jest.useFakeTimers({ doNotFake: ["nextTick", "setImmediate", "queueMicrotask"] });
    let abortSignal: AbortSignal | undefined;
    const s = steps(undefined, async (_id, signal) => {
      abortSignal = signal;
      await raceAbort(new Promise<void>(() => undefined), signal);
    });
    s.createGate.open();
    const done = s.run(async () => {
      throw storageError("Conflict", "the copy source changed", { statusCode: 412 });
    });
    const state = watch(done);
    await s.createSent.opened;
    for (let i = 0; i < 50 && abortSignal === undefined; i++) await turns(1);
    expect(abortSignal?.aborted).toBe(false);
    jest.advanceTimersByTime(UPLOAD_CLEANUP_TIMEOUT_MS - 1);
    await turns();
    expect(state.settled()).toBe(false);
    jest.advanceTimersByTime(1);
    const e = await rejection(done);
    expect(e.code).toBe("Conflict");
    expect(e.statusCode).toBe(412);
    expect(e.detail).toContain('the copy source changed; multipart upload "up-1" of key "dst" may be left on the service');
    expect(abortSignal?.aborted).toBe(true);
  });

  it("a caller's signal aborted already: Aborted, nothing initiated", async () => {
    const controller = new AbortController();
    controller.abort();
    const s = steps(controller.signal);
    expect((await rejection(s.run(async () => "copied"))).code).toBe("Aborted");
    expect(s.record.created).toEqual([]);
  });

  it("a run that succeeds resolves with its result and aborts nothing", async () => {
    const s = steps(new AbortController().signal);
    s.createGate.open();
    await expect(s.run(async (id) => `copied with ${id}`)).resolves.toBe("copied with up-1");
    expect(s.record.aborted).toEqual([]);
  });

  it("a Complete already sent when the caller aborts gets the grace: its answer resolves the call and nothing is aborted", async () => {
    const controller = new AbortController();
    const completeSent = new Gate();
    const answer = new Gate();
    let completeSignal: AbortSignal | undefined;
    const s = steps(controller.signal, undefined, async (result, signal) => {
      completeSignal = signal;
      completeSent.open();
      await raceAbort(answer.opened, signal);
      return `${result}, completed`;
    });
    s.createGate.open();
    const done = s.run(async () => "copied");
    await completeSent.opened;
    controller.abort();
    await turns();
    expect(completeSignal?.aborted).toBe(false);
    answer.open();
    await expect(done).resolves.toBe("copied, completed");
    expect(s.record.aborted).toEqual([]);
  });

  it(`a Complete that does not answer is cut off ${SENT_REQUEST_GRACE_MS} ms after the abort: Aborted, and the upload is aborted`, async () => {
    jest.useFakeTimers({ doNotFake: ["nextTick", "setImmediate", "queueMicrotask"] });
    const controller = new AbortController();
    const completeSent = new Gate();
    let completeSignal: AbortSignal | undefined;
    const s = steps(controller.signal, undefined, async (_result, signal) => {
      completeSignal = signal;
      completeSent.open();
      return raceAbort(new Promise<string>(() => undefined), signal);
    });
    s.createGate.open();
    const done = s.run(async () => "copied");
    const state = watch(done);
    await completeSent.opened;
    controller.abort();
    jest.advanceTimersByTime(SENT_REQUEST_GRACE_MS - 1);
    await turns();
    expect(state.settled()).toBe(false);
    jest.advanceTimersByTime(1);
    expect((await rejection(done)).code).toBe("Aborted");
    expect(completeSignal?.aborted).toBe(true);
    expect(s.record.aborted).toEqual(["up-1"]);
  });

  it("an abort before Complete was sent rejects Aborted, sends no Complete and aborts the upload", async () => {
    const controller = new AbortController();
    const s = steps(controller.signal);
    s.createGate.open();
    const done = s.run(async () => {
      controller.abort();
      return "copied";
    });
    expect((await rejection(done)).code).toBe("Aborted");
    expect(s.record.completed).toEqual([]);
    expect(s.record.aborted).toEqual(["up-1"]);
  });

  it("a Complete that fails aborts the upload and rejects with its failure", async () => {
    const s = steps(undefined, undefined, async () => {
      throw storageError("InvalidArgument", "InvalidPart");
    });
    s.createGate.open();
    expect((await rejection(s.run(async () => "copied"))).code).toBe("InvalidArgument");
    expect(s.record.aborted).toEqual(["up-1"]);
  });
});
