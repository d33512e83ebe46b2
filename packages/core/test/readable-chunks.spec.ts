import { describe, expect, it } from "@jest/globals";
import { PassThrough, Readable } from "node:stream";
import { setImmediate as tick } from "node:timers/promises";
import { bodyChunks } from "../src/io/body.js";
import { readableChunks } from "../src/io/readable-chunks.js";

async function all<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

/** A byte stream that pushes `count` chunks of `size` bytes, counting how many it was asked for. */
function counting(count: number, size: number, highWaterMark: number): { stream: Readable; pulled: () => number } {
  let pulled = 0;
  const stream = new Readable({
    highWaterMark,
    read() {
      pulled++;
      this.push(pulled <= count ? Buffer.alloc(size, pulled % 256) : null);
    },
  });
  return { stream, pulled: () => pulled };
}

describe("readableChunks", () => {
  it("yields the chunks a PassThrough buffered one by one, the same Buffers, not joined", async () => {
    const pass = new PassThrough({ highWaterMark: 1024 * 1024 });
    const written = [Buffer.from("first "), Buffer.from("second "), Buffer.from("third")];
    for (const b of written) pass.write(b);
    pass.end();
    const got = await all(readableChunks(pass));
    expect(got).toHaveLength(3);
    got.forEach((chunk, i) => expect(chunk).toBe(written[i]));
  });

  it("bodyChunks reads a buffered stream without copying its chunks", async () => {
    const pass = new PassThrough({ highWaterMark: 1024 * 1024 });
    const written = [Buffer.alloc(4096, 1), Buffer.alloc(4096, 2), Buffer.alloc(100, 3)];
    for (const b of written) pass.write(b);
    pass.end();
    const got = await all(bodyChunks(pass));
    expect(got).toHaveLength(3);
    got.forEach((chunk, i) => expect(chunk.buffer).toBe(written[i]!.buffer));
  });

  it("bodyChunks reads a stream that has a 'readable' listener (it never flows) through its own iterator", async () => {
    const pass = new PassThrough();
    pass.on("readable", () => undefined);
    pass.end(Buffer.from("still read"));
    const got = await Promise.race([all(bodyChunks(pass)), new Promise<"stuck">((resolve) => setTimeout(() => resolve("stuck"), 500))]);
    expect(got === "stuck" ? got : Buffer.concat(got).toString()).toBe("still read");
  });

  it("bodyChunks stopped early closes the stream; an error the stream reports while closing is not left unhandled", async () => {
    const stream = new Readable({
      read() {
        this.push(Buffer.alloc(16, 1));
      },
      destroy(_error, done) {
        done(new Error("failed while closing"));
      },
    });
    const unhandled: unknown[] = [];
    const onUncaught = (e: unknown): void => void unhandled.push(e);
    process.prependListener("uncaughtException", onUncaught);
    try {
      for await (const chunk of bodyChunks(stream)) {
        expect(chunk.length).toBe(16);
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    } finally {
      process.removeListener("uncaughtException", onUncaught);
    }
    expect(stream.destroyed).toBe(true);
    expect(unhandled).toEqual([]);
  });

  it("pauses a fast stream while it holds twice its buffer: a reader that stops asking stops the reads", async () => {
    const { stream, pulled } = counting(10_000, 16, 64);
    const it = readableChunks(stream);
    expect(((await it.next()).value as Buffer).length).toBe(16);
    for (let i = 0; i < 20; i++) await tick();
    // 2 × 64 bytes held, plus the stream's own 64-byte buffer: a few dozen 16-byte reads, not 10,000.
    expect(pulled()).toBeLessThan(30);
    const rest = await all(it);
    expect(rest.length + 1).toBe(10_000);
    expect(pulled()).toBe(10_001);
  });

  it("keeps order and content across pauses", async () => {
    const { stream } = counting(500, 7, 16);
    const got = (await all(readableChunks(stream))) as Buffer[];
    expect(got).toHaveLength(500);
    got.forEach((chunk, i) => expect(chunk.equals(Buffer.alloc(7, (i + 1) % 256))).toBe(true));
  });

  it("rejects with the stream's error", async () => {
    const pass = new PassThrough();
    pass.write(Buffer.from("a"));
    const it = readableChunks(pass);
    expect(((await it.next()).value as Buffer).toString()).toBe("a");
    const boom = new Error("disk on fire");
    setTimeout(() => pass.destroy(boom), 5);
    await expect(it.next()).rejects.toBe(boom);
    expect(pass.listenerCount("data")).toBe(0);
  });

  it("rejects a stream destroyed before its end as a premature close", async () => {
    const pass = new PassThrough();
    const it = readableChunks(pass);
    const pending = it.next();
    pass.destroy();
    await expect(pending).rejects.toMatchObject({ code: "ERR_STREAM_PREMATURE_CLOSE" });
  });

  it("ends at once on a stream that already ended, and fails on one already destroyed", async () => {
    const ended = Readable.from([Buffer.from("x")]);
    await all(ended);
    expect(ended.readableEnded).toBe(true);
    await expect(readableChunks(ended).next()).resolves.toEqual({ value: undefined, done: true });

    const destroyed = new PassThrough();
    destroyed.destroy();
    await expect(readableChunks(destroyed).next()).rejects.toMatchObject({ code: "ERR_STREAM_PREMATURE_CLOSE" });

    const errored = new PassThrough();
    const cause = new Error("bad");
    errored.on("error", () => undefined);
    errored.destroy(cause);
    await expect(readableChunks(errored).next()).rejects.toBe(cause);
  });

  it("counts object-mode chunks one each and passes strings through", async () => {
    const stream = Readable.from(["ab", "cd", "ef"], { objectMode: true });
    expect(await all(readableChunks(stream))).toEqual(["ab", "cd", "ef"]);
  });

  it("return() stops listening and leaves the stream to the caller", async () => {
    const { stream } = counting(100, 4, 8);
    const it = readableChunks(stream);
    await it.next();
    await it.return!();
    expect(stream.listenerCount("data")).toBe(0);
    expect(stream.listenerCount("end")).toBe(0);
    expect(stream.destroyed).toBe(false);
    expect(stream.isPaused()).toBe(true);
    expect(await it.next()).toEqual({ value: undefined, done: true });
  });
});
