import { ReadStream } from "node:fs";
import { stat } from "node:fs/promises";

/** Where a file stream stood when a write took it: what {@link fileStreamLength} needs. */
export interface FileStreamProbe {
  readonly stream: ReadStream;
  /** The file's path, as the stream opened it. */
  readonly path: string | Buffer;
  /** First byte of the file the stream reads (its `start`, else 0). */
  readonly start: number;
  /** Last byte it reads (its `end`, inclusive; Infinity: to the end of the file). */
  readonly end: number;
  /** Bytes it had already handed to a reader (read from the file and no longer buffered). */
  readonly consumed: number;
}

/**
 * Notes, without any I/O, where a node `fs.ReadStream` opened by path (a string, Buffer or file URL)
 * stands: its `start` and `end` options and what was already read from it. Anything else (bytes,
 * other streams, a file stream over an `fd` or a FileHandle, whose position in the file is not
 * known, one already ended or destroyed) → undefined.
 */
export function probeFileStream(body: unknown): FileStreamProbe | undefined {
  if (!(body instanceof ReadStream) || body.destroyed || body.readableEnded) return undefined;
  // With an encoding set it yields text, whose length is not the file's (hex: twice as long).
  if (body.readableEncoding !== null) return undefined;
  const path: unknown = body.path;
  if (typeof path !== "string" && !Buffer.isBuffer(path)) return undefined;
  const { start, end } = body as ReadStream & { start?: unknown; end?: unknown };
  return {
    stream: body,
    path,
    start: typeof start === "number" && start >= 0 ? start : 0,
    end: typeof end === "number" ? end : Number.POSITIVE_INFINITY,
    consumed: Math.max(0, body.bytesRead - body.readableLength),
  };
}

/**
 * The bytes the probed stream has yet to give (from when it was probed), by a stat of its path: a
 * hint to plan a write by, never a promise (the file may grow, shrink or be replaced meanwhile).
 * Undefined when the stat fails or the path is not a regular file (a pipe, a device). While the
 * stat runs, an error the stream reports is kept for its reader (`errored`) rather than left
 * unhandled. Never throws.
 */
export async function fileStreamLength(probe: FileStreamProbe): Promise<number | undefined> {
  const keep = (): void => undefined;
  probe.stream.on("error", keep);
  try {
    const info = await stat(probe.path);
    if (!info.isFile()) return undefined;
    return Math.max(0, Math.min(info.size, probe.end + 1) - probe.start - probe.consumed);
  } catch {
    return undefined;
  } finally {
    probe.stream.removeListener("error", keep);
  }
}
