import type { IncomingMessage, ServerResponse } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import type { Route } from "../common/operations.js";
import { isProtocolError, ProtocolError } from "../common/protocol-error.js";
import { DELETE_KEY_ERROR_CODES } from "../faults/delete-key-errors.js";
import { NO_FAULTS, type FaultEngine, type FaultPlan } from "../faults/fault-engine.js";
import type { Fault } from "../faults/fault-rule.js";
import { resetMidRequest } from "../faults/sabotage.js";
import type { MultipartStore } from "../store/multipart-store.js";
import type { ObjectStore } from "../store/object-store.js";
import type { ReceivedBody } from "../store/types.js";
import { handleAdmin } from "./admin-route.js";
import { toExchange, type EmulatorResponse, type Exchange } from "./exchange.js";
import type { FrontEnd, FrontEndConfig, HandlerContext } from "./front-end.js";
import { checkContentMd5, flipStoredByte, readBody } from "./request-body.js";
import { sendResponse } from "./send-response.js";
import type { StatsRecorder } from "./stats.js";

/** Everything the dispatcher needs. */
export interface DispatcherDeps {
  frontEnd: FrontEnd;
  store: ObjectStore;
  multipart: MultipartStore;
  config: FrontEndConfig;
  faults: FaultEngine;
  stats: StatsRecorder;
  /** The host the server listens on (its name is accepted as `Host` by the admin routes). */
  host: string;
  /** Extra `Host` names the admin routes answer, lower-case, without port (`adminHosts`). */
  adminHosts: readonly string[];
  /** Real clock, ms. */
  clock: () => number;
  /**
   * Where a failure of the emulator itself (not a protocol error: e.g. ENOSPC in `dataDir`) is
   * reported, one line each, as it is answered with a 500; default `console.error` (stderr).
   */
  log?: (line: string) => void;
}

/**
 * One line saying what `e` was, for the log: a Node system error's message (it starts with its
 * code: `ENOSPC: no space left on device, write`), else the error's name and message. Never the
 * request: its URL and headers may carry signatures and tokens.
 */
function describeInternalError(e: unknown): string {
  let text: string;
  // Not `instanceof Error`: an error of another realm (a vm context) is one too.
  const { message, name, code } = typeof e === "object" && e !== null ? (e as { message?: unknown; name?: unknown; code?: unknown }) : {};
  if (typeof message === "string") {
    const label = `${typeof code === "string" ? `${code} ` : ""}${typeof name === "string" ? name : "Error"}`;
    text = typeof code === "string" && message.startsWith(code) ? message : `${label}: ${message}`;
  } else text = String(e);
  const line = text.replace(/\s+/g, " ").trim();
  return line.length > 300 ? `${line.slice(0, 300)}...` : line;
}

function hasRequestBody(req: IncomingMessage): boolean {
  const len = req.headers["content-length"];
  return (len !== undefined && Number(len) > 0) || req.headers["transfer-encoding"] !== undefined;
}

/**
 * Whether the connection of `req` is closed before its body was all received: the client hung up
 * (Node then fails the body's stream with ECONNRESET "aborted"), or the emulator closed it.
 */
function connectionClosed(req: IncomingMessage): boolean {
  return !req.complete && (req.socket === null || req.socket.destroyed);
}

/**
 * Waits `ms` before a request is handled, unless its connection closes first (the client gave up, or
 * the emulator stopped, which closes every connection). True when the whole wait passed.
 */
async function delayWhileConnected(res: ServerResponse, ms: number): Promise<boolean> {
  if (res.destroyed || res.socket === null || res.socket.destroyed) return false;
  const gone = new AbortController();
  const onClose = (): void => gone.abort();
  res.once("close", onClose);
  try {
    await sleep(ms, undefined, { signal: gone.signal });
    return true;
  } catch {
    return false;
  } finally {
    res.off("close", onClose);
  }
}

/** Routes each request to the admin API or the provider front-end, with faults. */
export class Dispatcher {
  constructor(private readonly deps: DispatcherDeps) {}

  /** The `request` listener of the HTTP(S) server. */
  readonly listener = (req: IncomingMessage, res: ServerResponse): void => {
    this.dispatch(req, res).catch((e: unknown) => {
      const answered = res.headersSent ? "the connection closed" : "answered 500";
      this.log(`stowage-emulator: internal error, ${answered} (${req.method ?? "?"} request): ${describeInternalError(e)}`);
      if (!res.headersSent) {
        res.statusCode = 500;
        res.end();
      } else res.destroy();
    });
  };

  private log(line: string): void {
    (this.deps.log ?? ((l: string) => console.error(l)))(line);
  }

  private isAdmin(ex: Exchange): boolean {
    return (ex.rawPath === "/_emulator" || ex.rawPath.startsWith("/_emulator/")) && !this.deps.frontEnd.isVirtualHost(ex);
  }

  /**
   * False for a fault this front-end cannot apply to the request, which then does not fire: an
   * error-200 where it has no such answer, a delete-key-errors on anything but a batch delete whose
   * answer has per-key errors.
   */
  private applies(f: Fault, route: Route): boolean {
    const { frontEnd } = this.deps;
    if (f.kind === "error-200") return frontEnd.error200 !== undefined && frontEnd.error200Operations?.has(route.operation) === true;
    if (f.kind === "delete-key-errors") return route.operation === "DeleteObjects" && DELETE_KEY_ERROR_CODES[frontEnd.provider] !== undefined;
    return true;
  }

  private context(plan: FaultPlan, now: number): HandlerContext {
    const { store, multipart, config, stats } = this.deps;
    return {
      store,
      multipart,
      config,
      plan,
      now,
      async readBody(ex: Exchange, opts: { store?: boolean; maxBytes?: number } = {}): Promise<ReceivedBody> {
        const data = opts.store ?? true;
        ex.bodyRead = true;
        let body: ReceivedBody;
        try {
          // QingStor's ETag is the body's MD5, which its clients check: discard mode computes it too.
          body = await readBody(ex.req, { discard: data && config.discard, md5WhenDiscarding: config.provider === "qingstor", maxBytes: opts.maxBytes });
        } catch (e) {
          ex.closeAfterAnswer = true;
          // The connection closed under the body (the client left, or stop() closed it): no failure of the emulator.
          if (!isProtocolError(e) && connectionClosed(ex.req)) ex.clientGone = true;
          throw e;
        }
        stats.received(body.size);
        const md5 = ex.req.headers["content-md5"];
        checkContentMd5(Array.isArray(md5) ? md5[0] : md5, body);
        const flip = plan.get("flip-byte");
        if (data && flip) body = flipStoredByte(body, flip.offset);
        return body;
      },
    };
  }

  private async dispatch(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { frontEnd, faults, stats, clock } = this.deps;
    const ex = toExchange(req, this.deps.config.allowSseCOverHttp);
    if (this.isAdmin(ex)) {
      await handleAdmin(ex, res, faults, stats, this.deps.host, this.deps.adminHosts);
      return;
    }
    stats.request();
    let route: Route | undefined;
    let plan = NO_FAULTS;
    let now = clock();
    let response: EmulatorResponse;
    try {
      route = frontEnd.route(ex);
      const r = route;
      // A request routing refused (a sub-resource the emulator does not implement, a method the
      // resource does not allow) is no operation: it counts as none and gets no faults, only its
      // authentication and then its refusal (below).
      if (r.refused === undefined) {
        stats.operation(r.operation);
        plan = faults.select(frontEnd.provider, ex.method, r, (f) => this.applies(f, r));
      }
      for (const f of plan.faults) stats.fault(f.kind);
      now = clock() + plan.skewMs;
      // Nobody is left to answer once the connection closed (the client gave up, or stop() closed it):
      // the request is then dropped unhandled, and no timer outlives the emulator.
      if (plan.delayMs > 0 && !(await delayWhileConnected(res, plan.delayMs))) {
        stats.status("dropped");
        return;
      }
      if (plan.get("reset") && hasRequestBody(req)) {
        stats.status("reset");
        await resetMidRequest(req, plan.get("reset")!.afterBytes);
        return;
      }
      const status = plan.get("status");
      if (status) throw new ProtocolError(status.status === 500 ? "InternalError" : "ServiceUnavailable", status.status === 500 ? "We encountered an internal error. Please try again." : "Service is temporarily unavailable. Please retry.");
      if (plan.get("throttle")) throw new ProtocolError("Throttled", "Please reduce your request rate.");
      const bucketRegion = route.bucket === undefined ? undefined : this.deps.store.buckets.get(route.bucket)?.region;
      frontEnd.authenticate(ex, route, now, bucketRegion);
      frontEnd.checkEndpoint?.(ex, route, bucketRegion);
      if (route.refused !== undefined) throw route.refused;
      const e200 = plan.get("error-200");
      if (e200 && frontEnd.error200) {
        response = frontEnd.error200(ex, route, e200.code);
      } else {
        response = await frontEnd.handle(ex, route, this.context(plan, now));
      }
    } catch (e) {
      // A client that left mid-body gets no answer, and is no internal error: dropped, as after a delay.
      if (ex.clientGone) {
        stats.status("dropped");
        return;
      }
      if (!isProtocolError(e)) {
        // Told apart from an injected 500 (a fault, which is a protocol error and not logged).
        const what = route === undefined ? `${ex.method} request` : `${route.operation}${route.bucket === undefined ? "" : ` on bucket ${route.bucket}`}`;
        this.log(`stowage-emulator: internal error, answered 500 InternalError (${what}, request id ${ex.requestId}): ${describeInternalError(e)}`);
      }
      const err = isProtocolError(e) ? e : new ProtocolError("InternalError", "We encountered an internal error. Please try again.");
      response = frontEnd.errorResponse(err, ex, route);
      Object.assign(response.headers, err.headers);
    }
    if (ex.closeAfterAnswer) response.headers["connection"] = "close";
    response.headers[frontEnd.requestIdHeader] = ex.requestId;
    response.headers["date"] = new Date(now).toUTCString();
    response.headers["server"] ??= "stowage-emulator";
    await sendResponse(res, response, plan, stats, frontEnd.crc64Header);
  }
}
