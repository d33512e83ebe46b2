import { ErrorCode } from "../errors/error-code.js";
import { isStorageError, storageError, type StorageError } from "../errors/storage-error.js";
import { abortableSleep, abortError, raceAbort, throwIfAborted } from "../io/abort.js";
import { keepAliveAgents, type Agents } from "./agents.js";
import { logAttempt } from "./http-debug.js";
import { setCallSignal } from "./call-signal.js";
import { setSigningClock, type SigningClock } from "./signing-clock.js";
import { ServiceClock } from "./service-clock.js";
import type { HttpRequest } from "./http-request.js";
import { StreamingResponse, type BufferedResponse } from "./http-response.js";
import { errorForStatus } from "./status-error.js";
import { failedBeforeSend, isTransientFailure, networkError } from "./network-error.js";
import { parseRetryAfter, resolveRetryPolicy, retryDelay, type RetryPolicy } from "./retry-policy.js";
import { dispatch, DispatchError } from "./transport.js";
import { RESIGN_AFTER_MS, type BufferedSendOptions, type HttpClientOptions, type SendOptions } from "./http-client-options.js";
import { thrownText } from "../errors/thrown-text.js";

export type { BufferedSendOptions, HttpClientOptions, SendOptions } from "./http-client-options.js";

/** Most bytes of an error body read for mapping. */
const ERROR_BODY_LIMIT = 1024 * 1024;

/** One attempt's outcome; `signing` marks a failure of the `sign` hook (nothing was sent). */
type Attempt<T> = { ok: T } | { error: StorageError; network: boolean; response?: BufferedResponse; bodyConsumed: boolean; signed?: HttpRequest; signing?: true };

/**
 * A small HTTP client over node:http with keep-alive agents: it signs every
 * attempt afresh (and again when it waited long for a pooled connection), retries network
 * failures, 5xx, throttling and signatures that failed on a transient cause (a credential
 * provider's network failure) with capped exponential backoff and jitter (honouring
 * `Retry-After`), never re-sends a one-shot stream body that was already read, re-signs and
 * re-sends once on a refused request time (correcting the clock from the server's `Date` when it
 * is off), re-sends once with fresh credentials when the
 * `renewCredentials` hook says they were rejected, and reports every failure as a StorageError
 * carrying the status and request id. Nothing it logs or throws holds a secret.
 */
export class HttpClient {
  private readonly agents: Agents;
  private readonly policy: RetryPolicy;
  private readonly timeoutMs: number;
  private readonly pausedTimeoutMs: number | undefined;
  private readonly resignAfterMs: number;
  private readonly serviceClock = new ServiceClock();

  /** @throws nothing */
  constructor(readonly options: HttpClientOptions) {
    this.agents = keepAliveAgents(options.agent);
    this.policy = resolveRetryPolicy(options.retry);
    this.timeoutMs = options.timeoutMs ?? 60_000;
    this.pausedTimeoutMs = options.pausedTimeoutMs;
    this.resignAfterMs = options.resignAfterMs ?? RESIGN_AFTER_MS;
  }

  /** Milliseconds added to the local clock for signing (learned from a skew error). */
  get clockOffsetMs(): number {
    return this.serviceClock.offset;
  }

  /** The corrected clock. @throws nothing */
  now(): Date {
    return this.serviceClock.now();
  }

  /**
   * What the client knows of the service's clock: the offset learned from a skew refusal, and
   * whether an answer's `Date` confirmed it. Recorded for each request it signs (`signingClock(request)`).
   */
  get clock(): SigningClock {
    return this.serviceClock.state;
  }

  /**
   * Sends `request` and resolves once an accepted response head arrived; the
   * body is the caller's to read. A GET takes its connection from the pool of streamed reads
   * (`Agents.streamed`), every other request from the client's own: a body its reader leaves
   * paused (a copy waiting for its upload) never holds a connection that an upload waits for.
   * @throws StorageError from `mapError` or the `sign` hook (e.g. `PermissionDenied` from a credential
   *   provider), `ServiceInternal` (network, timeouts), `Aborted`, or the request body stream's own
   *   error (never retried; a non-StorageError is wrapped as `Unexpected`)
   */
  async send(request: HttpRequest, options: SendOptions = {}): Promise<StreamingResponse> {
    return this.run<StreamingResponse>(request, options, async (res) => ({ ok: res }), request.method === "GET");
  }

  /**
   * Sends `request` and reads the whole response body inside the retry loop,
   * so a body cut short is retried like any other transient failure. Every method takes its
   * connection from the client's own pool, never from the one of streamed reads.
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

  /** `streamed`: a GET whose body goes to the caller, sent over the client's pool for those (agents.ts). */
  private async run<T>(request: HttpRequest, options: SendOptions, onAccepted: (res: StreamingResponse) => Promise<Attempt<T>>, streamed = false): Promise<T> {
    const accept = options.accept ?? ((s: number) => s >= 200 && s < 300);
    let skewFixed = false;
    let renewed = false;
    let mayHaveApplied = false;
    const maxRetries = options.once === true ? 0 : this.policy.maxRetries;
    for (let attempt = 1; ; attempt++) {
      throwIfAborted(options.signal);
      const started = performance.now();
      const result: Attempt<T> = await this.attempt(request, options, { number: attempt, mayHaveApplied, streamed }, accept, onAccepted);
      const ms = performance.now() - started;
      if ("ok" in result) {
        logAttempt(request, "ok", { attempt, ms, requestId: (result.ok as { requestId?: string }).requestId });
        return result.ok;
      }
      const error: StorageError = result.error;
      logAttempt(request, `${error.code}: ${error.detail}`, { attempt, ms, requestId: error.requestId });
      if (options.signal?.aborted) throw abortError(options.signal);
      if (error.code === ErrorCode.Aborted) throw error;
      // Signing failed: nothing was sent. Retried like a network failure only when it failed on a
      // transient cause (`cause`: a credential provider's ECONNRESET, a retryable StorageError it
      // threw): right after the service refused the credentials none are cached to fall back on,
      // and one blip would end a multipart write. Not a provider that timed out (it had all of
      // `credential_timeout`), an answer judged unusable, or a non-retryable failure.
      if (result.signing === true) {
        if (!(error.retryable && error.cause !== undefined && isTransientFailure(error.cause)) || attempt > maxRetries) throw error;
        await abortableSleep(retryDelay(attempt, this.policy, undefined, this.options.random), options.signal);
        continue;
      }
      const replayable = request.body === undefined || Buffer.isBuffer(request.body) || !result.bodyConsumed;
      // Fixes that make one more attempt worthwhile at once, without using a retry.
      if (result.response !== undefined && replayable && options.once !== true) {
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
      // `validate` refused (a 200 carrying an error document), unless the service's own error
      // document said "throttled" (a 503 without one, empty or a proxy's page, says nothing of what was done).
      const status: number = result.response?.status ?? 0;
      const answeredMaybe: boolean = (status >= 500 || (status >= 200 && status < 300)) && !(await this.saidThrottled(error, result.response));
      const reached: boolean = result.network ? !(error.cause !== undefined && failedBeforeSend(error.cause)) : answeredMaybe;
      mayHaveApplied ||= reached;
      const sentMaybe = result.network && options.idempotent === false && reached;
      if (!error.retryable || attempt > maxRetries || !replayable || sentMaybe) throw error;
      const retryAfter = parseRetryAfter(result.response?.header("retry-after"));
      // One listener per caller signal, however many calls share it (io/abort.ts).
      await abortableSleep(retryDelay(attempt, this.policy, retryAfter, this.options.random), options.signal);
    }
  }

  private async attempt<T>(
    original: HttpRequest,
    options: SendOptions,
    attempt: { number: number; mayHaveApplied: boolean; streamed: boolean },
    accept: (status: number) => boolean,
    onAccepted: (res: StreamingResponse) => Promise<Attempt<T>>,
  ): Promise<Attempt<T>> {
    let request: HttpRequest = copyRequest(original);
    let consumed = false;
    const signedAt = performance.now();
    const signing = await this.signCopy(request, options.signal);
    if (signing !== undefined) return { error: signing, network: false, bodyConsumed: false, signing: true };
    let resignFailure: StorageError | undefined;
    // Called once the request has its connection: signed again when it waited too long for one.
    const beforeWrite =
      this.options.sign === undefined
        ? undefined
        : (): Promise<HttpRequest> | undefined => {
            if (performance.now() - signedAt <= this.resignAfterMs) return undefined;
            const fresh = copyRequest(original);
            return this.signCopy(fresh, options.signal).then((failure) => {
              if (failure !== undefined) throw (resignFailure = failure);
              return (request = fresh);
            });
          };
    try {
      const { timeoutMs, pausedTimeoutMs } = this;
      const agents = attempt.streamed ? this.agents.streamed : this.agents;
      const sent = await dispatch(request, { agents, timeoutMs, pausedTimeoutMs, signal: options.signal, onUploadProgress: options.onUploadProgress, beforeWrite });
      consumed = sent.bodyConsumed();
      const res = new StreamingResponse(original, sent.response, attempt.number, attempt.mayHaveApplied, this.options.requestIdHeader, options.signal);
      this.serviceClock.compare(res.header("date"));
      if (!accept(res.status)) {
        // An error answer with a body over the limit (a proxy's page, say) is judged by its status alone.
        const body = await res.buffer(ERROR_BODY_LIMIT).catch((e: unknown) => (isStorageError(e, ErrorCode.Unexpected) ? Buffer.alloc(0) : Promise.reject(e)));
        const buffered = toBuffered(res, body);
        return { error: this.withResponse(await this.mapError(buffered), buffered), network: false, response: buffered, bodyConsumed: consumed, signed: request };
      }
      const accepted = await onAccepted(res);
      return "ok" in accepted ? accepted : { ...accepted, bodyConsumed: accepted.bodyConsumed || consumed, signed: request };
    } catch (e) {
      if (resignFailure !== undefined && e instanceof DispatchError && e.error === resignFailure) return { error: resignFailure, network: false, bodyConsumed: false, signing: true };
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

  /** Signs `request` (a fresh copy) with the corrected clock; the hook's failure as a StorageError, or undefined. */
  private async signCopy(request: HttpRequest, signal: AbortSignal | undefined): Promise<StorageError | undefined> {
    setCallSignal(request, signal);
    setSigningClock(request, this.clock);
    try {
      // Raced against the signal: a signing hook waiting on a stalled credential provider
      // must not outlive the caller's abort.
      await raceAbort(Promise.resolve(this.options.sign?.(request, this.now())), signal);
      return undefined;
    } catch (e) {
      return this.scoped(isStorageError(e) ? e : storageError(ErrorCode.Unexpected, `signing failed: ${thrownText(e)}`, { cause: e }));
    }
  }

  /** True when a failed answer said the request was throttled before anything was done (see `saysThrottled`). */
  private async saidThrottled(error: StorageError, response: BufferedResponse | undefined): Promise<boolean> {
    if (error.code !== ErrorCode.RequestThrottled || response === undefined) return false;
    if (response.status < 500) return true;
    if (response.body.length === 0 || this.options.saysThrottled === undefined) return false;
    try {
      return (await this.options.saysThrottled(response)) === true;
    } catch {
      return false;
    }
  }

  private async mapError(response: BufferedResponse): Promise<StorageError> {
    return (await this.options.mapError?.(response)) ?? errorForStatus(response);
  }

  /**
   * On a refused request time, learns the server's clock from the answer's `Date` when ours is off.
   * True (worth one more attempt, signed afresh) for every such refusal: with the clock right, the
   * request aged before it left (it waited for a connection), and a fresh signature is on time.
   */
  private async fixClock(error: StorageError, response: BufferedResponse): Promise<boolean> {
    if ((await this.options.isClockSkew?.(error, response)) !== true) return false;
    this.serviceClock.learn(response.header("date"));
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

/** A copy of `request` one attempt may sign (its headers and query are its own). */
function copyRequest(original: HttpRequest): HttpRequest {
  const request: HttpRequest = { ...original, headers: { ...original.headers } };
  if (original.query) request.query = [...original.query];
  return request;
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
  return storageError(ErrorCode.Unexpected, `the request body stream failed: ${thrownText(e)}`, { cause: e, retryable: false });
}
