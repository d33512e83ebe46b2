import type { StorageError } from "../errors/storage-error.js";
import type { AgentOptions } from "./agents.js";
import type { HttpRequest } from "./http-request.js";
import type { BufferedResponse } from "./http-response.js";
import type { RetryPolicy } from "./retry-policy.js";

/** Default of {@link HttpClientOptions.resignAfterMs}: far inside the services' 15-minute windows. */
export const RESIGN_AFTER_MS = 60_000;

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
   * So is the client's clock (`signingClock(request)`: its offset and whether an answer confirmed it),
   * by which a credential source judges expiry. A hook that fails ends the call with its error at
   * once, unless the error is retryable and its `cause` a transient failure (a credential provider's
   * `ECONNRESET`, or a retryable StorageError it threw): that is retried like a network failure,
   * within `retry.maxRetries` and after the backoff, nothing having been sent. Any other failure is
   * never retried here: a credential provider that timed out would otherwise be waited on again per retry.
   */
  sign?: (request: HttpRequest, now: Date) => void | Promise<void>;
  /** Turns a failed response (status not accepted, body read up to 1 MiB) into a StorageError. */
  mapError?: (response: BufferedResponse) => StorageError | Promise<StorageError>;
  /**
   * True when `error` means the request time was refused (COS `RequestTimeTooSkewed` or "Request has
   * expired", OSS `RequestTimeTooSkewed`, QingStor `request_expired`). The clock is then corrected from
   * the response's `Date` when it is off, and the request signed afresh and sent once more at once (no
   * backoff, no retry used; at most once per call, only with a replayable body), also when the clock
   * was right: the request may have aged before it was sent (it waited for a pooled connection).
   */
  isClockSkew?: (error: StorageError, response: BufferedResponse) => boolean | Promise<boolean>;
  /**
   * True when a failed answer's body is the service's own error document and its code is a
   * throttling one (`SlowDown`): the service refused the request before acting on it. Asked only of
   * a 5xx answer mapped to `RequestThrottled`. Without the hook, or when it says false (a proxy's
   * HTML 503, an empty 503), such an answer counts as one that may have been applied, like any 5xx,
   * so a later attempt's "no such upload" can be judged as that attempt's effect. A 4xx
   * `RequestThrottled` (429) never counts as applied. A hook that throws counts as false.
   */
  saysThrottled?: (response: BufferedResponse) => boolean | Promise<boolean>;
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
   * `agent.maxSockets` of its pool busy: streamed GETs, or every other request) waits until one is
   * free, with no timer: each busy one is bounded by this or by `pausedTimeoutMs`. Time a streamed
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
  /** Its connection pools (shared by every client with the same options; see `Agents`). */
  agent?: AgentOptions;
  /** Jitter source, for tests (default `Math.random`). */
  random?: () => number;
  /**
   * A request whose signing began more than this many ms before it got a connection (it waited for
   * a pooled one: all `agent.maxSockets` of its pool busy) is signed again, on a fresh copy, before a byte of it
   * is written, so its signature and date are not older than this when it leaves (default 60 s).
   * A request that gets a connection sooner is signed once. A failure of that second signing ends
   * the call as one of the first would.
   */
  resignAfterMs?: number;
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
  /**
   * `true` for one attempt only: never retried, nor sent again after a clock-skew fix or a
   * credential renewal (a probe whose answer only explains another request's failure). Default false.
   */
  once?: boolean;
  onUploadProgress?: ((bytes: number) => void) | undefined;
}

/** Options of {@link HttpClient.sendBuffered}. */
export interface BufferedSendOptions extends SendOptions {
  /** Checks a successful response; an error returned is handled like a failed attempt (e.g. a 200 carrying an error document). */
  validate?: (response: BufferedResponse) => StorageError | undefined | Promise<StorageError | undefined>;
}
