import { ErrorCode } from "../errors/error-code.js";
import { isStorageError, storageError, type StorageError } from "../errors/storage-error.js";
import { abortableSleep, abortError, raceAbort, throwIfAborted } from "../io/abort.js";
import { keepAliveAgents, type AgentOptions, type Agents } from "./agents.js";
import { logAttempt } from "./http-debug.js";
import { setCallSignal } from "./call-signal.js";
import type { HttpRequest } from "./http-request.js";
import { StreamingResponse, type BufferedResponse } from "./http-response.js";
import { errorForStatus } from "./status-error.js";
import { failedBeforeSend, networkError } from "./network-error.js";
import { parseRetryAfter, resolveRetryPolicy, retryDelay, type RetryPolicy } from "./retry-policy.js";
import { dispatch, DispatchError } from "./transport.js";

/** Most bytes of an error body read for mapping. */
const ERROR_BODY_LIMIT = 1024 * 1024;
/** Clock offsets smaller than this are not worth a correction (Date has second resolution). */
const SKEW_TOLERANCE_MS = 1500;

/** How one HTTP client signs, retries and maps errors (every hook is optional). */
export interface HttpClientOptions {
  /** Service type, put on every error (`"cos"`). */
  service: string;
  /**
   * Signs one attempt: mutate `request` (a fresh copy per attempt) with headers or
   * query parameters. `now` is the local clock corrected by the server's `Date`
   * after a clock-skew error. A call's `signal` ends the wait for a hook that does not
   * settle (e.g. a stalled credential provider); the hook itself must bound its own work. The
   * signal is recorded for `request` (`callSignal(request)`, call-signal.ts), so a hook can hand it
   * on: `SigningCredentials.for` does, and a provider call nobody waits on any more holds nothing.
   * A hook that fails ends the call with its error at once, retryable or not: it is never retried
   * here (a credential provider that timed out would otherwise be waited on again per retry).
   */
  sign?: (request: HttpRequest, now: Date) => void | Promise<void>;
  /** Turns a failed response (status not accepted, body read up to 1 MiB) into a StorageError. */
  mapError?: (response: BufferedResponse) => StorageError | Promise<StorageError>;
  /** True when `error` means the request time was refused (the clock is then corrected from the response's `Date`). */
  isClockSkew?: (error: StorageError, response: BufferedResponse) => boolean | Promise<boolean>;
  /**
   * Called when an attempt failed with an error response; `request` is that attempt's
   * signed copy. True when the credentials that signed it were rejected and have been
   * dropped: the request is then signed and sent once more at once (no backoff, no retry
   * used; at most once per call, only with a replayable body). A hook that throws counts as false.
   * `signal` is the call's: a hook that sends requests of its own passes it on; the call stops
   * waiting for the hook when it aborts.
   */
  renewCredentials?: (error: StorageError, request: HttpRequest, response: BufferedResponse, signal: AbortSignal | undefined) => boolean | Promise<boolean>;
  /** Response header holding the service's request id (`x-cos-request-id`). */
  requestIdHeader?: string;
  retry?: Partial<RetryPolicy>;
  /**
   * Timeout of each attempt, in ms (default 60 s): for opening the connection, then for time
   * without a byte in either direction. A request waiting for a pooled connection (all
   * `agent.maxSockets` busy) waits until one is free: each busy one is bounded by this or by
   * `pausedTimeoutMs`. Time a streamed
   * response body spends paused by its reader does not count: {@link HttpClientOptions.pausedTimeoutMs} bounds that.
   */
  timeoutMs?: number;
  /**
   * How long a streamed response body may stay paused by its reader before its connection is
   * closed, in ms (default `pausedBodyTimeoutMs(timeoutMs)`: 10 × `timeoutMs`, at least 10 min).
   * The body then fails with a retryable `ServiceInternal` (`ESTOWAGE_PAUSED_TIMEOUT`); a storager's
   * read stream resumes from there once its reader wants more.
   */
  pausedTimeoutMs?: number;
  agent?: AgentOptions;
  /** Jitter source, for tests (default `Math.random`). */
  random?: () => number;
}

/** Options of one call. */
export interface SendOptions {
  signal?: AbortSignal | undefined;
  /** Statuses that count as success (default: 200–299). */
  accept?: (status: number) => boolean;
  /**
   * `false` for requests that must not run twice (e.g. an append): a network
   * failure that may have reached the server is then not retried. Default true.
   */
  idempotent?: boolean;
  onUploadProgress?: ((bytes: number) => void) | undefined;
}

/** Options of {@link HttpClient.sendBuffered}. */
export interface BufferedSendOptions extends SendOptions {
  /** Checks a successful response; an error returned is handled like a failed attempt (e.g. a 200 carrying an error document). */
  validate?: (response: BufferedResponse) => StorageError | undefined | Promise<StorageError | undefined>;
}

/** One attempt's outcome; `signing` marks a failure of the `sign` hook (nothing was sent). */
type Attempt<T> = { ok: T } | { error: StorageError; network: boolean; response?: BufferedResponse; bodyConsumed: boolean; signed?: HttpRequest; signing?: true };

/**
 * A small HTTP client over node:http with keep-alive agents: it signs every
 * attempt afresh, retries network failures, 5xx and throttling with capped
 * exponential backoff and jitter (honouring `Retry-After`), never re-sends a
 * one-shot stream body that was already read, corrects the clock once from the
 * server's `Date` on a skew error, re-sends once with fresh credentials when the
 * `renewCredentials` hook says they were rejected, and reports every failure as a StorageError
 * carrying the status and request id. Nothing it logs or throws holds a secret.
 */
export class HttpClient {
  private readonly agents: Agents;
  private readonly policy: RetryPolicy;
  private readonly timeoutMs: number;
  private readonly pausedTimeoutMs: number | undefined;
  private offsetMs = 0;

  constructor(readonly options: HttpClientOptions) {
    this.agents = keepAliveAgents(options.agent);
    this.policy = resolveRetryPolicy(options.retry);
    this.timeoutMs = options.timeoutMs ?? 60_000;
    this.pausedTimeoutMs = options.pausedTimeoutMs;
  }

  /** Milliseconds added to the local clock for signing (learned from a skew error). */
  get clockOffsetMs(): number {
    return this.offsetMs;
  }

  /** The corrected clock. */
  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }

  /**
   * Sends `request` and resolves once an accepted response head arrived; the
   * body is the caller's to read.
   * @throws StorageError from `mapError` or the `sign` hook (e.g. `PermissionDenied` from a credential
   *   provider), `ServiceInternal` (network, timeouts), `Aborted`, or the request body stream's own
   *   error (never retried; a non-StorageError is wrapped as `Unexpected`)
   */
  async send(request: HttpRequest, options: SendOptions = {}): Promise<StreamingResponse> {
    return this.run<StreamingResponse>(request, options, async (res) => ({ ok: res }));
  }

  /**
   * Sends `request` and reads the whole response body inside the retry loop,
   * so a body cut short is retried like any other transient failure.
   * @throws StorageError from `mapError`, `validate` or the `sign` hook, `ServiceInternal` (network,
   *   timeouts), `Aborted`, or the request body stream's own error (as {@link HttpClient.send})
   */
  async sendBuffered(request: HttpRequest, options: BufferedSendOptions = {}): Promise<BufferedResponse> {
    return this.run<BufferedResponse>(request, options, async (res) => {
      const buffered = toBuffered(res, await res.buffer());
      const invalid = await options.validate?.(buffered);
      return invalid === undefined ? { ok: buffered } : { error: this.withResponse(invalid, buffered), network: false, response: buffered, bodyConsumed: false };
    });
  }

  private async run<T>(request: HttpRequest, options: SendOptions, onAccepted: (res: StreamingResponse) => Promise<Attempt<T>>): Promise<T> {
    const accept = options.accept ?? ((s: number) => s >= 200 && s < 300);
    let skewFixed = false;
    let renewed = false;
    let mayHaveApplied = false;
    for (let attempt = 1; ; attempt++) {
      throwIfAborted(options.signal);
      const started = performance.now();
      const result: Attempt<T> = await this.attempt(request, options, { number: attempt, mayHaveApplied }, accept, onAccepted);
      const ms = performance.now() - started;
      if ("ok" in result) {
        logAttempt(request, "ok", { attempt, ms, requestId: (result.ok as { requestId?: string }).requestId });
        return result.ok;
      }
      const error: StorageError = result.error;
      logAttempt(request, `${error.code}: ${error.detail}`, { attempt, ms, requestId: error.requestId });
      if (options.signal?.aborted) throw abortError(options.signal);
      if (error.code === ErrorCode.Aborted) throw error;
      // Signing failed (a credential provider that failed or timed out): nothing was sent, and
      // another attempt would only wait on the provider again. The caller decides (`retryable`).
      if (result.signing === true) throw error;
      const replayable = request.body === undefined || Buffer.isBuffer(request.body) || !result.bodyConsumed;
      // Fixes that make one more attempt worthwhile at once, without using a retry.
      if (result.response !== undefined && replayable) {
        if (!skewFixed && (await this.fixClock(error, result.response))) {
          skewFixed = true;
          attempt--;
          continue;
        }
        if (!renewed && result.signed !== undefined && (await this.renew(error, result.signed, result.response, options.signal))) {
          renewed = true;
          attempt--;
          continue;
        }
      }
      // Reached and maybe acted: sent over the network before it broke; or answered 5xx, or 2xx that
      // `validate` refused (a 200 carrying an error document), unless its error document said
      // "throttled" (a 503 without one, as to a HEAD, says nothing of what was done).
      const status: number = result.response?.status ?? 0;
      const saidThrottled: boolean = error.code === ErrorCode.RequestThrottled && (status < 500 || (result.response?.body.length ?? 0) > 0);
      const answeredMaybe: boolean = (status >= 500 || (status >= 200 && status < 300)) && !saidThrottled;
      const reached: boolean = result.network ? !(error.cause !== undefined && failedBeforeSend(error.cause)) : answeredMaybe;
      mayHaveApplied ||= reached;
      const sentMaybe = result.network && options.idempotent === false && reached;
      if (!error.retryable || attempt > this.policy.maxRetries || !replayable || sentMaybe) throw error;
      const retryAfter = parseRetryAfter(result.response?.header("retry-after"));
      // One listener per caller signal, however many calls share it (io/abort.ts).
      await abortableSleep(retryDelay(attempt, this.policy, retryAfter, this.options.random), options.signal);
    }
  }

  private async attempt<T>(
    original: HttpRequest,
    options: SendOptions,
    attempt: { number: number; mayHaveApplied: boolean },
    accept: (status: number) => boolean,
    onAccepted: (res: StreamingResponse) => Promise<Attempt<T>>,
  ): Promise<Attempt<T>> {
    const request: HttpRequest = { ...original, headers: { ...original.headers } };
    if (original.query) request.query = [...original.query];
    setCallSignal(request, options.signal);
    let consumed = false;
    try {
      // Raced against the signal: a signing hook waiting on a stalled credential provider
      // must not outlive the caller's abort.
      await raceAbort(Promise.resolve(this.options.sign?.(request, this.now())), options.signal);
    } catch (e) {
      const err = isStorageError(e) ? e : storageError(ErrorCode.Unexpected, `signing failed: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
      return { error: this.scoped(err), network: false, bodyConsumed: false, signing: true };
    }
    try {
      const { agents, timeoutMs, pausedTimeoutMs } = this;
      const sent = await dispatch(request, { agents, timeoutMs, pausedTimeoutMs, signal: options.signal, onUploadProgress: options.onUploadProgress });
      consumed = sent.bodyConsumed();
      const res = new StreamingResponse(original, sent.response, attempt.number, attempt.mayHaveApplied, this.options.requestIdHeader, options.signal);
      if (!accept(res.status)) {
        // An error answer with a body over the limit (a proxy's page, say) is judged by its status alone.
        const body = await res.buffer(ERROR_BODY_LIMIT).catch((e: unknown) => (isStorageError(e, ErrorCode.Unexpected) ? Buffer.alloc(0) : Promise.reject(e)));
        const buffered = toBuffered(res, body);
        return { error: this.withResponse(await this.mapError(buffered), buffered), network: false, response: buffered, bodyConsumed: consumed, signed: request };
      }
      const accepted = await onAccepted(res);
      return "ok" in accepted ? accepted : { ...accepted, bodyConsumed: accepted.bodyConsumed || consumed, signed: request };
    } catch (e) {
      if (e instanceof DispatchError && e.fromBody) {
        // The request body's own source failed (or was spent): not a network failure, never retried.
        // Its StorageError is passed on as is: it belongs to the source (e.g. another storage).
        return { error: isStorageError(e.error) ? e.error : this.scoped(bodyError(e.error)), network: false, bodyConsumed: true };
      }
      if (e instanceof DispatchError) {
        consumed = e.bodyConsumed;
        const err = isStorageError(e.error) ? e.error : networkError(e.error, original.operation ?? "request");
        return { error: this.scoped(err), network: true, bodyConsumed: consumed };
      }
      // The response head arrived: the server acted on the request even if its body broke.
      const err = isStorageError(e) ? e : networkError(e, original.operation ?? "request");
      return { error: this.scoped(err), network: true, bodyConsumed: consumed };
    }
  }

  private async mapError(response: BufferedResponse): Promise<StorageError> {
    return (await this.options.mapError?.(response)) ?? errorForStatus(response);
  }

  /** Learns the server's clock from a skew error; true when the clock changed (worth one more attempt). */
  private async fixClock(error: StorageError, response: BufferedResponse): Promise<boolean> {
    if ((await this.options.isClockSkew?.(error, response)) !== true) return false;
    const date = Date.parse(response.header("date") ?? "");
    if (Number.isNaN(date)) return false;
    const offset = date - Date.now();
    if (Math.abs(offset - this.offsetMs) < SKEW_TOLERANCE_MS) return false;
    this.offsetMs = offset;
    return true;
  }

  /** Asks the `renewCredentials` hook whether fresh credentials are worth one more attempt. */
  private async renew(error: StorageError, signed: HttpRequest, response: BufferedResponse, signal: AbortSignal | undefined): Promise<boolean> {
    try {
      return (await raceAbort(Promise.resolve(this.options.renewCredentials?.(error, signed, response, signal)), signal)) === true;
    } catch {
      if (signal?.aborted) throw abortError(signal);
      return false;
    }
  }

  private withResponse(error: StorageError, response: BufferedResponse): StorageError {
    return this.scoped(error.withContext({ statusCode: response.status, ...(response.requestId ? { requestId: response.requestId } : {}) }));
  }

  private scoped(error: StorageError): StorageError {
    return error.service === undefined ? error.withContext({ service: this.options.service }) : error;
  }
}

function toBuffered(res: StreamingResponse, body: Buffer): BufferedResponse {
  return {
    request: res.request,
    status: res.status,
    headers: res.headers,
    requestId: res.requestId,
    attempts: res.attempts,
    earlierAttemptMayHaveApplied: res.earlierAttemptMayHaveApplied,
    body,
    header: (name: string) => res.header(name),
  };
}

/** A request body stream's failure that is not a StorageError, as a non-retryable `Unexpected`. */
function bodyError(e: unknown): StorageError {
  return storageError(ErrorCode.Unexpected, `the request body stream failed: ${e instanceof Error ? e.message : String(e)}`, { cause: e, retryable: false });
}

/** A StorageError for `code` (helper for hooks that build errors from responses). */
export function responseError(code: ErrorCode, message: string, response: BufferedResponse): StorageError {
  return storageError(code, message, { statusCode: response.status, ...(response.requestId ? { requestId: response.requestId } : {}) });
}
