import { afterEach, describe, expect, it } from "@jest/globals";
import { randomBytes } from "node:crypto";
import { createServer, get, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Readable } from "node:stream";
import { setTimeout as sleep } from "node:timers/promises";
import { streamBody, type BodySabotage } from "../src/faults/sabotage.js";
import { DiscardBlobStore, MemoryBlobStore } from "../src/store/blob-store.js";

// streamBody writes GET bodies: here over a real loopback connection to a client that reads slowly,
// so that the response asks for drain many times.

const MiB = 1024 * 1024;

/** What the server side saw of one response. */
interface Served {
  sent: number;
  /** Writes that returned false (the response wanted a drain). */
  backpressured: number;
  listenersBefore: { drain: number; close: number; error: number };
  listenersAfter: { drain: number; close: number; error: number };
  sourceDestroyed: boolean;
}

let server: Server | undefined;
afterEach(async () => {
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  server = undefined;
});

function listeners(res: ServerResponse): Served["listenersBefore"] {
  return { drain: res.listenerCount("drain"), close: res.listenerCount("close"), error: res.listenerCount("error") };
}

/** Serves one body from `source()` with `sabotage`; resolves with the server's view once streamBody returned. */
async function serve(length: number, source: () => Readable, sabotage: BodySabotage): Promise<{ url: string; served: Promise<Served> }> {
  let done!: (s: Served) => void;
  const served = new Promise<Served>((resolve) => (done = resolve));
  server = createServer((_req: IncomingMessage, res: ServerResponse) => {
    let backpressured = 0;
    const write = res.write.bind(res) as (chunk: Buffer) => boolean;
    res.write = ((chunk: Buffer) => {
      const ok = write(chunk);
      if (!ok) backpressured++;
      return ok;
    }) as typeof res.write;
    res.writeHead(200, { "content-length": String(length), ...(sabotage.cut ? { connection: "close" } : {}) });
    const body = source();
    const listenersBefore = listeners(res);
    void streamBody(res, body, sabotage).then((sent) => {
      done({ sent, backpressured, listenersBefore, listenersAfter: listeners(res), sourceDestroyed: body.destroyed });
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server!.address() as AddressInfo).port}/`, served };
}

/** GETs `url`, reading slowly at first; `abortAfter` bytes: destroys the response then. */
function slowGet(url: string, abortAfter?: number): Promise<{ body: Buffer; complete: boolean }> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let got = 0;
    const finish = (complete: boolean): void => resolve({ body: Buffer.concat(chunks), complete });
    const req = get(url, { agent: false }, (res) => {
      res.on("data", (c: Buffer) => {
        chunks.push(c);
        got += c.length;
        if (abortAfter !== undefined && got >= abortAfter) {
          res.destroy();
          finish(false);
          return;
        }
        // A pause now and then lets the server's buffers fill up. The socket is paused, not the
        // response: a paused response holding parsed bytes when the server's close is read would be
        // destroyed with them (the body then ends short for the reader, not the server).
        if (chunks.length % 16 === 1) {
          res.socket.pause();
          void sleep(5).then(() => res.socket.resume());
        }
      });
      res.on("end", () => finish(true));
      res.on("error", () => finish(false));
      res.on("aborted", () => finish(false));
    });
    req.on("error", () => finish(false));
  });
}

describe("streamBody", () => {
  it("sends a stored body whole through many drain waits, counts it, and leaves no listener behind", async () => {
    const blobs = new MemoryBlobStore();
    const stored = Array.from({ length: 128 }, () => randomBytes(64 * 1024));
    await blobs.put("b", stored);
    const data = Buffer.concat(stored);
    const { url, served } = await serve(data.length, () => blobs.read("b", 0, data.length), {});
    const got = await slowGet(url);
    const s = await served;
    expect(got.complete).toBe(true);
    expect(got.body.equals(data)).toBe(true);
    expect(s.sent).toBe(data.length);
    expect(s.backpressured).toBeGreaterThan(10);
    expect(s.listenersAfter).toEqual(s.listenersBefore);
  });

  it("a reader that goes away mid-body ends the stream: the source is destroyed, the count is what was written", async () => {
    const blobs = new MemoryBlobStore();
    await blobs.put("b", Array.from({ length: 256 }, () => randomBytes(64 * 1024)));
    const { url, served } = await serve(16 * MiB, () => blobs.read("b", 0, 16 * MiB), {});
    const got = await slowGet(url, MiB);
    const s = await served;
    expect(got.complete).toBe(false);
    expect(s.sent).toBeGreaterThanOrEqual(MiB);
    expect(s.sent).toBeLessThan(16 * MiB);
    expect(s.sourceDestroyed).toBe(true);
    expect(s.listenersAfter.drain).toBe(s.listenersBefore.drain);
    expect(s.listenersAfter.error).toBe(s.listenersBefore.error);
  });

  it("flip-byte and truncate: exactly the bytes up to the stop, one of them flipped, and that count", async () => {
    const blobs = new MemoryBlobStore();
    const stored = Array.from({ length: 64 }, () => randomBytes(64 * 1024));
    await blobs.put("b", stored);
    const data = Buffer.concat(stored);
    const sabotage: BodySabotage = { flipAt: 3 * MiB + 5, stopAt: 3 * MiB + 100, cut: "close" };
    const { url, served } = await serve(data.length, () => blobs.read("b", 0, data.length), sabotage);
    const got = await slowGet(url);
    const s = await served;
    const want = Buffer.from(data.subarray(0, 3 * MiB + 100));
    want[3 * MiB + 5] = want[3 * MiB + 5]! ^ 0xff;
    expect(got.complete).toBe(false);
    expect(got.body.equals(want)).toBe(true);
    expect(s.sent).toBe(3 * MiB + 100);
    expect(s.listenersAfter.drain).toBe(s.listenersBefore.drain);
  });

  it("bench mode: zeros of the asked length, a flipped byte in a copy (the shared zeros stay zero)", async () => {
    const blobs = new DiscardBlobStore();
    const length = 5 * MiB + 3;
    for (let round = 0; round < 2; round++) {
      const { url, served } = await serve(length, () => blobs.read("x", 0, length), { flipAt: 2 * MiB });
      const got = await slowGet(url);
      const s = await served;
      expect(s.sent).toBe(length);
      expect(got.body.length).toBe(length);
      expect(got.body[2 * MiB]).toBe(0xff);
      expect(got.body.subarray(0, 2 * MiB).every((b) => b === 0)).toBe(true);
      expect(got.body.subarray(2 * MiB + 1).every((b) => b === 0)).toBe(true);
      await new Promise((resolve) => server!.close(resolve));
      server = undefined;
    }
  });
});

describe("MemoryBlobStore reads", () => {
  it("hand out views of the stored buffers, never copies, however slowly they are read", async () => {
    const blobs = new MemoryBlobStore();
    const stored = Array.from({ length: 12 }, (_, i) => Buffer.alloc(4096 + i, i));
    await blobs.put("b", stored);
    const total = stored.reduce((n, c) => n + c.length, 0);
    const got: Buffer[] = [];
    for await (const c of blobs.read("b", 100, total - 100)) {
      got.push(c as Buffer);
      await sleep(1);
    }
    expect(got).toHaveLength(stored.length);
    got.forEach((c, i) => expect(c.buffer).toBe(stored[i]!.buffer));
    expect(Buffer.concat(got).equals(Buffer.concat(stored).subarray(100, total - 100))).toBe(true);
  });
});
