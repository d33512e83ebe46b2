import type { IncomingMessage, ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { Readable } from "node:stream";
import { setTimeout as sleep } from "node:timers/promises";
import type { FaultPlan } from "./fault-engine.js";

/**
 * Sends a TCP RST (falls back to a plain destroy where unsupported: a TLS socket's
 * `resetAndDestroy` throws `ERR_INVALID_HANDLE_TYPE`, its handle being no TCP one).
 */
export function resetSocket(socket: Socket | null | undefined): void {
  if (!socket || socket.destroyed) return;
  const s = socket as Socket & { resetAndDestroy?: () => void };
  try {
    if (typeof s.resetAndDestroy === "function") return void s.resetAndDestroy();
  } catch {
    // below
  }
  s.destroy();
}

/**
 * Reads about `afterBytes` of the request body (default: half its declared
 * length, at least one byte), then resets the connection.
 */
export async function resetMidRequest(req: IncomingMessage, afterBytes?: number): Promise<void> {
  const declared = Number(req.headers["content-length"] ?? "0");
  const limit = afterBytes ?? Math.max(1, Math.floor(declared / 2));
  let got = 0;
  await new Promise<void>((resolve) => {
    const done = (): void => {
      req.off("data", onData);
      resolve();
    };
    const onData = (c: Buffer): void => {
      got += c.length;
      if (got >= limit) done();
    };
    req.on("data", onData);
    req.once("end", done);
    req.once("error", done);
    req.once("close", done);
  });
  resetSocket(req.socket);
}

/**
 * Writes chunks to one response, waiting for `drain` when it asks to. One `drain` and one `close`
 * listener serve the whole body (added once, removed by {@link dispose}), and a wait is one plain
 * promise: no listener, signal or error per chunk.
 */
class ResponseWriter {
  private wake: (() => void) | undefined;
  private readonly onEvent = (): void => {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  };

  constructor(private readonly res: ServerResponse) {
    res.on("drain", this.onEvent);
    res.on("close", this.onEvent);
  }

  /** Writes `chunk`: false when the response wants a drain first (see {@link drained}) or went away. */
  write(chunk: Buffer): boolean {
    return !this.res.destroyed && this.res.write(chunk);
  }

  /** After a write that returned false: true once the response drained, false when it went away. */
  drained(): boolean | Promise<boolean> {
    const res = this.res;
    if (res.destroyed) return false;
    return new Promise<boolean>((resolve) => (this.wake = () => resolve(!res.destroyed)));
  }

  /** Removes the listeners (wakes a pending wait first). */
  dispose(): void {
    this.onEvent();
    this.res.off("drain", this.onEvent);
    this.res.off("close", this.onEvent);
  }
}

/** How a body stream is to be sabotaged, resolved from a {@link FaultPlan}. */
export interface BodySabotage {
  /** Absolute offset of a byte to flip. */
  flipAt?: number;
  /** Stop after this many bytes and then `cut` the connection. */
  stopAt?: number;
  cut?: "reset" | "close";
  /** Send at most this many bytes per second. */
  pace?: number;
}

/** Resolves the body faults of `plan` for a body of `length` bytes. */
export function bodySabotage(plan: FaultPlan, length: number): BodySabotage {
  const out: BodySabotage = {};
  const flip = plan.get("flip-byte");
  if (flip && length > 0) out.flipAt = Math.min(length - 1, flip.offset ?? Math.floor(length / 2));
  const bandwidth = plan.get("bandwidth");
  if (bandwidth) out.pace = bandwidth.bytesPerSecond;
  const reset = plan.get("reset");
  const truncate = plan.get("truncate");
  if (reset) {
    out.stopAt = Math.min(length, reset.afterBytes ?? Math.floor(length / 2));
    out.cut = "reset";
  } else if (truncate) {
    out.stopAt = Math.min(length, truncate.afterBytes ?? Math.floor(length / 2));
    out.cut = "close";
  }
  return out;
}

/**
 * Streams `source` into `res` applying `sabotage`, then ends the response (or
 * cuts the connection). Returns the number of body bytes written.
 */
export async function streamBody(res: ServerResponse, source: Readable, sabotage: BodySabotage): Promise<number> {
  const writer = new ResponseWriter(res);
  let offset = 0;
  try {
    let chunks: AsyncIterable<unknown> = source;
    if (sabotage.pace !== undefined) {
      const gone = new AbortController();
      res.once("close", () => gone.abort());
      chunks = paced(source, sabotage.pace, gone.signal);
    }
    for await (const c of chunks) {
      let chunk = c as Buffer;
      const at = sabotage.flipAt;
      if (at !== undefined && at >= offset && at < offset + chunk.length) {
        chunk = Buffer.from(chunk);
        chunk[at - offset] = chunk[at - offset]! ^ 0xff;
      }
      if (sabotage.stopAt !== undefined && offset + chunk.length >= sabotage.stopAt) {
        const part = chunk.subarray(0, sabotage.stopAt - offset);
        if (part.length > 0 && !writer.write(part)) await writer.drained();
        offset += part.length;
        break;
      }
      if (!writer.write(chunk) && !(await writer.drained())) return offset;
      offset += chunk.length;
    }
  } catch {
    source.destroy();
    resetSocket(res.socket);
    return offset;
  } finally {
    writer.dispose();
  }
  if (sabotage.cut === "reset") {
    source.destroy();
    resetSocket(res.socket);
  } else if (sabotage.cut === "close") {
    source.destroy();
    res.socket?.end();
  } else {
    res.end();
  }
  return offset;
}

/** Slices of `source` of at most 64 KiB, released no faster than `bytesPerSecond`; a wait ends when the connection does. */
async function* paced(source: Readable, bytesPerSecond: number, gone: AbortSignal): AsyncGenerator<Buffer> {
  const started = performance.now();
  let sent = 0;
  for await (const c of source) {
    const chunk = c as Buffer;
    for (let at = 0; at < chunk.length; at += 64 * 1024) {
      const due = (sent / bytesPerSecond) * 1000 - (performance.now() - started);
      if (due > 0) await sleep(due, undefined, { signal: gone });
      const slice = chunk.subarray(at, at + 64 * 1024);
      sent += slice.length;
      yield slice;
    }
  }
}

/** A Readable over one Buffer. */
export function bufferStream(b: Buffer): Readable {
  return Readable.from(b.length === 0 ? [] : [b], { objectMode: false });
}
