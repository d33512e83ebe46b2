import { request as httpRequest, type ClientRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import { Readable } from "node:stream";
import { abortError } from "../io/abort.js";
import type { Agents } from "./agents.js";
import { hostHeader, queryString, type HttpRequest } from "./http-request.js";
import { timeoutError } from "./network-error.js";

/** Buffers above this size are written in slices of it, so upload progress can be reported. */
const PROGRESS_SLICE = 1024 * 1024;

/** Settings of one attempt. */
export interface DispatchOptions {
  agents: Agents;
  /** Idle time (no byte in either direction) after which the attempt fails, in ms. */
  timeoutMs: number;
  signal?: AbortSignal | undefined;
  /** Cumulative request-body bytes handed to the socket. */
  onUploadProgress?: ((bytes: number) => void) | undefined;
}

/** One attempt in flight: the response once its head arrived, and whether the body stream was touched. */
export interface Dispatched {
  response: IncomingMessage;
  /** True once a one-shot body stream has given up a byte (it cannot be sent again). */
  bodyConsumed(): boolean;
}

/** An attempt that failed before a response head arrived. */
export class DispatchError extends Error {
  constructor(
    readonly error: unknown,
    readonly bodyConsumed: boolean,
  ) {
    super(error instanceof Error ? error.message : String(error));
    this.name = "DispatchError";
  }
}

/**
 * Sends one attempt of `request` and resolves once the response head has
 * arrived (the body is left to the caller; destroying it frees the socket).
 * Adds `host` and, for Buffer bodies, `content-length` when missing. Aborting
 * `signal` destroys the request (and a response still streaming) with `Aborted`;
 * an idle connection fails with code `ESTOWAGE_TIMEOUT`.
 * @throws DispatchError wrapping the socket error (or `Aborted`)
 */
export function dispatch(request: HttpRequest, options: DispatchOptions): Promise<Dispatched> {
  const headers: Record<string, string> = { ...request.headers };
  headers["host"] ??= hostHeader(request);
  const body = request.body;
  if (Buffer.isBuffer(body)) headers["content-length"] ??= String(body.length);
  else if (body === undefined && needsLength(request.method)) headers["content-length"] ??= "0";
  const secure = request.protocol === "https";
  const send = secure ? httpsRequest : httpRequest;
  const hostname = request.host.startsWith("[") ? request.host.slice(1, -1) : request.host;

  return new Promise<Dispatched>((resolve, reject) => {
    let consumed = false;
    let settled = false;
    const req: ClientRequest = send({
      protocol: secure ? "https:" : "http:",
      hostname,
      ...(request.port === undefined ? {} : { port: request.port }),
      method: request.method,
      path: request.path + queryString(request.query),
      headers,
      agent: secure ? options.agents.https : options.agents.http,
    });
    const signal = options.signal;
    const onAbort = (): void => void req.destroy(abortError(signal));
    const cleanup = (): void => signal?.removeEventListener("abort", onAbort);
    if (signal !== undefined) {
      if (signal.aborted) {
        req.destroy(abortError(signal));
      } else {
        signal.addEventListener("abort", onAbort, { once: true });
      }
    }
    req.setTimeout(options.timeoutMs, () => req.destroy(timeoutError(options.timeoutMs)));
    req.on("error", (e) => {
      cleanup();
      if (!settled) {
        settled = true;
        reject(new DispatchError(e, consumed));
      }
    });
    req.on("response", (res: IncomingMessage) => {
      if (settled) {
        res.destroy();
        return;
      }
      settled = true;
      res.once("close", cleanup);
      resolve({ response: res, bodyConsumed: () => consumed });
    });

    if (body === undefined) {
      req.end();
    } else if (Buffer.isBuffer(body)) {
      writeBuffer(req, body, options.onUploadProgress);
    } else {
      pipeStream(req, body, options.onUploadProgress, () => (consumed = true));
    }
  });
}

function needsLength(method: string): boolean {
  return method === "PUT" || method === "POST";
}

function writeBuffer(req: ClientRequest, body: Buffer, onProgress: ((bytes: number) => void) | undefined): void {
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

function pipeStream(req: ClientRequest, body: Readable, onProgress: ((bytes: number) => void) | undefined, touched: () => void): void {
  let sent = 0;
  body.on("data", (chunk: Buffer | string) => {
    touched();
    sent += typeof chunk === "string" ? Buffer.byteLength(chunk) : chunk.length;
    onProgress?.(sent);
  });
  body.once("error", (e) => req.destroy(e));
  req.once("close", () => {
    if (!body.readableEnded) body.unpipe(req);
  });
  body.pipe(req);
}
