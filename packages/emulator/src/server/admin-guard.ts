import type { IncomingHttpHeaders } from "node:http";
import { hostOfHeader, isIpLiteral, isLoopbackHost } from "./host-names.js";

/**
 * Why an admin request is refused, or undefined to serve it. The admin routes have no
 * authentication, so they answer only what a local tool sends:
 * - no `Origin` header: browsers send one on cross-origin requests (a `text/plain` POST from any
 *   web page needs no preflight), tools such as curl and Node's `fetch` send none;
 * - a `Host` that is an IP address, a loopback name (`localhost`, `*.localhost`) or the host the
 *   emulator was started on (`configuredHost`), or one of `adminHosts` (lower-case names as
 *   `adminHostName` gives them, e.g. a docker-compose service name): a DNS-rebinding page reaches
 *   the emulator under a name of its own, which it would send as `Host`. A request without `Host`
 *   (HTTP/1.0) comes from no browser and is served.
 */
export function adminRefusal(headers: IncomingHttpHeaders, configuredHost: string, adminHosts: readonly string[] = []): string | undefined {
  if (headers.origin !== undefined) {
    return `admin routes refuse requests from web pages (this one carries Origin: ${JSON.stringify(headers.origin)}); use curl, fetch from Node, or the Emulator API`;
  }
  const given = headers.host;
  if (given === undefined) return undefined;
  const name = hostOfHeader(given);
  const configured = configuredHost.toLowerCase().replace(/^\[(.*)\]$/, "$1");
  if (name !== undefined && (isIpLiteral(name) || isLoopbackHost(name) || name === configured || adminHosts.includes(name))) return undefined;
  const named = [configuredHost, ...adminHosts].map((h) => JSON.stringify(h)).join(", ");
  return `admin routes answer only a Host that is an IP address, localhost or ${named} (this one carries Host: ${JSON.stringify(given)}; name more with adminHosts / --admin-host)`;
}
