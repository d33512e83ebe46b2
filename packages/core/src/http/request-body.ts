import type { ClientRequest } from "node:http";
import type { Readable } from "node:stream";

// How a request's body is written: a Buffer in slices (for progress), a one-shot stream piped once.

/** Buffers above this size are written in slices of it, so upload progress can be reported. */
const PROGRESS_SLICE = 1024 * 1024;

/** Writes `body` and ends `req`, reporting the bytes written (per 1 MiB slice when there is a listener). @throws nothing */
export function writeBuffer(req: ClientRequest, body: Buffer, onProgress: ((bytes: number) => void) | undefined): void {
  if (onProgress === undefined || body.length <= PROGRESS_SLICE) {
    req.end(body, () => onProgress?.(body.length));
    return;
  }
  let at = 0;
  const pump = (): void => {
    while (at < body.length) {
      const end = Math.min(body.length, at + PROGRESS_SLICE);
      const ok = req.write(body.subarray(at, end));
      at = end;
      const sent = at;
      if (!ok) {
        req.once("drain", () => {
          onProgress(sent);
          pump();
        });
        return;
      }
      onProgress(sent);
    }
    req.end();
  };
  pump();
}

/** True when a one-shot body stream cannot give a byte any more (ended, destroyed or errored). @throws nothing */
export function spent(body: Readable): boolean {
  return body.destroyed || body.errored !== null || body.readableEnded;
}

/** Bodies that already carry {@link swallow}: a failure after their request closed must not crash the process. */
const guarded = new WeakSet<Readable>();
/** An error listener that does nothing (the failure is reported elsewhere). @throws nothing */
export const swallow = (): void => undefined;

/** Gives `body` the {@link swallow} listener once (from when its request is made, before any socket). @throws nothing */
export function guard(body: Readable): void {
  if (guarded.has(body)) return;
  guarded.add(body);
  body.on("error", swallow);
}

/**
 * Pipes `body` into `req`, counting its bytes for progress. Its listeners belong to
 * this attempt only: they are removed when `req` closes, so a retry neither reports
 * progress twice nor sees another attempt's failure. A failure of `body` itself
 * destroys `req` with that error after calling `hooks.failed`.
 * @throws nothing (failures reach `req` as its error)
 */
export function pipeStream(req: ClientRequest, body: Readable, onProgress: ((bytes: number) => void) | undefined, hooks: { touched: () => void; failed: () => void }): void {
  let sent = 0;
  const onData = (chunk: Buffer | string): void => {
    hooks.touched();
    sent += typeof chunk === "string" ? Buffer.byteLength(chunk) : chunk.length;
    onProgress?.(sent);
  };
  const onError = (e: Error): void => {
    hooks.failed();
    req.destroy(e);
  };
  guard(body);
  body.on("data", onData);
  body.once("error", onError);
  req.once("close", () => {
    body.removeListener("data", onData);
    body.removeListener("error", onError);
    if (!body.readableEnded) body.unpipe(req);
  });
  body.pipe(req);
}
