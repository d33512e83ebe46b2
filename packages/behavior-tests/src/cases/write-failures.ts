import { expect } from "@jest/globals";
import type { Writable } from "node:stream";
import type { ProgressListener, StorageError, WriteResult } from "@stowage/core";
import type { CaseScope, Suite } from "../context.js";
import { chunkedReadable, expectError, expectSameBytes, randomData } from "../fixtures.js";

/** Settles once `ws` finished (resolving with its `result`) or errored. */
function finished(ws: Writable): Promise<WriteResult | undefined> {
  return new Promise((resolve, reject) => {
    ws.once("finish", () => resolve((ws as Writable & { result?: WriteResult }).result));
    ws.once("error", reject);
  });
}

/** A listener that throws on every event. */
const throwing: ProgressListener = () => {
  throw new Error("listener bug");
};

/** The call failed because of the listener: `Unexpected`, with the listener's error as `cause`. */
function expectListenerError(e: StorageError): void {
  expect(e.detail).toContain("listener bug");
  expect(e.cause instanceof Error ? e.cause.message : e.cause).toBe("listener bug");
}

/** Asserts a write of a stream body with `options` fails and leaves that stream destroyed. */
async function expectRefusedWithBodyClosed(t: CaseScope, options: object, size = 100_000): Promise<void> {
  const body = chunkedReadable(randomData(size), 64 * 1024);
  let failed = false;
  try {
    await t.store.write(t.key(), body, options);
  } catch {
    failed = true;
  }
  expect(failed).toBe(true);
  expect(body.destroyed).toBe(true);
}

/**
 * How writes fail and finish at their edges: a createWriteStream given more bytes than its
 * `size`, a progress listener that throws, and the caller's body stream after a refused write.
 */
export function registerWriteFailureCases(suite: Suite): void {
  suite.test("createWriteStream: bytes past `size` are cut, as write() cuts them, and the stream finishes", async (t) => {
    const path = t.key();
    const data = randomData(16 * 64 * 1024);
    const ws = t.store.createWriteStream(path, { size: 10 });
    const done = finished(ws);
    for (let i = 0; i < 16; i++) ws.write(data.subarray(i * 64 * 1024, (i + 1) * 64 * 1024));
    ws.end();
    expect((await done)?.size).toBe(10);
    expectSameBytes(await t.store.read(path), data.subarray(0, 10));

    const empty = t.key();
    const zero = t.store.createWriteStream(empty, { size: 0 });
    const zeroDone = finished(zero);
    zero.end("x");
    expect((await zeroDone)?.size).toBe(0);
    expect((await t.store.stat(empty)).size).toBe(0);
  });

  suite.test("write: an onProgress listener that throws fails the write with Unexpected (its error as cause), single and multipart", async (t) => {
    expectListenerError(await expectError(() => t.store.write(t.key(), randomData(300_000), { onProgress: throwing }), "Unexpected"));
    expectListenerError(await expectError(() => t.store.write(t.key(), randomData(suite.largeSize), { onProgress: throwing }), "Unexpected"));
    // Nothing was left broken: the next write works.
    const path = t.key();
    await t.store.write(path, "after");
    expect((await t.store.read(path)).toString()).toBe("after");
  });

  suite.gated(
    "writeMultipart: an onProgress listener that throws fails the part with Unexpected",
    ["multipart"],
    async (t) => {
      const path = t.key();
      const upload = await t.store.createMultipart(path);
      t.defer(() => t.store.delete(path, { multipartId: upload.multipartId! }));
      expectListenerError(await expectError(() => t.store.writeMultipart(upload, randomData(300_000), { index: 0, onProgress: throwing }), "Unexpected"));
    },
    async (t) => {
      await expectError(() => t.store.createMultipart(t.key()), "CapabilityInsufficient");
    },
  );

  suite.gated(
    "writeAppend: an onProgress listener that throws fails the append with Unexpected",
    ["append"],
    async (t) => {
      const obj = await t.store.createAppend(t.key());
      expectListenerError(await expectError(() => t.store.writeAppend(obj, randomData(300_000), { onProgress: throwing }), "Unexpected"));
    },
    async (t) => {
      await expectError(() => t.store.createAppend(t.key()), "CapabilityInsufficient");
    },
  );

  suite.gated(
    "writeAppend: a listener that throws does not stop the append: the call fails, but the bytes are stored and the append object moves on",
    ["append"],
    async (t) => {
      const path = t.key();
      const obj = await t.store.createAppend(path);
      const data = randomData(5000);
      expectListenerError(await expectError(() => t.store.writeAppend(obj, data, { onProgress: throwing }), "Unexpected"));
      expect(obj.appendOffset).toBe(5000);
      const next = await t.store.writeAppend(obj, data);
      expect(next.appendOffset).toBe(10_000);
      expect((await t.store.stat(path)).size).toBe(10_000);
    },
    async (t) => {
      await expectError(() => t.store.createAppend(t.key()), "CapabilityInsufficient");
    },
  );

  suite.test("write: a refused write destroys the caller's body stream (bad options)", async (t) => {
    await expectRefusedWithBodyClosed(t, { partSize: -1 });
    // A name no service defines is refused, loose or not.
    await expectRefusedWithBodyClosed(t, { noSuchOption: 1 });
    if (!t.store.features.loosePair) return expectRefusedWithBodyClosed(t, { expires: 60 });
    // Loose: another operation's pair is dropped, not refused, and the body is stored.
    const path = t.key();
    const data = randomData(100_000);
    expect((await t.store.write(path, chunkedReadable(data, 64 * 1024), { expires: 60 } as object)).size).toBe(data.length);
    expectSameBytes(await t.store.read(path), data);
  });

  suite.test("write: resuming an upload that does not exist fails and destroys the body stream", async (t) => {
    await expectRefusedWithBodyClosed(t, { multipartId: "no-such-upload" }, suite.largeSize);
  });
}
