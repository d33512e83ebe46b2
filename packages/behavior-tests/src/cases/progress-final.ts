import { expect } from "@jest/globals";
import type { Progress } from "@stowage/core";
import type { CaseScope, Suite } from "../context.js";
import { chunkedIterable, chunkedReadable, collect, expectError, expectSameBytes, randomData } from "../fixtures.js";
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

/**
 * The last progress event of a write, `{ bytes: size, total: size }`, comes before the object is
 * stored also when the size was unknown at the start and the write goes in parts: a listener that
 * throws there (a size cap) keeps the object that was there and leaves no upload
 * (review-progress M1: it came after Complete, so the object was replaced and the call failed).
 */
export function registerProgressFinalCases(suite: Suite): void {
  for (const via of ["write", "createWriteStream"] as const) {
    suite.gated(
      `${via}: of unknown size in parts, a listener that throws at the last event keeps the old object`,
      ["multipart"],
      async (t: CaseScope) => {
        const part = partSize(t);
        const path = t.key();
        const old = randomData(10);
        await t.store.write(path, old);
        const data = randomData(2 * part + 1);
        const cap = new Error("size cap");
        const { events, onProgress } = capAtTotal(cap);
        const options = { multipartThreshold: part, partSize: part, onProgress };
        const e =
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
        expect((e.cause as Error).message).toBe(cap.message);
        expect(events.at(-1)).toEqual({ bytes: data.length, total: data.length });
        expect(events.slice(0, -1).every((p) => p.total === undefined)).toBe(true);
        expectSameBytes(await t.store.read(path), old);
        expect(await noUploadOf(t, path)).toBe(true);
      },
      async () => undefined,
    );
  }
}
