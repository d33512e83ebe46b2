import { isIPv6 } from "node:net";
import { ErrorCode } from "../errors/error-code.js";
import { storageError } from "../errors/storage-error.js";

/** A parsed `endpoint` pair: `https:host[:port]`, `http:host[:port]` (also `https://host[:port]`). */
export interface Endpoint {
  protocol: "http" | "https";
  /** Lower-cased host name or IPv4 address; an IPv6 address keeps its brackets (`[::1]`), as in URLs and Host headers. */
  host: string;
  /** Explicit or default (80/443). */
  port: number;
  /** `protocol://host[:port]` without a trailing slash; the port is omitted when default. */
  url: string;
}

const FORMS = "expected https:<host>[:<port>], http:<host>[:<port>] or https://<host>[:<port>]";
const DEFAULT_PORT = { http: 80, https: 443 } as const;
const LABEL = /^[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?$/;

function invalid(message: string): never {
  throw storageError(ErrorCode.InvalidArgument, `invalid endpoint: ${message}`);
}

/**
 * Builds a complete {@link Endpoint} from its parts (used by the parser and to
 * check endpoint objects): checks the host and port and derives `url`.
 * @throws InvalidArgument for a bad protocol, host or port.
 */
export function makeEndpoint(protocol: string, host: string, port?: number): Endpoint {
  if (protocol !== "http" && protocol !== "https") invalid(`unsupported protocol ${JSON.stringify(String(protocol))}, ${FORMS}`);
  if (typeof host !== "string" || host === "") invalid(`empty host, ${FORMS}`);
  let h = host.toLowerCase();
  if (h.startsWith("[")) {
    if (!h.endsWith("]") || !isIPv6(h.slice(1, -1))) invalid(`host ${JSON.stringify(host)} is not a valid IPv6 address`);
  } else if (isIPv6(h)) {
    h = `[${h}]`;
  } else {
    const labels = h.endsWith(".") ? h.slice(0, -1).split(".") : h.split(".");
    if (h.length > 253 || !labels.every((l) => l.length <= 63 && LABEL.test(l))) {
      invalid(`host ${JSON.stringify(host)} is not a valid host name or address`);
    }
  }
  const p = port ?? DEFAULT_PORT[protocol];
  if (!Number.isInteger(p) || p < 1 || p > 65535) invalid(`port ${String(port)} is not between 1 and 65535`);
  const url = `${protocol}://${h}${p === DEFAULT_PORT[protocol] ? "" : `:${p}`}`;
  return { protocol, host: h, port: p, url };
}

/**
 * Parses an endpoint string: `https:host[:port]`, `http:host[:port]`, or the
 * URL form `https://host[:port]` with an optional trailing `/`. IPv6 hosts go
 * in brackets (`https:[::1]:8443`). Default ports are 443 and 80. No path,
 * query, fragment or user info is accepted. A port that is not digits is not quoted (in
 * `https://user:password` it is a password).
 * @throws InvalidArgument for a non-string, an unknown protocol, a bad host or a bad port.
 */
export function parseEndpoint(text: string): Endpoint {
  if (typeof text !== "string") invalid(`must be a string, ${FORMS}`);
  const colon = text.indexOf(":");
  if (colon < 0) invalid(`missing protocol, ${FORMS}`);
  const protocol = text.slice(0, colon).toLowerCase();
  if (protocol !== "http" && protocol !== "https") {
    const shown = /^[a-z][a-z0-9+.-]{0,19}$/.test(protocol) ? JSON.stringify(protocol) : "in the value";
    invalid(`unsupported protocol ${shown}, ${FORMS}`);
  }
  let rest = text.slice(colon + 1);
  if (rest.startsWith("//")) rest = rest.slice(2);
  if (rest.endsWith("/")) rest = rest.slice(0, -1);
  if (/[/?#@\s\\]/.test(rest)) invalid(`only a host and a port are allowed, ${FORMS}`);
  let host: string;
  let portText: string | undefined;
  if (rest.startsWith("[")) {
    const close = rest.indexOf("]");
    if (close < 0) invalid("unclosed \"[\" in IPv6 host");
    host = rest.slice(0, close + 1);
    const after = rest.slice(close + 1);
    if (after !== "") {
      if (!after.startsWith(":")) invalid(`unexpected text after IPv6 host, ${FORMS}`);
      portText = after.slice(1);
    }
  } else {
    const parts = rest.split(":");
    if (parts.length > 2) invalid("an IPv6 host must be written in brackets, e.g. https:[::1]:8443");
    host = parts[0] ?? "";
    portText = parts[1];
  }
  let port: number | undefined;
  if (portText !== undefined) {
    if (!/^[0-9]{1,5}$/.test(portText)) {
      // What follows a `:` in `scheme://u:SEC` may be a password (one cut at an unencoded `&`): only digits are quoted.
      const shown = /^[0-9]{1,12}$/.test(portText) ? JSON.stringify(portText) : "(not shown)";
      invalid(`port ${shown} is not a number between 1 and 65535`);
    }
    port = Number(portText);
  }
  return makeEndpoint(protocol, host, port);
}
