/** A parsed `endpoint` pair: `https:host[:port]`, `http:host[:port]` (also `https://host[:port]`). */
export interface Endpoint {
  protocol: "http" | "https";
  host: string;
  /** Explicit or default (80/443). */
  port: number;
  /** `protocol://host[:port]` without a trailing slash; the port is omitted when default. */
  url: string;
}
