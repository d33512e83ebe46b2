import { agreeingRegion, checkHostLocation, encodeKeyPath, ErrorCode, explicitPort, isBareHost, storageError, unstatedRegionError, type Endpoint } from "@stowage/core";

/** QingStor's public domain: zones live at `<zone>.qingstor.com`, bucket listing at `qingstor.com`. */
export const QINGSTOR_DOMAIN = "qingstor.com";

/** Where requests go: a zone host (objects and buckets) or the service host (bucket listing). Always path style. */
export interface QingStorAddress {
  protocol: "http" | "https";
  host: string;
  port?: number;
}

function fromEndpoint(endpoint: Endpoint, host: string): QingStorAddress {
  const port = explicitPort(endpoint);
  return { protocol: endpoint.protocol, host, ...(port === undefined ? {} : { port }) };
}

/** True for an IP address or `localhost` (no zone label can go in front of those; core's). */
export { isBareHost };

/**
 * The host of zone `location`:
 * - no endpoint: `https://<zone>.qingstor.com`;
 * - an IP or `localhost` endpoint (the emulator, a private deployment): the endpoint as it is;
 * - a named endpoint: `<zone>.<endpoint host>` (e.g. `https:qingstor.com` + `pek3b` →
 *   `pek3b.qingstor.com`), or the endpoint itself without a location or when it already
 *   starts with the zone; a zone host of QingStor's own domain is swapped for the zone's
 *   (`https:pek3b.qingstor.com` + `sh1a` → `sh1a.qingstor.com`, see {@link inZone}).
 * @throws StorageError `PairRequired` when there is neither an endpoint nor a location; `InvalidArgument` for a
 *   location that is not a DNS name (the open-time pair is checked already; this guards others).
 */
export function zoneAddress(location: string | undefined, endpoint: Endpoint | undefined): QingStorAddress {
  const zone = location === "" ? undefined : location;
  checkHostLocation(zone, "QingStor zone");
  if (endpoint === undefined) {
    if (zone === undefined) throw storageError(ErrorCode.PairRequired, 'QingStor needs pair "location" (the zone, e.g. pek3b) or an endpoint');
    return { protocol: "https", host: `${zone}.${QINGSTOR_DOMAIN}` };
  }
  const address = fromEndpoint(endpoint, endpoint.host);
  return zone === undefined ? address : inZone(address, zone);
}

/** The zone a `<zone>.qingstor.com` endpoint serves; undefined for other hosts (IP addresses, `qingstor.com`, custom domains). */
export function endpointZone(endpoint: Endpoint | undefined): string | undefined {
  const host = endpoint?.host.toLowerCase();
  if (host === undefined || !host.endsWith(`.${QINGSTOR_DOMAIN}`)) return undefined;
  const label = host.slice(0, -QINGSTOR_DOMAIN.length - 1);
  return label !== "" && !label.includes(".") ? label : undefined;
}

/**
 * `location` checked against `endpoint`: it must be the zone a `<zone>.qingstor.com` endpoint names.
 * @throws StorageError `InvalidArgument` when it is another zone.
 */
export function checkZone(location: string | undefined, endpoint: Endpoint | undefined): void {
  agreeingRegion(location, endpointZone(endpoint), endpoint?.host);
}

/**
 * The zone a bucket created with `location` lands in, on a servicer whose own location is `own`:
 * `location` without an endpoint or with one it is put in front of (`qingstor.com`, a custom domain);
 * the zone a `<zone>.qingstor.com` endpoint names (`location` must agree); with an IP or `localhost`
 * endpoint, whatever zone that endpoint serves, which only the servicer's own `location` can state:
 * another one is refused rather than ignored.
 * @throws StorageError `InvalidArgument` when `location` disagrees with the endpoint's zone.
 */
export function createdZone(location: string | undefined, own: string | undefined, endpoint: Endpoint | undefined): string | undefined {
  checkZone(location, endpoint);
  const zone = location === "" ? undefined : location;
  if (endpoint === undefined || !isBareHost(endpoint.host) || zone === own) return zone ?? endpointZone(endpoint);
  throw unstatedRegionError(zone, endpoint.host, "zone");
}

/** Where a bucket's requests go, and whether its zone must first be asked for. */
export interface BucketAddress {
  address: QingStorAddress;
  /** True when `address` is a zone-less host: the zone is detected on first use (zone-detection.ts). */
  detectZone: boolean;
}

/**
 * Where bucket requests go:
 * - with a location: {@link zoneAddress};
 * - without one, on an IP or `localhost` endpoint (the emulator): the endpoint as it is;
 * - without one otherwise: `https://qingstor.com` or the named endpoint, and the zone is
 *   detected before the first request (go-storage's behaviour; the seed's connection
 *   strings give no location).
 *
 * @throws StorageError `InvalidArgument` for a location that is not a DNS name (see {@link zoneAddress}).
 */
export function bucketAddress(location: string | undefined, endpoint: Endpoint | undefined): BucketAddress {
  if (location !== undefined && location !== "") return { address: zoneAddress(location, endpoint), detectZone: false };
  if (endpoint !== undefined && isBareHost(endpoint.host)) return { address: fromEndpoint(endpoint, endpoint.host), detectZone: false };
  return { address: serviceAddress(endpoint), detectZone: true };
}

/**
 * `address` moved into `zone`: `<zone>.<host>` (unchanged when the host already starts with the
 * zone, or is an IP or `localhost`). A zone host of QingStor's own domain (`pek3b.qingstor.com`)
 * becomes the other zone's host (`sh1a.qingstor.com`), not `sh1a.pek3b.qingstor.com`.
 * @throws nothing
 */
export function inZone(address: QingStorAddress, zone: string): QingStorAddress {
  if (isBareHost(address.host) || address.host.startsWith(`${zone}.`)) return address;
  const zoneHost = address.host.endsWith(`.${QINGSTOR_DOMAIN}`) && !address.host.slice(0, -QINGSTOR_DOMAIN.length - 1).includes(".");
  return { ...address, host: `${zone}.${zoneHost ? QINGSTOR_DOMAIN : address.host}` };
}

/** Where GET Service (list buckets) goes: `https://qingstor.com`, or the endpoint itself. @throws nothing */
export function serviceAddress(endpoint: Endpoint | undefined): QingStorAddress {
  return endpoint === undefined ? { protocol: "https", host: QINGSTOR_DOMAIN } : fromEndpoint(endpoint, endpoint.host);
}

/**
 * A key encoded as the Go SDK canonicalizes it: every byte but `A-Z a-z 0-9 - _ . ~`
 * percent-encoded (upper-case hex), `/` and `=` kept. Sent on the wire exactly as
 * signed, so a server checking either the raw path or the Go canonical path agrees.
 * @throws StorageError `InvalidArgument` when `key` is not a string, or not valid Unicode (a lone
 * surrogate has no UTF-8); the message names neither the key nor the value.
 */
export function encodeQingStorKey(key: string): string {
  if (typeof key !== "string") throw storageError(ErrorCode.InvalidArgument, `encodeQingStorKey: key must be a string, got ${key === null ? "null" : typeof key}`);
  let encoded: string;
  try {
    encoded = encodeKeyPath(key);
  } catch {
    throw storageError(ErrorCode.InvalidArgument, "encodeQingStorKey: key must be valid Unicode (it has a lone surrogate)");
  }
  return encoded.replace(/%3D/g, "=");
}

/**
 * The wire (and signed) path: `/<bucket>/<key>`, `/<bucket>` for bucket calls, `/` for the service.
 * @throws StorageError `InvalidArgument` for a bucket or key with a lone surrogate (see {@link encodeQingStorKey})
 */
export function requestPath(bucket: string | undefined, key: string | undefined): string {
  if (bucket === undefined) return "/";
  const b = `/${encodeQingStorKey(bucket)}`;
  return key === undefined ? b : `${b}/${encodeQingStorKey(key)}`;
}

/**
 * The `x-qs-copy-source` / `x-qs-move-source` value naming `key` in `bucket`: `/<bucket>/<url-encoded key>`.
 * @throws as {@link requestPath}
 */
export function sourceHeader(bucket: string, key: string): string {
  return requestPath(bucket, key);
}
