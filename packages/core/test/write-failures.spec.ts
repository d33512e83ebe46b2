import { afterAll, beforeAll, describe, expect, it, jest } from "@jest/globals";
import { randomFillSync } from "node:crypto";
import { createReadStream, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { getEventListeners } from "node:events";
import { Readable } from "node:stream";
import { isStorageError, storageError, type StorageError } from "../src/errors/storage-error.js";
import type { Progress } from "../src/options.js";
import { ProgressReporter } from "../src/storager/progress-reporter.js";
import type { ObjectWriteStream } from "../src/storager/write-stream.js";
import { SENT_REQUEST_GRACE_MS } from "../src/storager/write-object.js";
import { Gate, once, openGated } from "./gated-driver.js";
import { rejection } from "./rejection.js";

const MiB = 1024 * 1024;

function bytes(size: number): Buffer {
  return randomFillSync(Buffer.alloc(size));
}

/** Lets pending callbacks run, at most `n` turns, until `done()`. */
/** Waits (at most ~4 s: a file's close runs on the busy thread pool) until `done()` holds. */
async function settle(done: () => boolean, n = 800): Promise<void> {
  for (let i = 0; i < n && !done(); i++) await new Promise((r) => setTimeout(r, 5));
}

let dir: string;
let file: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "stowage-write-failures-"));
  file = join(dir, "body.bin");
  writeFileSync(file, bytes(3 * MiB));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("write: the caller's body is closed when the write fails early", () => {
  it("multipart create refused, size known: the file stream is destroyed", async () => {
    const { driver, store } = openGated();
    driver.failCreate = storageError("PermissionDenied", "no");
    const body = createReadStream(file);
    expect((await rejection(store.write("o", body, { size: 3 * MiB }))).code).toBe("PermissionDenied");
    expect(body.destroyed).toBe(true);
    await settle(() => body.closed);
    expect(body.closed).toBe(true);
  });

  it("multipart create refused, size unknown (the head already read): the file stream is destroyed", async () => {
    const { driver, store } = openGated();
    driver.failCreate = storageError("PermissionDenied", "no");
    const body = createReadStream(file);
    expect((await rejection(store.write("o", body))).code).toBe("PermissionDenied");
    expect(body.destroyed).toBe(true);
  });

  it("multipart create refused, size unknown: a web ReadableStream is cancelled and unlocked, and the iterator in use is the one returned", async () => {
    const { driver, store } = openGated();
    driver.failCreate = storageError("PermissionDenied", "no");
    let cancelled = false;
    let pulls = 0;
    const web = new ReadableStream<Uint8Array>({
      pull: (c) => {
        if (++pulls > 64) c.close();
        else c.enqueue(bytes(64 * 1024));
      },
      cancel: () => {
        cancelled = true;
      },
    });
    expect((await rejection(store.write("o", web as unknown as AsyncIterable<Uint8Array>))).code).toBe("PermissionDenied");
    await settle(() => cancelled);
    expect([cancelled, web.locked]).toEqual([true, false]);

    const made: Array<{ returned: boolean }> = [];
    const perCall: AsyncIterable<Buffer> = {
      [Symbol.asyncIterator]() {
        const state = { returned: false };
        made.push(state);
        let n = 0;
        return {
          next: async () => (n++ < 64 ? { done: false, value: bytes(64 * 1024) } : { done: true, value: undefined }),
          return: async () => {
            state.returned = true;
            return { done: true, value: undefined };
          },
        };
      },
    };
    expect((await rejection(store.write("p", perCall))).code).toBe("PermissionDenied");
    await settle(() => made[0]!.returned);
    expect(made[0]!.returned).toBe(true);
  });

  it("resume of an upload that is gone: the file stream is destroyed", async () => {
    const { store } = openGated();
    const body = createReadStream(file);
    expect((await rejection(store.write("o", body, { multipartId: "gone" }))).code).toBe("ObjectNotExist");
    expect(body.destroyed).toBe(true);
  });

  it("options refused before anything is sent: the file stream is destroyed", async () => {
    const { store } = openGated();
    const a = createReadStream(file);
    expect((await rejection(store.write("o", a, { partSize: -1 }))).code).toBe("InvalidArgument");
    expect(a.destroyed).toBe(true);
    const b = createReadStream(file);
    expect((await rejection(store.write("o", b, { noSuchOption: 1 } as object))).code).toBe("PairUnsupported");
    expect(b.destroyed).toBe(true);
  });

  it("an async iterator body is returned", async () => {
    const { driver, store } = openGated();
    driver.failCreate = storageError("PermissionDenied", "no");
    let returned = false;
    const chunk = bytes(MiB);
    const body: AsyncIterableIterator<Buffer> = {
      [Symbol.asyncIterator]: () => body,
      next: async () => ({ done: false, value: chunk }),
      return: async () => {
        returned = true;
        return { done: true, value: undefined };
      },
    };
    expect((await rejection(store.write("o", body, { size: 3 * MiB }))).code).toBe("PermissionDenied");
    await settle(() => returned);
    expect(returned).toBe(true);
  });
});

describe("write: a slow source is closed when a part fails while a read of it is pending", () => {
  it("a stalled Readable is destroyed", async () => {
    const { driver, store } = openGated();
    const stalled = new Gate();
    let given = false;
    const source = new Readable({
      highWaterMark: MiB,
      read() {
        if (given) return stalled.open();
        given = true;
        this.push(bytes(MiB));
      },
    });
    driver.failPart.set(0, async () => {
      await stalled.opened;
      return storageError("ServiceInternal", "part failed");
    });
    expect((await rejection(store.write("o", source, { size: 3 * MiB, concurrency: 1 }))).code).toBe("ServiceInternal");
    expect(source.destroyed).toBe(true);
    expect(driver.aborted).toEqual(["u1"]);
  });

  it("a stalled async iterator is returned", async () => {
    const { driver, store } = openGated();
    const stalled = new Gate();
    let reads = 0;
    let returned = false;
    const body: AsyncIterableIterator<Buffer> = {
      [Symbol.asyncIterator]: () => body,
      next: () => {
        if (reads++ === 0) return Promise.resolve({ done: false, value: bytes(MiB) });
        stalled.open();
        return new Promise(() => undefined);
      },
      return: async () => {
        returned = true;
        return { done: true, value: undefined };
      },
    };
    driver.failPart.set(0, async () => {
      await stalled.opened;
      return storageError("ServiceInternal", "part failed");
    });
    expect((await rejection(store.write("o", body, { size: 3 * MiB, concurrency: 1 }))).code).toBe("ServiceInternal");
    await settle(() => returned);
    expect(returned).toBe(true);
  });
  it.each([
    ["without a caller signal", undefined],
    ["with a caller's long-lived signal", new AbortController().signal],
  ])("the iterator in use is returned, when an iterable makes a new one per call (%s)", async (_label, signal) => {
    const { driver, store } = openGated();
    const stalled = new Gate();
    const made: Array<{ returned: boolean }> = [];
    const body: AsyncIterable<Buffer> = {
      [Symbol.asyncIterator]: () => {
        let reads = 0;
        const state = { returned: false };
        made.push(state);
        return {
          next: () => {
            if (reads++ === 0) return Promise.resolve({ done: false, value: bytes(MiB) });
            stalled.open();
            return new Promise(() => undefined);
          },
          return: async () => {
            state.returned = true;
            return { done: true, value: undefined };
          },
        };
      },
    };
    driver.failPart.set(0, async () => {
      await stalled.opened;
      return storageError("ServiceInternal", "part failed");
    });
    expect((await rejection(store.write("o", body, { size: 3 * MiB, concurrency: 1, ...(signal ? { signal } : {}) }))).code).toBe("ServiceInternal");
    await settle(() => made[0]!.returned);
    expect(made[0]!.returned).toBe(true);
  });
});

describe("write: an abort once Complete was sent", () => {
  it("does not cancel it: the write resolves and the object is stored", async () => {
    const { driver, store } = openGated();
    driver.completeGate = new Gate();
    const controller = new AbortController();
    const data = bytes(3 * MiB);
    const written = store.write("o", data, { signal: controller.signal });
    await driver.waiting.opened;
    controller.abort();
    driver.completeGate.open();
    expect(await written).toMatchObject({ size: data.length, parts: 3 });
    expect(driver.completeSignals.map((s) => s?.aborted)).toEqual([false]);
    expect(driver.objects.get("o")?.equals(data)).toBe(true);
    expect(driver.aborted).toEqual([]);
  });

  it(`a Complete that does not answer is cut off ${SENT_REQUEST_GRACE_MS} ms after the abort: Aborted`, async () => {
    jest.useFakeTimers({ doNotFake: ["nextTick", "setImmediate", "queueMicrotask"] });
    try {
      const { driver, store } = openGated();
      driver.completeGate = new Gate();
      const controller = new AbortController();
      const written = store.write("o", bytes(3 * MiB), { signal: controller.signal });
      written.catch(() => undefined);
      await driver.waiting.opened;
      controller.abort();
      jest.advanceTimersByTime(SENT_REQUEST_GRACE_MS - 1);
      expect(driver.completeSignals[0]?.aborted).toBe(false);
      jest.advanceTimersByTime(1);
      expect((await rejection(written)).code).toBe("Aborted");
      expect(driver.completeSignals[0]?.aborted).toBe(true);
    } finally {
      jest.useRealTimers();
    }
  });

  it("an abort while the upload is being initiated waits for its id and aborts it: no upload is left", async () => {
    const { driver, store } = openGated();
    driver.createGate = new Gate();
    const controller = new AbortController();
    const written = store.write("o", bytes(3 * MiB), { signal: controller.signal });
    await driver.waiting.opened;
    controller.abort();
    driver.createGate.open();
    expect((await rejection(written)).code).toBe("Aborted");
    expect(driver.aborted).toEqual(["u1"]);
    expect(driver.uploads.size).toBe(0);
  });

  it("an abort before Complete still stops the upload: Aborted, nothing completed", async () => {
    const { driver, store } = openGated();
    driver.partGate = new Gate();
    const controller = new AbortController();
    const written = store.write("o", bytes(3 * MiB), { signal: controller.signal });
    await driver.waiting.opened;
    controller.abort();
    expect((await rejection(written)).code).toBe("Aborted");
    expect(driver.completed).toEqual([]);
    expect(driver.aborted).toEqual(["u1"]);
  });
});

describe("a long-lived caller signal", () => {
  it("keeps no abort listener once stream writes and write streams are done", async () => {
    const { store } = openGated();
    const controller = new AbortController();
    for (let i = 0; i < 20; i++) {
      await store.write(`s${i}`, Readable.from([bytes(1000)]), { signal: controller.signal });
      const ws = store.createWriteStream(`w${i}`, { signal: controller.signal });
      await new Promise<void>((resolve, reject) => {
        ws.on("finish", resolve).on("error", reject);
        ws.end(bytes(1000));
      });
    }
    expect(getEventListeners(controller.signal, "abort")).toHaveLength(0);
  });
});

describe("onProgress that throws", () => {
  const bug = (): never => {
    throw new Error("listener bug");
  };
  const expectListenerError = (e: StorageError): void => {
    expect(e.code).toBe("Unexpected");
    expect(e.detail).toBe("the onProgress listener threw: listener bug");
    expect((e.cause as Error).message).toBe("listener bug");
  };

  it("fails a single write, a multipart write (its upload aborted), writeMultipart and writeAppend", async () => {
    const { driver, store } = openGated();
    expectListenerError(await rejection(store.write("single", bytes(200_000), { onProgress: bug })));
    expect(driver.objects.has("single")).toBe(false);
    expectListenerError(await rejection(store.write("multi", bytes(3 * MiB), { onProgress: bug })));
    expect(driver.objects.has("multi")).toBe(false);
    expect(driver.aborted).toEqual(["u1"]);
    const upload = await store.createMultipart("parts");
    expectListenerError(await rejection(store.writeMultipart(upload, bytes(200_000), { index: 0, onProgress: bug })));
    const obj = await store.createAppend("appended");
    expectListenerError(await rejection(store.writeAppend(obj, bytes(200_000), { onProgress: bug })));
    // An append is not torn down by its listener (not idempotent): the bytes are stored, obj moves on.
    expect(obj.appendOffset).toBe(200_000);
  });

  it("errors a createWriteStream with that error", async () => {
    const { store } = openGated();
    const ws = store.createWriteStream("o", { onProgress: bug }) as ObjectWriteStream;
    const errored = new Promise<unknown>((resolve) => ws.once("error", resolve));
    const closed = once(ws, "close");
    ws.end(bytes(200_000));
    const e = await errored;
    expect(isStorageError(e)).toBe(true);
    expectListenerError(e as StorageError);
    await closed;
  });

  it("ProgressReporter: calls a failed listener no more", () => {
    let calls = 0;
    const reporter = new ProgressReporter(() => {
      calls++;
      throw new Error("listener bug");
    }, 10);
    expect(() => reporter.report(1)).toThrow("the onProgress listener threw: listener bug");
    reporter.report(2);
    reporter.finish(10);
    expect(calls).toBe(1);
  });
});

describe("progress of a body of unknown size", () => {
  const events = (): { seen: Progress[]; onProgress: (p: Progress) => void } => {
    const seen: Progress[] = [];
    return { seen, onProgress: (p) => seen.push(p) };
  };

  it("ends with { bytes, total } on a single write and on a multipart one", async () => {
    const { store } = openGated();
    const small = events();
    await store.write("s", Readable.from([bytes(100_000), bytes(100_000)]), { onProgress: small.onProgress });
    // Read whole before it is sent, the body's total is known for every event of the request.
    expect(small.seen.at(-1)).toEqual({ bytes: 200_000, total: 200_000 });
    expect(small.seen.every((p) => p.total === 200_000)).toBe(true);
    const large = events();
    await store.write("m", Readable.from([bytes(MiB), bytes(MiB), bytes(5000)]), { onProgress: large.onProgress });
    expect(large.seen.at(-1)).toEqual({ bytes: 2 * MiB + 5000, total: 2 * MiB + 5000 });
    // The last part's event had every byte but no total: the final one adds it.
    expect(large.seen.at(-2)).toEqual({ bytes: 2 * MiB + 5000 });
  });

  it("ProgressReporter: no second final event when the size was known", () => {
    const seen: Progress[] = [];
    const reporter = new ProgressReporter((p) => seen.push(p), 10);
    reporter.report(10);
    reporter.finish(10);
    expect(seen).toEqual([{ bytes: 10, total: 10 }]);
  });
});
