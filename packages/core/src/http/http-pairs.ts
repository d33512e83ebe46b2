import { definePair, type PairSet } from "../pairs/pair-definition.js";
import type { HttpClientOptions } from "./http-client.js";
import { checkTlsCa, tlsCaPem } from "./tls-ca.js";
import { pausedBodyTimeoutMs } from "./transport.js";

function atLeast(min: number): (value: unknown) => string | undefined {
  return (value) => (typeof value === "number" && value >= min ? undefined : `must be at least ${min}`);
}

/**
 * Open-time pairs of every HTTP driver, tuning its {@link HttpClient}. Drivers
 * spread them into their own pair set (`{ ...httpPairs, ...ownPairs }`).
 * - `max_retries` (integer, default 3): retries after the first attempt of a request.
 * - `retry_base_delay` / `retry_max_delay` (duration, default 200ms / 10s): backoff bounds.
 * - `request_timeout` (duration, default 60s): connect time, or idle
 *   time, after which a request fails; a response body left paused is closed after 10 times that
 *   (at least 10 min, at most 2^31 − 1 ms).
 * Durations, like every duration pair, are at most 2^31 − 1 ms (about 24.8 days: what a timer waits).
 * - `max_connections` (integer, default 64): sockets per host in each of two pools: GETs of object
 *   bytes (streamed to the caller), and every other request.
 * - `tls_ca` (string): a PEM CA certificate trusted besides the system's (self-signed endpoints),
 *   or the absolute path of a PEM file, read when the storager or servicer is opened.
 */
export const httpPairs = {
  maxRetries: definePair({
    name: "max_retries",
    type: "integer",
    description: "Retries after the first attempt of a request (network failures, 5xx, throttling); 0 disables them.",
    operations: ["new"],
    validate: atLeast(0),
  }),
  retryBaseDelay: definePair({
    name: "retry_base_delay",
    type: "duration",
    description: "Backoff ceiling of the first retry (doubles per retry, full jitter); at most 2147483647 ms (about 24.8 days).",
    operations: ["new"],
    validate: atLeast(0),
  }),
  retryMaxDelay: definePair({
    name: "retry_max_delay",
    type: "duration",
    description: "Longest wait between two attempts (also caps Retry-After); at most 2147483647 ms (about 24.8 days).",
    operations: ["new"],
    validate: atLeast(0),
  }),
  requestTimeout: definePair({
    name: "request_timeout",
    type: "duration",
    description:
      "A request fails when connecting takes this long, or its connection is idle this long (time a reader spends paused does not count; a body left paused 10 times this, at least 10 min and at most 2147483647 ms, is closed). Waiting for a free connection is not bounded by it. At most 2147483647 ms (about 24.8 days).",
    operations: ["new"],
    validate: atLeast(1),
  }),
  maxConnections: definePair({
    name: "max_connections",
    type: "integer",
    description:
      "Keep-alive sockets per host, in each of two pools: one for reads of object bytes (read, createReadStream), one for every other request (writes, parts, stat, listings, copies); so up to twice this in all. A read stream holds one of the first until read to its end or destroyed, so a stream paused by a slow consumer (a copy into the same service) never holds a connection a write needs. A request finding all of its pool busy waits for one, without a timer (each busy one is bounded by request_timeout, a paused body by 10× that, at least 10 min).",
    operations: ["new"],
    validate: atLeast(1),
  }),
  tlsCa: definePair({
    name: "tls_ca",
    type: "string",
    description: "PEM CA certificate to trust besides the system's (e.g. an emulator's self-signed certificate), or the absolute path of a PEM file.",
    operations: ["new"],
    validate: (value) => checkTlsCa(value),
  }),
} as const satisfies PairSet;

/** The http-pair values of an open config (camelCase keys). */
export interface HttpPairValues {
  maxRetries?: number;
  retryBaseDelay?: number;
  retryMaxDelay?: number;
  requestTimeout?: number;
  maxConnections?: number;
  tlsCa?: string;
}

/**
 * The {@link HttpClientOptions} fields the http pairs of `config` set (absent values keep the client
 * defaults). With `request_timeout`, also the paused-body bound it implies (`pausedTimeoutMs`: 10
 * times it, at least 10 min), cut to what a timer waits (2^31 − 1 ms).
 * @throws StorageError `InvalidArgument` when `tls_ca` names a file that cannot be read, holds no
 *   certificate, or holds a certificate block that does not parse.
 */
export function httpClientSettings(config: HttpPairValues): Pick<HttpClientOptions, "retry" | "timeoutMs" | "pausedTimeoutMs" | "agent"> {
  const retry: NonNullable<HttpClientOptions["retry"]> = {};
  if (config.maxRetries !== undefined) retry.maxRetries = config.maxRetries;
  if (config.retryBaseDelay !== undefined) retry.baseDelayMs = config.retryBaseDelay;
  if (config.retryMaxDelay !== undefined) retry.maxDelayMs = config.retryMaxDelay;
  const agent: NonNullable<HttpClientOptions["agent"]> = {};
  if (config.maxConnections !== undefined) agent.maxSockets = config.maxConnections;
  if (config.tlsCa !== undefined) agent.ca = tlsCaPem(config.tlsCa);
  if (config.requestTimeout === undefined) return { retry, agent };
  return { retry, agent, timeoutMs: config.requestTimeout, pausedTimeoutMs: pausedBodyTimeoutMs(config.requestTimeout) };
}
