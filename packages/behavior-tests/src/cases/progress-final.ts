import { expect } from "@jest/globals";
import type { Progress } from "@stowage/core";
import type { CaseScope, Suite } from "../context.js";
import { chunkedIterable, chunkedReadable, collect, expectError, expectSameBytes, randomData, sha256 } from "../fixtures.js";
import { partSize } from "./multipart.js";

/** True when the storage holds no in-progress upload of `path` (where it can list them). */
async function noUploadOf(t: CaseScope, path: string): Promise<boolean> {
  if (!t.store.features.listMultipartUploads) return true;
  const uploads = await collect(t.store.list(path, { mode: "part" }));
  return uploads.every((u) => u.path !== path);
}

/** A listener that records its events and throws `cap` at the first one that names the total (a size cap). */
function capAtTotal(cap: Error): { events: Progress[]; onProgress: (p: Progress) => void } {
  const events: Progress[] = [];
  return {
    events,
    onProgress: (p) => {
      events.push(p);
      if (p.total !== undefined) throw cap;
    },
  };
}

/** What one failed write of unknown size left: the listener's events, the path, the bytes there before and those sent. */
interface Attempt {
  events: Progress[];
  path: string;
  old: Buffer;
  data: Buffer;
}

/**
 * Writes an object at a fresh path, then writes `2 × part + 1` other bytes of unknown size over it
 * through `via` (an async iterable to `write`, or a Readable piped into `createWriteStream`) with
 * `multipartThreshold` and `partSize` of one part, and a listener that throws at the first event
 * naming a total. The call must fail with `Unexpected`, the listener's error as its cause.
 */
async function attempt(t: CaseScope, via: "write" | "createWriteStream"): Promise<Attempt> {
  const part = partSize(t);
  const path = t.key();
  const old = randomData(10);
  await t.store.write(path, old);
  const data = randomData(2 * part + 1);
  const cap = new Error("size cap");
  const { events, onProgress } = capAtTotal(cap);
  const options = { multipartThreshold: part, partSize: part, onProgress };
  const error =
    via === "write"
      ? await expectError(() => t.store.write(path, chunkedIterable(data, 4096), options), "Unexpected")
      : await expectError(
          () =>
            new Promise<void>((resolve, reject) => {
              const ws = t.store.createWriteStream(path, options);
              ws.on("error", reject);
              ws.on("finish", resolve);
              chunkedReadable(data, 4096).pipe(ws);
            }),
          "Unexpected",
        );
  expect((error.cause as Error).message).toBe(cap.message);
  return { events, path, old, data };
}

/**
 * The last progress event of a write, `{ bytes: size, total: size }`, comes before the object is
 * stored also when the size was unknown at the start and the write goes in parts: a listener that
 * throws there (a size cap) keeps the object that was there and leaves no upload
 * (review-progress M1: it came after Complete, so the object was replaced and the call failed).
 *
 * Without `multipart` the same write goes in one request (core ignores `multipartThreshold` and
 * `partSize` there): the body is read whole before anything is sent, so the listener's first and
 * only event already names the total, and the call fails with its error. A service may have stored
 * what was sent by then (docs/getting-started.md), so the path holds the old object or the whole
 * new one, never a part of it; and no upload is left.
 */
export function registerProgressFinalCases(suite: Suite): void {
  for (const via of ["write", "createWriteStream"] as const) {
    suite.gated(
      `${via}: of unknown size in parts, a listener that throws at the last event keeps the old object`,
      ["multipart"],
      async (t: CaseScope) => {
        const { events, path, old, data } = await attempt(t, via);
        expect(events.at(-1)).toEqual({ bytes: data.length, total: data.length });
        expect(events.slice(0, -1).every((p) => p.total === undefined)).toBe(true);
        expectSameBytes(await t.store.read(path), old);
        expect(await noUploadOf(t, path)).toBe(true);
      },
      async (t: CaseScope) => {
        const { events, path, old, data } = await attempt(t, via);
        expect(events).toHaveLength(1);
        expect(events[0]?.total).toBe(data.length);
        expect([sha256(old), sha256(data)]).toContain(sha256(await t.store.read(path)));
        expect(await noUploadOf(t, path)).toBe(true);
      },
    );
  }
}
