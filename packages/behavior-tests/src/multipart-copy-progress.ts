import { randomBytes } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import { describe, expect, it } from "@jest/globals";
import type { Progress, Storager } from "@stowage/core";
import type { ProxiedServiceEmulator, ProxiedStores } from "./proxied-emulator.js";
import type { AnswerProxy } from "./answer-proxy.js";
import type { UploadLeft } from "./multipart-abort.js";

/** What the progress cases need of the multipart-abort suite's context. */
export interface CopyProgressContext<E extends ProxiedServiceEmulator> {
  readonly emulator: E;
  readonly proxy: AnswerProxy;
  /** The part size of the pair's multipart copies, and their threshold. */
  readonly copyPartSize: number;
  /** A fresh pair: the driver through the proxy (copies above `copyPartSize` in parts of that size) and `direct`. */
  pair(): ProxiedStores;
  /** The uploads in progress in `direct`'s work dir. */
  uploadsLeft(direct: Storager): Promise<UploadLeft[]>;
}

/** A CompleteMultipartUpload, as the proxy records it ("POST /key?uploadId=...", QingStor: upload_id). */
export const isCompleteEntry = (entry: string): boolean => entry.startsWith("POST ") && /[?&](uploadId|upload_id)=/.test(entry);

/** An event and what the proxy had seen when it came: how many requests (of all the file's), and how many Completes since the recorder was made. */
interface Seen {
  progress: Progress;
  requests: number;
  completes: number;
}

/** A listener that records each event with what the proxy had seen by then (see {@link Seen}). */
function recorder(proxy: AnswerProxy): { events: Seen[]; listener: (p: Progress) => void } {
  const events: Seen[] = [];
  const from = proxy.seen.length;
  const listener = (progress: Progress): void => {
    events.push({ progress: { ...progress }, requests: proxy.seen.length, completes: proxy.seen.slice(from).filter(isCompleteEntry).length });
  };
  return { events, listener };
}

/** Every request header the proxy sees while `work` runs (a hook that matches nothing). */
async function headersDuring(proxy: AnswerProxy, work: () => Promise<unknown>): Promise<IncomingHttpHeaders[]> {
  const headers: IncomingHttpHeaders[] = [];
  proxy.hook = {
    match: (req) => {
      headers.push(req.headers);
      return false;
    },
    run: async () => undefined,
  };
  try {
    await work();
  } finally {
    proxy.hook = undefined;
  }
  return headers;
}

/** No header of any request carries the listener (its name, or its source text). */
function expectNoListener(headers: IncomingHttpHeaders[]): void {
  expect(headers.length).toBeGreaterThan(0);
  for (const h of headers) {
    for (const [name, value] of Object.entries(h)) {
      expect(name).not.toMatch(/progress/i);
      expect(String(value)).not.toMatch(/=>|function|progress/i);
    }
  }
}

/**
 * Registers, as jest `describe` blocks named `<provider>...`, the progress of server-side copies
 * and moves through the proxy of the multipart-abort suite: a multipart copy reports the bytes of
 * the ranges copied so far after each range (nondecreasing, at range boundaries: sums of whole
 * ranges, `total` the size) and `{ size, size }` only after Complete and after its last request; a
 * single copy and a move report `{ size, size }` once, after their last request (a 0-byte copy
 * `{ 0, 0 }`); a listener that throws on the 2nd event fails the copy with its error, and no
 * upload and no destination object are left. No request carries the listener.
 * @throws nothing itself; the registered cases fail on any StorageError but the listener's `Unexpected`.
 */
export function registerCopyProgressCases<E extends ProxiedServiceEmulator>(provider: string, ctx: CopyProgressContext<E>): void {
  describe(`${provider} copy and move: onProgress`, () => {
    // Four ranges: three of copyPartSize and one of 5 bytes (read when the cases run, after the setup).
    const size = (): number => 3 * ctx.copyPartSize + 5;

    it("a multipart copy reports its ranges as they are copied, then { size, size } after Complete", async () => {
      const { store, direct } = ctx.pair();
      const objectSize = size();
      const data = randomBytes(objectSize);
      await direct.write("src", data);
      const { events, listener } = recorder(ctx.proxy);
      let after = 0;
      const headers = await headersDuring(ctx.proxy, async () => {
        await store.copy("src", "dst", { onProgress: listener });
        after = ctx.proxy.seen.length;
      });
      expectNoListener(headers);
      const bytes = events.map((e) => e.progress.bytes);
      expect(bytes).toEqual([...bytes].sort((a, b) => a - b));
      expect(new Set(bytes).size).toBe(bytes.length);
      // Four ranges: an event after each of the three that do not complete the sum, then the final one.
      expect(events).toHaveLength(4);
      const ranges = events.slice(0, -1);
      for (const e of ranges) {
        expect(e.progress.total).toBe(objectSize);
        expect(e.progress.bytes).toBeLessThan(objectSize);
        expect([0, 5]).toContain(e.progress.bytes % ctx.copyPartSize);
        expect(e.completes).toBe(0);
      }
      const last = events.at(-1)!;
      expect(last.progress).toEqual({ bytes: objectSize, total: objectSize });
      expect(last.completes).toBe(1);
      expect(last.requests).toBe(after);
      expect((await direct.read("dst")).equals(data)).toBe(true);
      await direct.delete("src");
      await direct.delete("dst");
    });

    it("a single copy reports { size, size } once, after its last request; a 0-byte copy { 0, 0 }", async () => {
      const { store, direct } = ctx.pair();
      await direct.write("small", randomBytes(1000));
      await direct.write("empty", Buffer.alloc(0));
      for (const [src, size] of [
        ["small", 1000],
        ["empty", 0],
      ] as const) {
        const { events, listener } = recorder(ctx.proxy);
        const headers = await headersDuring(ctx.proxy, () => store.copy(src, `${src}-copy`, { onProgress: listener }));
        expectNoListener(headers);
        expect(events.map((e) => e.progress)).toEqual([{ bytes: size, total: size }]);
        expect(events[0]!.requests).toBe(ctx.proxy.seen.length);
        expect((await direct.stat(`${src}-copy`)).size).toBe(size);
      }
      for (const path of ["small", "empty", "small-copy", "empty-copy"]) await direct.delete(path);
    });

    it("a move reports the copy's progress and { size, size } only once the move is done", async () => {
      const { store, direct } = ctx.pair();
      const objectSize = size();
      const data = randomBytes(objectSize);
      await direct.write("src", data);
      const { events, listener } = recorder(ctx.proxy);
      await store.move("src", "dst", { onProgress: listener });
      const bytes = events.map((e) => e.progress.bytes);
      expect(bytes).toEqual([...bytes].sort((a, b) => a - b));
      for (const e of events.slice(0, -1)) expect(e.progress.bytes).toBeLessThan(objectSize);
      expect(events.at(-1)!.progress).toEqual({ bytes: objectSize, total: objectSize });
      // Nothing was sent after the final event: the source's delete (or the rename) came before it.
      expect(events.at(-1)!.requests).toBe(ctx.proxy.seen.length);
      await expect(direct.stat("src")).rejects.toMatchObject({ code: "ObjectNotExist" });
      expect((await direct.read("dst")).equals(data)).toBe(true);
      await direct.delete("dst");
    });

    it("a listener that throws on the 2nd event fails the copy with its error: no upload, no destination object", async () => {
      const { store, direct } = ctx.pair();
      await direct.write("src", randomBytes(size()));
      const thrown = new Error("the listener stops the copy");
      let called = 0;
      const e = (await store
        .copy("src", "dst", {
          onProgress: () => {
            called++;
            if (called === 2) throw thrown;
          },
        })
        .catch((x: unknown) => x)) as Error & { code?: string };
      expect(e.code).toBe("Unexpected");
      expect(e.message).toContain(thrown.message);
      expect(called).toBe(2);
      expect(await ctx.uploadsLeft(direct)).toEqual([]);
      await expect(direct.stat("dst")).rejects.toMatchObject({ code: "ObjectNotExist" });
      await direct.delete("src");
    });
  });
}
