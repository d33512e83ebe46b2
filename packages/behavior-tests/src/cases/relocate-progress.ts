import { expect } from "@jest/globals";
import { ErrorCode, storageError, type Progress, type ProgressListener } from "@stowage/core";
import type { CaseScope, Suite } from "../context.js";
import { expectError, expectSameBytes, randomData } from "../fixtures.js";
import { serve } from "./fetch.js";

/** The calls whose `onProgress` these cases check. */
type RelocateOp = "copy" | "move" | "fetch";

/** A few hundred KiB, not a multiple of any chunk or part size. */
const SIZE = 300 * 1024 + 7;

/** One `op` call under way: what it stored at `dst`, and how to run it. */
interface Prepared {
  /** The copy or move source (undefined for fetch). */
  src?: string;
  dst: string;
  run: (onProgress: ProgressListener) => Promise<void>;
}

/** Writes the source of a copy or move (or serves the bytes of a fetch on 127.0.0.1) and returns the call to make. */
async function prepare(t: CaseScope, op: RelocateOp, data: Buffer): Promise<Prepared> {
  const dst = t.key();
  if (op === "fetch") {
    const server = await serve(data);
    t.defer(server.close);
    return { dst, run: (onProgress) => t.store.fetch(dst, server.url + "object.bin", { onProgress }) };
  }
  const src = t.key();
  await t.store.write(src, data);
  return { src, dst, run: (onProgress) => (op === "copy" ? t.store.copy(src, dst, { onProgress }) : t.store.move(src, dst, { onProgress })) };
}

/** What a path holds now: its bytes, or undefined when there is no object. */
async function contentOf(t: CaseScope, path: string): Promise<Buffer | undefined> {
  try {
    await t.store.stat(path);
  } catch (e) {
    if ((e as { code?: unknown }).code === "ObjectNotExist") return undefined;
    throw e;
  }
  return t.store.read(path);
}

/** Asserts the events never go backwards, keep `bytes ≤ total`, and end with exactly `{ bytes: size, total: size }`. */
function expectProgressTo(events: Progress[], size: number): void {
  expect(events.length).toBeGreaterThan(0);
  let last = -1;
  for (const e of events) {
    expect(e.bytes).toBeGreaterThanOrEqual(last);
    if (e.total !== undefined) expect(e.bytes).toBeLessThanOrEqual(e.total);
    last = e.bytes;
  }
  expect(events[events.length - 1]).toEqual({ bytes: size, total: size });
}

async function refuse(t: CaseScope, op: RelocateOp): Promise<void> {
  const call = op === "fetch" ? () => t.store.fetch(t.key(), "http://127.0.0.1:9/none") : () => t.store[op](t.key(), t.key());
  await expectError(call, "CapabilityInsufficient");
}

/**
 * `onProgress` of `copy`, `move` and `fetch`: the events as the service copies or fetches, the
 * final `{ bytes: size, total: size }`, and a listener that throws. What a throwing listener may
 * leave: never a partial object. After copy the destination is absent or the whole copy (a
 * server-side copy may be done before the first event); after move the source is still there
 * unless the destination holds the whole object; after fetch the path is absent or whole.
 */
export function registerRelocateProgressCases(suite: Suite): void {
  for (const op of ["copy", "move", "fetch"] as const) {
    for (const size of [SIZE, 0]) {
      suite.gated(
        `${op}: onProgress of ${size} bytes never goes backwards and ends with { bytes: ${size}, total: ${size} }`,
        [op],
        async (t) => {
          const data = randomData(size);
          const call = await prepare(t, op, data);
          const events: Progress[] = [];
          await call.run((p) => events.push({ ...p }));
          expectProgressTo(events, size);
          expect((await t.store.stat(call.dst)).size).toBe(size);
          expectSameBytes(await t.store.read(call.dst), data);
          if (op === "move") await expectError(() => t.store.stat(call.src!), "ObjectNotExist");
          if (op === "copy") expectSameBytes(await t.store.read(call.src!), data);
        },
        (t) => refuse(t, op),
      );
    }

    suite.gated(
      `${op}: an onProgress listener that throws a StorageError on its first call rejects the call with it, and leaves no partial object`,
      [op],
      async (t) => {
        const data = randomData(SIZE);
        const call = await prepare(t, op, data);
        const stop = storageError(ErrorCode.Conflict, "stop");
        let calls = 0;
        const error = await expectError(
          () =>
            call.run(() => {
              calls++;
              throw stop;
            }),
          "Conflict",
        );
        // Core adds the call's context (op, service, paths) after the message.
        expect(error.message.startsWith(stop.message)).toBe(true);
        expect(calls).toBe(1);
        const dst = await contentOf(t, call.dst);
        if (dst !== undefined) expectSameBytes(dst, data);
        if (op === "copy") expectSameBytes(await t.store.read(call.src!), data);
        if (op === "move") {
          const src = await contentOf(t, call.src!);
          if (src === undefined) expect(dst).toBeDefined();
          else expectSameBytes(src, data);
        }
      },
      (t) => refuse(t, op),
    );
  }
}
