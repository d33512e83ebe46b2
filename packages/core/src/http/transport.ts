import { request as httpRequest, type ClientRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import { abortError, onAbort, timerDelay } from "../io/abort.js";
import type { AgentPair } from "./agents.js";
import { hostHeader, queryString, type HttpRequest } from "./http-request.js";
import { connectTimeoutError, pausedTimeoutError, timeoutError, unsentError, unsentTimeoutError } from "./network-error.js";
import { guard, pipeStream, spent, swallow, writeBuffer } from "./request-body.js";
import { thrownText } from "../errors/thrown-text.js";

/** The shortest default bound of a paused response body (see {@link pausedBodyTimeoutMs}). */
const PAUSED_BODY_MIN_MS = 10 * 60_000;

/**
 * The default bound of a response body paused by its reader, for a client whose request timeout
 * is `timeoutMs`: 10 times that, and at least 10 minutes. A reader held back by a slower
 * destination (backpressure: a copy to a slow upload) pauses for long stretches and must not lose
 * its body to a timer meant for silent servers; a stream dropped (or forgotten) paused, without being
 * destroyed, would otherwise hold its pooled connection for ever. A storager's read stream that
 * loses its body this way re-requests the rest once its reader wants more (a resume, within
 * `max_retries`), so only a reader that really stopped notices. At most what a timer can wait
 * (2^31 − 1 ms, about 24.8 days).
 * @throws nothing
 */
export function pausedBodyTimeoutMs(timeoutMs: number): number {
  return timerDelay(Math.max(10 * timeoutMs, PAUSED_BODY_MIN_MS));
}

/** Settings of one attempt. */
export interface DispatchOptions {
  /** The pool the attempt takes its connection from (a client's own pair, or its `streamed` one). */
  agents: AgentPair;
  /**
   * Idle time after which the attempt fails, in ms: the time to open the connection, then time
   * without a byte in either direction. (A request queued behind `max_connections` busy
   * connections of its pool waits without a bound: each of those is bounded by this, or by
   * `pausedTimeoutMs`.) It does not run while the response body is paused because its reader
   * does not want more yet (backpressure): `pausedTimeoutMs` does.
   */
  timeoutMs: number;
  /**
   * How long the response body may stay paused by its reader before its connection is closed,
   * in ms (default {@link pausedBodyTimeoutMs} of `timeoutMs`): the body then fails with the
   * retryable `ESTOWAGE_PAUSED_TIMEOUT`, so a stream nobody reads any more does not hold its
   * pooled connection for good.
   */
  pausedTimeoutMs?: number | undefined;
  signal?: AbortSignal | undefined;
  /**
   * Cumulative request-body bytes handed to the socket, until the response head arrives. If it
   * throws, the attempt is destroyed and fails as a body failure (not retried) with that error.
   */
  onUploadProgress?: ((bytes: number) => void) | undefined;
  /**
   * Called once the request has its connection, before a byte of it is written: undefined to send
   * it as it is, or a promise of the request to send instead (signed afresh: its method, host and
   * body are the same; its path, query and headers replace the pending ones). A rejection fails the
   * attempt with that error, nothing sent. For a request that waited long for a pooled connection.
   */
  beforeWrite?: (() => Promise<HttpRequest> | undefined) | undefined;
}

/** One attempt in flight: the response once its head arrived, and whether the body stream was touched. */
export interface Dispatched {
  response: IncomingMessage;
  /** True once a one-shot body stream has given up a byte (it cannot be sent again). */
  bodyConsumed(): boolean;
}

/** An attempt that failed before a response head arrived. */
export class DispatchError extends Error {
  /**
   * @param error the socket error (or `Aborted`, or the body stream's own error)
   * @param bodyConsumed true once a one-shot body stream gave up a byte
   * @param fromBody true when the request body stream itself failed (or was already
   *   spent): the attempt must not be retried, and `error` is the source's error
   */
  constructor(
    readonly error: unknown,
    readonly bodyConsumed: boolean,
    readonly fromBody = false,
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
 * a connection not opened within `timeoutMs` fails with code `ESTOWAGE_CONNECT_TIMEOUT`, an idle one with `ESTOWAGE_TIMEOUT`
 * (`ESTOWAGE_UNSENT_TIMEOUT` while nothing was written yet; a socket failure then is `ESTOWAGE_UNSENT`). While the
 * response body is paused by its reader the idle timer gives way to `pausedTimeoutMs`, after
 * which the body fails with `ESTOWAGE_PAUSED_TIMEOUT` and its connection is closed; it starts
 * again when the reader wants more.
 * @throws DispatchError wrapping the socket error (or `Aborted`, or the body stream's error)
 */
export function dispatch(request: HttpRequest, options: DispatchOptions): Promise<Dispatched> {
  const headers = headersToSend(request);
  const body = request.body;
  const secure = request.protocol === "https";
  const send = secure ? httpsRequest : httpRequest;
  const hostname = request.host.startsWith("[") ? request.host.slice(1, -1) : request.host;

  return new Promise<Dispatched>((resolve, reject) => {
    if (body !== undefined && !Buffer.isBuffer(body) && spent(body)) {
      // A one-shot stream that failed or ended before this attempt: nothing could be sent.
      reject(new DispatchError(body.errored ?? new Error("the request body stream was already consumed or destroyed"), true, true));
      return;
    }
    let consumed = false;
    let settled = false;
    let bodyFailed = false;
    const agent = secure ? options.agents.https : options.agents.http;
    const req: ClientRequest = send({
      protocol: secure ? "https:" : "http:",
      hostname,
      ...(request.port === undefined ? {} : { port: request.port }),
      method: request.method,
      path: request.path + queryString(request.query),
      headers,
      agent,
      // Set on the socket as soon as it is assigned, so it also bounds opening the connection
      // (req.setTimeout alone starts only once connected; the agent's own timeout is fixed).
      timeout: options.timeoutMs,
    });
    const signal = options.signal;
    // A request queued behind `max_connections` busy sockets of its pool waits for one without a
    // timer of its own: each busy socket is bounded (idle `timeoutMs`, a paused body
    // `pausedTimeoutMs`), so the wait ends; a deadline here would fail healthy requests queued
    // behind slow transfers. Bodies a reader may pause are all in the pool of streamed reads
    // (agents.ts): no upload waits behind a body whose reader waits for that upload (a copy).
    let cleanup = (): void => {};
    /** Rejects at once, for a request that may still be waiting for a socket (it reports nothing until it gets one). */
    const fail = (error: unknown): void => {
      cleanup();
      if (!settled) {
        settled = true;
        reject(new DispatchError(error, consumed, bodyFailed));
      }
    };
    // `onAbort` keeps one listener on a signal shared by many requests in flight (Node warns above 10).
    cleanup = onAbort(signal, () => {
      destroyRequest(req, abortError(signal));
      fail(abortError(signal));
    });
    const pausedMs = options.pausedTimeoutMs ?? pausedBodyTimeoutMs(options.timeoutMs);
    let response: { message: IncomingMessage; paused: () => boolean } | undefined;
    /** Whether a byte of the request may have been written (a timeout before is one before sending). */
    let writing = false;
    const onTimeout = (): void => {
      if (response !== undefined) {
        // In the middle of the body: the message carries the reason (not "the connection closed").
        response.message.destroy(response.paused() ? pausedTimeoutError(pausedMs) : timeoutError(options.timeoutMs));
        return;
      }
      const connecting = req.socket?.connecting === true;
      destroyRequest(req, connecting ? connectTimeoutError(options.timeoutMs) : writing ? timeoutError(options.timeoutMs) : unsentTimeoutError(options.timeoutMs));
    };
    // The `timeout` option above is the socket's idle timer: node sets it on every socket it assigns
    // to this request (a new one as it starts connecting, or a pooled one) and reports it as the
    // request's 'timeout'. Except where it equals the agent's own idle timeout: node then leaves the
    // socket's timer as it is, and a pooled socket may carry a shorter one (a server's keep-alive
    // hint), so the request sets it itself, as `req.setTimeout` does. Otherwise that would set the
    // same timer a second time (and once more on connect): ~4 µs of CPU per small request.
    if (options.timeoutMs === agentIdleTimeout(agent)) req.setTimeout(options.timeoutMs, onTimeout);
    else req.once("timeout", onTimeout);
    // A socket failure before a byte was written (a pooled connection closed while the request was
    // signed again) certainly came before sending: even a non-idempotent request may be retried.
    req.on("error", (e: unknown) => fail(writing ? e : unsentError(e)));
    req.on("response", (res: IncomingMessage) => {
      if (settled) {
        res.destroy();
        return;
      }
      settled = true;
      res.once("close", cleanup);
      response = { message: res, paused: idleOnlyWhileWanted(res, options.timeoutMs, pausedMs) };
      resolve({ response: res, bodyConsumed: () => consumed });
    });

    // The caller's progress listener runs inside socket and stream events: one that throws must
    // not escape them (an uncaught exception). It fails this attempt as a body failure (never
    // retried), with what it threw. Once the response head is in, progress is no longer reported.
    const listener = options.onUploadProgress;
    const onProgress =
      listener === undefined
        ? undefined
        : (bytes: number): void => {
            if (settled || bodyFailed) return;
            try {
              listener(bytes);
            } catch (e) {
              bodyFailed = true;
              req.destroy(e instanceof Error ? e : new Error(thrownText(e)));
            }
          };
    const write = (): void => {
      if (settled || req.destroyed) return;
      writing = true;
      if (body === undefined) {
        req.end();
      } else if (Buffer.isBuffer(body)) {
        writeBuffer(req, body, onProgress);
      } else if (spent(body)) {
        // It failed (or was ended by someone else) while the request waited: nothing of it can be sent.
        bodyFailed = true;
        req.destroy(body.errored ?? new Error("the request body stream was consumed or destroyed while its request waited for a connection"));
      } else {
        pipeStream(req, body, onProgress, {
          touched: () => (consumed = true),
          failed: () => (bodyFailed = true),
        });
      }
    };
    // Written once a connection is assigned: a request queued behind busy sockets is not rendered
    // (so it can be signed again if it waited long), nor does it drain a stream body into its buffer,
    // bytes lost to a retry if it never gets one (an abort).
    if (body !== undefined && !Buffer.isBuffer(body)) guard(body);
    req.once("socket", () => {
      if (settled) return;
      const fresh = options.beforeWrite?.();
      if (fresh === undefined) return write();
      // Errors kept as they are (their code classifies them; one from another realm is no `instanceof Error`).
      const fail = (e: unknown): void => destroyRequest(req, typeof e === "object" && e !== null ? (e as Error) : new Error(thrownText(e)));
      fresh.then((signed) => {
        if (settled || req.destroyed) return;
        // A header the new signature brought that Node refuses fails this attempt, never the process.
        try {
          replaceHead(req, headers, signed);
        } catch (e) {
          fail(e);
          return;
        }
        write();
      }, fail);
    });
  });
}

/** The idle timeout an agent puts on its sockets, as node reads it (`agent.options.timeout || 0`). */
function agentIdleTimeout(agent: AgentPair["http"] | AgentPair["https"]): number {
  return (agent as { options?: { timeout?: number } }).options?.timeout || 0;
}

/** The headers `request` is sent with: its own, plus `host` and `content-length` when missing. */
function headersToSend(request: HttpRequest): Record<string, string> {
  const headers: Record<string, string> = { ...request.headers };
  headers["host"] ??= hostHeader(request);
  const body = request.body;
  if (Buffer.isBuffer(body)) headers["content-length"] ??= String(body.length);
  else if (body === undefined && needsLength(request.method)) headers["content-length"] ??= "0";
  return headers;
}

/** Makes `req` (nothing written yet) send `signed`'s path, query and headers instead of `pending`. */
function replaceHead(req: ClientRequest, pending: Readonly<Record<string, string>>, signed: HttpRequest): void {
  const headers = headersToSend(signed);
  for (const name of Object.keys(pending)) if (!(name in headers)) req.removeHeader(name);
  for (const [name, value] of Object.entries(headers)) req.setHeader(name, value);
  req.path = signed.path + queryString(signed.query);
}

function needsLength(method: string): boolean {
  return method === "PUT" || method === "POST";
}

/**
 * Swaps the socket's idle timer for the much longer `pausedMs` while `res` is paused by its reader
 * (backpressure): a slow consumer is not a silent server. The idle timer runs again once the reader
 * wants more. Returns whether `res` is paused now (what a timeout then means).
 */
function idleOnlyWhileWanted(res: IncomingMessage, timeoutMs: number, pausedMs: number): () => boolean {
  const socket = res.socket;
  let paused = false;
  if (socket === null) return () => false;
  res.on("pause", () => {
    if (res.readableEnded || socket.destroyed) return;
    paused = true;
    socket.setTimeout(pausedMs);
  });
  res.on("resume", () => {
    paused = false;
    // A complete body only drains from memory now; its socket goes back to the pool at its end.
    if (!res.destroyed && !socket.destroyed) socket.setTimeout(res.complete ? 0 : timeoutMs);
  });
  return () => paused;
}

/**
 * Destroys `req` with `error`, first giving its socket a listener of its own for that error. Node
 * frees a keep-alive socket to the pool when a response that arrived whole emits its `end`, and
 * takes the request's socket 'error' listener off then; a destroy that lands while that `end` is
 * still pending (the body drains from memory: an abort just after the reader started) destroys the
 * socket, which reports the error a tick later, once nobody listens: an uncaught exception. A
 * request already destroyed (its socket maybe back in the pool, serving another request) is left alone.
 */
function destroyRequest(req: ClientRequest, error: Error): void {
  if (req.destroyed) return;
  req.socket?.once("error", swallow);
  req.destroy(error);
}
