import fs, { createReadStream } from "node:fs";

/**
 * A file stream of `path` (reads of `chunk` bytes) that runs `act` once, just before the read that
 * reaches byte `at`: long after a write took the file's length, as such a stream never reads far
 * ahead of its reader.
 */
export function changingStream(path: string, at: number, act: () => void, chunk: number): fs.ReadStream {
  let acted = false;
  const read = (fd: number, buffer: Buffer, offset: number, length: number, position: number, done: (e: Error | null, n: number, b: Buffer) => void): void => {
    if (!acted && position + length >= at) {
      acted = true;
      act();
    }
    fs.read(fd, buffer, offset, length, position, done);
  };
  return createReadStream(path, { start: 0, highWaterMark: chunk, fs: { open: fs.open, close: fs.close, read } } as Parameters<typeof createReadStream>[1]);
}
