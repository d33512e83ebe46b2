import { Readable } from "node:stream";
import { expect } from "@jest/globals";
import type { CaseScope, Suite } from "../context.js";
import {
  collect,
  expectError,
  expectIterationError,
  expectStorageErrorCode,
  randomData,
  slowReadable,
  streamError,
} from "../fixtures.js";

function aborted(): AbortSignal {
  const c = new AbortController();
  c.abort();
  return c.signal;
}

/** After an aborted write: no object, and (where listable) no upload left behind under `base`. */
async function expectNothingLeft(t: CaseScope, base: string, path: string): Promise<void> {
  await expectError(() => t.store.stat(path), "ObjectNotExist");
  if (t.store.features.multipart && t.store.features.listMultipartUploads) {
    expect(await collect(t.store.list(base, { mode: "part" }))).toEqual([]);
  }
}

/** How many parts the uploads under `base` hold now. */
async function storedParts(t: CaseScope, base: string): Promise<number> {
  let parts = 0;
  for (const upload of await collect(t.store.list(base, { mode: "part" }))) parts += (await collect(t.store.listMultipart(upload))).length;
  return parts;
}

/**
 * A body of `data` in 64 KiB chunks (one per timer tick) that never ends: before its last chunk it
 * waits until an upload under `base` holds a part (where uploads can be listed; at most 1,000
 * looks, 10 ms apart), records how many in `seen`, and aborts `c` instead.
 */
function abortOnceStored(t: CaseScope, base: string, data: Buffer, c: AbortController, seen: { parts: number }): Readable {
  const chunk = 64 * 1024;
  const listable = t.store.features.multipart && t.store.features.listMultipartUploads;
  let at = 0;
  return new Readable({
    read() {
      const end = Math.min(data.length, at + chunk);
      if (end < data.length) {
        setTimeout(() => {
          if (this.destroyed) return;
          this.push(data.subarray(at, end));
          at = end;
        }, 2);
        return;
      }
      void (async () => {
        for (let look = 0; listable && look < 1000 && !this.destroyed; look++) {
          seen.parts = await storedParts(t, base);
          if (seen.parts > 0) break;
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
        c.abort();
      })().catch((e: unknown) => this.destroy(e instanceof Error ? e : new Error(String(e))));
    },
  });
}

/** Aborting through `signal`: the call rejects with Aborted and leaves nothing behind. */
export function registerAbortCases(suite: Suite): void {
  suite.test("stat, read, delete, list: an already-aborted signal rejects with Aborted", async (t) => {
    const path = t.key();
    await t.store.write(path, randomData(10));
    await expectError(() => t.store.stat(path, { signal: aborted() }), "Aborted");
    await expectError(() => t.store.read(path, { signal: aborted() }), "Aborted");
    await expectError(() => t.store.delete(path, { signal: aborted() }), "Aborted");
    await expectIterationError(() => t.store.list("", { signal: aborted() }), "Aborted");
    expect((await t.store.stat(path)).size).toBe(10);
  });

  suite.test("commitAppend and presign: an already-aborted signal rejects with Aborted, also where they send nothing", async (t) => {
    const f = t.store.features;
    const path = t.key();
    // Without the feature there is nothing to abort: the operation itself is refused.
    if (f.append) await expectError(async () => t.store.commitAppend(await t.store.createAppend(path), { signal: aborted() }), "Aborted");
    else await expectError(() => t.store.createAppend(path), "CapabilityInsufficient");
    if (f.presignRead) await expectError(() => t.store.presign("read", t.key(), { expires: 60, signal: aborted() }), "Aborted");
    else await expectError(() => t.store.presign("read", t.key(), { expires: 60 }), "CapabilityInsufficient");
  });

  suite.test("write: an already-aborted signal rejects with Aborted and creates nothing", async (t) => {
    const base = t.dir();
    const path = t.key(base);
    await expectError(() => t.store.write(path, randomData(1000), { signal: aborted() }), "Aborted");
    await expectNothingLeft(t, base, path);
  });

  suite.test("write: aborting mid-body of a slow Readable rejects with Aborted and creates nothing", async (t) => {
    const base = t.dir();
    const path = t.key(base);
    const c = new AbortController();
    const body = slowReadable(randomData(256 * 1024), 16 * 1024, (n) => n >= 64 * 1024 && c.abort());
    await expectError(() => t.store.write(path, body, { signal: c.signal }), "Aborted");
    await expectNothingLeft(t, base, path);
  });

  suite.test("write: aborting a multipart write after some parts are stored rejects with Aborted and leaves no upload", async (t) => {
    const base = t.dir();
    const path = t.key(base);
    const c = new AbortController();
    const seen = { parts: 0 };
    const body = abortOnceStored(t, base, randomData(suite.largeSize), c, seen);
    await expectError(() => t.store.write(path, body, { signal: c.signal }), "Aborted");
    // The abort came only once the upload held a part (largeSize is past the threshold and one part).
    if (t.store.features.multipart && t.store.features.listMultipartUploads) expect(seen.parts).toBeGreaterThanOrEqual(1);
    await expectNothingLeft(t, base, path);
  });

  suite.test("write: aborting a checkpointed multipart write (onMultipartCreate) rejects with Aborted and creates no object", async (t) => {
    // With onMultipartCreate the caller holds the id to resume, so the upload may be kept: it is aborted here.
    const path = t.key();
    const c = new AbortController();
    const ids: string[] = [];
    t.defer(async () => {
      for (const multipartId of ids) await t.store.delete(path, { multipartId });
    });
    const size = suite.largeSize;
    const body = slowReadable(randomData(size), 64 * 1024, (n) => n >= Math.floor(size * 0.8) && c.abort());
    await expectError(() => t.store.write(path, body, { signal: c.signal, onMultipartCreate: (id) => ids.push(id) }), "Aborted");
    await expectError(() => t.store.stat(path), "ObjectNotExist");
    // Without multipart the write goes in one request: there is no upload to name.
    expect(ids.length).toBe(t.store.features.multipart ? 1 : 0);
  });

  suite.test("createWriteStream: aborting errors the stream with Aborted and creates nothing", async (t) => {
    const base = t.dir();
    const path = t.key(base);
    const c = new AbortController();
    const ws = t.store.createWriteStream(path, { signal: c.signal });
    const failed = streamError(ws);
    ws.write(randomData(10_000));
    c.abort();
    expectStorageErrorCode(await failed, "Aborted");
    await expectNothingLeft(t, base, path);
  });

  suite.test("createReadStream: aborting after the first chunk errors the stream with Aborted", async (t) => {
    const path = t.key();
    await t.store.write(path, randomData(512 * 1024));
    const c = new AbortController();
    const rs = t.store.createReadStream(path, { signal: c.signal });
    const failed = new Promise<unknown>((resolve, reject) => {
      rs.on("error", resolve);
      rs.on("end", () => reject(new Error("the stream ended although it was aborted before its end was read")));
    });
    // Abort synchronously inside the first 'data' event: the stream has not ended yet.
    rs.once("data", () => c.abort());
    expectStorageErrorCode(await failed, "Aborted");
  });
}
