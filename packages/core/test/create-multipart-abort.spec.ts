/**
 * `createMultipart` aborted while its Initiate is in flight behaves as a multipart `write` does
 * (review-soak L1): the Initiate gets SENT_REQUEST_GRACE_MS to answer, the upload it answers with
 * is aborted, and the call rejects `Aborted`; an abort of that upload that fails names it.
 */
import { describe, expect, it, jest } from "@jest/globals";
import { storageError } from "../src/errors/storage-error.js";
import { SENT_REQUEST_GRACE_MS } from "../src/multipart/upload-cleanup.js";
import { Gate, openGated } from "./gated-driver.js";
import { rejection } from "./rejection.js";

describe("createMultipart: an abort while the Initiate is in flight", () => {
  it("waits for the upload id and aborts that upload: Aborted, no upload left", async () => {
    const { driver, store } = openGated();
    driver.createGate = new Gate();
    const controller = new AbortController();
    const creating = store.createMultipart("o", { signal: controller.signal });
    await driver.waiting.opened;
    // The service made the upload; its answer is on its way when the caller aborts.
    controller.abort();
    driver.createGate.open();
    const e = await rejection(creating);
    expect(e.code).toBe("Aborted");
    expect(e.message).not.toContain("may be left");
    expect(driver.aborted).toEqual(["u1"]);
    expect(driver.uploads.size).toBe(0);
  });

  it("an abort of that upload that fails: Aborted, naming the upload id and key left behind", async () => {
    const { driver, store } = openGated();
    driver.createGate = new Gate();
    driver.abortMultipart = async () => {
      throw storageError("PermissionDenied", "abort refused");
    };
    const controller = new AbortController();
    const creating = store.createMultipart("dir/o", { signal: controller.signal });
    await driver.waiting.opened;
    controller.abort();
    driver.createGate.open();
    const e = await rejection(creating);
    expect(e.code).toBe("Aborted");
    expect(e.message).toContain(
      'multipart upload "u1" of key "dir/o" may be left on the service (AbortMultipartUpload failed: PermissionDenied: abort refused): remove it with delete(path, { multipartId: "u1" }) or `stowage uploads --abort`',
    );
    expect([...driver.uploads.keys()]).toEqual(["u1"]);
  });

  it(`an Initiate that does not answer is cut off ${SENT_REQUEST_GRACE_MS} ms after the abort: Aborted`, async () => {
    jest.useFakeTimers({ doNotFake: ["nextTick", "setImmediate", "queueMicrotask"] });
    try {
      const { driver, store } = openGated();
      driver.createGate = new Gate();
      const signals: Array<AbortSignal | undefined> = [];
      const create = driver.createMultipart.bind(driver);
      driver.createMultipart = (key, options) => {
        signals.push(options.signal);
        return create(key, options);
      };
      const controller = new AbortController();
      const creating = store.createMultipart("o", { signal: controller.signal });
      creating.catch(() => undefined);
      await driver.waiting.opened;
      controller.abort();
      jest.advanceTimersByTime(SENT_REQUEST_GRACE_MS - 1);
      expect(signals[0]?.aborted).toBe(false);
      jest.advanceTimersByTime(1);
      expect((await rejection(creating)).code).toBe("Aborted");
      expect(signals[0]?.aborted).toBe(true);
      // No answer named an upload: none could be aborted.
      expect(driver.aborted).toEqual([]);
    } finally {
      jest.useRealTimers();
    }
  });

  it("a signal aborted before the call: Aborted, no Initiate sent", async () => {
    const { driver, store } = openGated();
    const controller = new AbortController();
    controller.abort();
    expect((await rejection(store.createMultipart("o", { signal: controller.signal }))).code).toBe("Aborted");
    expect(driver.uploads.size).toBe(0);
  });

  it("without an abort, the upload is created and kept", async () => {
    const { driver, store } = openGated();
    const controller = new AbortController();
    expect(await store.createMultipart("o", { signal: controller.signal })).toEqual({ path: "o", mode: "part", multipartId: "u1" });
    expect([...driver.uploads.keys()]).toEqual(["u1"]);
    expect(driver.aborted).toEqual([]);
  });
});
