import { isIP } from "node:net";
import type { Endpoint } from "../registry/endpoint.js";

// How a driver addresses an `endpoint` pair's host: whether a bucket can go in front of it as a
// virtual host, and which port a request names.

/** What decides path-style addressing: the `endpoint` pair and the `force_path_style` pair. */
export interface PathStyleConfig {
  endpoint?: Endpoint | undefined;
  forcePathStyle?: boolean | undefined;
}

/**
 * True for an IP address (an IPv6 one in brackets or not) or `localhost`: no bucket or zone label
 * can go in front of those.
 * @throws nothing.
 */
export function isBareHost(host: string): boolean {
  const bare = host.startsWith("[") ? host.slice(1, -1) : host;
  return isIP(bare) !== 0 || bare === "localhost";
}

/**
 * True when requests through `config.endpoint` are addressed path-style (`<endpoint>/<bucket>/<key>`):
 * forced by `forcePathStyle`, or an endpoint on an IP address or `localhost` ({@link isBareHost}:
 * no virtual hosts there). False without an endpoint (the service's own domain takes virtual hosts).
 * @throws nothing.
 */
export function usesPathStyle(config: PathStyleConfig): boolean {
  const host = config.endpoint?.host;
  if (host === undefined) return false;
  return config.forcePathStyle === true || isBareHost(host);
}

/**
 * The port a request to `endpoint` names: its port, or undefined when that is the protocol's
 * default (443 for https, 80 for http), which a URL and a Host header leave out.
 * @throws nothing.
 */
export function explicitPort(endpoint: Endpoint): number | undefined {
  const fallback = endpoint.protocol === "https" ? 443 : 80;
  return endpoint.port === fallback ? undefined : endpoint.port;
}
