import type { HttpClient } from "@stowage/core";
import type { QingStorAddress } from "./addressing.js";

/** A zone label: lower-case letters, digits and hyphens (`pek3b`, `sh1a`, `ap2a`). */
const ZONE_LABEL = /^[a-z\d](?:[a-z\d-]{0,61}[a-z\d])?$/;

/**
 * The zone named by the `Location` of QingStor's redirect for `bucket`: the first
 * DNS label of its host (`https://pek3b.qingstor.com/my-bucket` → `pek3b`), or
 * the second when the first is the bucket (virtual-host form,
 * `https://my-bucket.pek3b.qingstor.com/`). `undefined` when the header is
 * missing, not a URL, or names no zone (an IP address, a one-label host).
 *
 * @throws nothing.
 */
export function zoneFromLocation(location: string | undefined, bucket: string): string | undefined {
  if (location === undefined || location === "") return undefined;
  let host: string;
  try {
    host = new URL(location).hostname.toLowerCase();
  } catch {
    return undefined;
  }
  const labels = host.split(".");
  if (labels[0] === bucket) labels.shift();
  // A zone is in front of a domain of at least two labels; an IP address has no zone.
  if (labels.length < 3 || /^\d+$/.test(labels.at(-1) ?? "")) return undefined;
  const zone = labels[0]!;
  return ZONE_LABEL.test(zone) ? zone : undefined;
}

/**
 * Asks `at` (the zone-less service host, `https://qingstor.com`, or an
 * endpoint given without a location) which zone holds `bucket`, as go-storage
 * does: an unsigned `HEAD /<bucket>`, to which QingStor answers 301 with the
 * zone host in `Location`. Resolves with the zone, or `undefined` when the
 * answer is another one below 500 (the host serves the bucket itself: a zone host, a
 * private deployment; a missing or private bucket then fails on the real
 * request, with the service's own error). A 5xx or 429 says nothing about the
 * zone: it is retried as any request, then thrown, so the next call asks again
 * rather than sending every request to the wrong host. `http` must not sign (the request is
 * anonymous) and must not follow redirects (core's client never does).
 *
 * @throws StorageError `ServiceInternal` (the host could not be reached, or kept
 *   failing, after `http`'s retries), `RequestThrottled`, `Aborted`.
 */
export async function detectZone(http: HttpClient, at: QingStorAddress, bucket: string, signal?: AbortSignal): Promise<string | undefined> {
  const response = await http.sendBuffered(
    {
      method: "HEAD",
      protocol: at.protocol,
      host: at.host,
      ...(at.port === undefined ? {} : { port: at.port }),
      path: `/${bucket}`,
      headers: {},
      operation: "detect_location",
    },
    { signal, accept: (status) => status < 500 && status !== 429 },
  );
  return response.status === 301 ? zoneFromLocation(response.header("location"), bucket) : undefined;
}
