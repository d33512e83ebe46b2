import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { createReadStream, mkdtempSync, openSync, rmSync, unlinkSync, writeFileSync, type ReadStream } from "node:fs";
import { open } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { PassThrough, Readable } from "node:stream";
import { fileStreamLength, probeFileStream } from "../src/io/file-stream-length.js";

let dir: string;
let file: string;
const SIZE = 100_000;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "stowage-file-stream-length-"));
  file = join(dir, "body.bin");
  writeFileSync(file, Buffer.alloc(SIZE, 1));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** What `stream` is expected to give, by {@link probeFileStream} and {@link fileStreamLength}; the stream is then closed. */
async function lengthOf(stream: ReadStream): Promise<number | undefined> {
  const probe = probeFileStream(stream);
  const length = probe === undefined ? undefined : await fileStreamLength(probe);
  stream.destroy();
  return length;
}

describe("probeFileStream and fileStreamLength", () => {
  it("learn the length of a file stream opened by a string, Buffer or file URL path", async () => {
    expect(await lengthOf(createReadStream(file))).toBe(SIZE);
    expect(await lengthOf(createReadStream(Buffer.from(file)))).toBe(SIZE);
    expect(await lengthOf(createReadStream(pathToFileURL(file)))).toBe(SIZE);
  });

  it("count only the bytes between start and end (inclusive), within the file", async () => {
    expect(await lengthOf(createReadStream(file, { start: 1000 }))).toBe(SIZE - 1000);
    expect(await lengthOf(createReadStream(file, { end: 999 }))).toBe(1000);
    expect(await lengthOf(createReadStream(file, { start: 10, end: 19 }))).toBe(10);
    expect(await lengthOf(createReadStream(file, { start: 90_000, end: 200_000 }))).toBe(10_000);
    expect(await lengthOf(createReadStream(file, { start: 200_000 }))).toBe(0);
  });

  it("leave out what a reader already took from the stream, not what it holds buffered", async () => {
    const stream = createReadStream(file, { highWaterMark: 4096 });
    await new Promise<void>((resolve) => stream.once("readable", () => resolve()));
    expect(stream.read(100)).toHaveLength(100);
    expect(stream.bytesRead).toBe(4096);
    expect(await lengthOf(stream)).toBe(SIZE - 100);
  });

  it("know nothing of other bodies, of a stream over an fd or a FileHandle, or of one ended or destroyed", async () => {
    for (const body of [Buffer.alloc(3), "abc", Readable.from([Buffer.alloc(3)]), new PassThrough()]) expect(probeFileStream(body)).toBeUndefined();
    const byFd = createReadStream("", { fd: openSync(file, "r") });
    expect(probeFileStream(byFd)).toBeUndefined();
    byFd.destroy();
    const handle = await open(file);
    const byHandle = handle.createReadStream();
    expect(probeFileStream(byHandle)).toBeUndefined();
    byHandle.destroy();
    const destroyed = createReadStream(file);
    destroyed.destroy();
    expect(probeFileStream(destroyed)).toBeUndefined();
    const ended = createReadStream(file, { end: 9 });
    ended.resume();
    await new Promise<void>((resolve) => ended.once("end", () => resolve()));
    expect(probeFileStream(ended)).toBeUndefined();
    // One that yields text (an encoding set) gives other lengths than the file's: hex is twice as long.
    expect(await lengthOf(createReadStream(file, { encoding: "hex" }))).toBeUndefined();
    const decoded = createReadStream(file);
    decoded.setEncoding("utf8");
    expect(await lengthOf(decoded)).toBeUndefined();
  });

  it("give no length when the path no longer stats, or is no regular file", async () => {
    const gone = join(dir, "gone.bin");
    writeFileSync(gone, Buffer.alloc(10));
    const stream = createReadStream(gone);
    await new Promise<void>((resolve) => stream.once("ready", () => resolve()));
    unlinkSync(gone);
    expect(await lengthOf(stream)).toBeUndefined();
    const ofDir = createReadStream(dir);
    ofDir.on("error", () => undefined);
    expect(await lengthOf(ofDir)).toBeUndefined();
  });

  it("keep an error the stream reports during the stat for its reader", async () => {
    // Its open fails on the next tick, before the stat of the (existing) file answers.
    const refuse = (_path: unknown, _flags: unknown, _mode: unknown, done: (e: Error) => void): void => {
      process.nextTick(done, Object.assign(new Error("refused"), { code: "EACCES" }));
    };
    const stream = createReadStream(file, { fs: { open: refuse, read: () => undefined, close: (_fd: number, done: () => void) => done() } } as never);
    const probe = probeFileStream(stream)!;
    expect(await fileStreamLength(probe)).toBe(SIZE);
    expect(stream.listenerCount("error")).toBe(0);
    expect((stream.errored as NodeJS.ErrnoException | null)?.code).toBe("EACCES");
  });
});
