import http, { type IncomingHttpHeaders, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";

/** What a {@link startProxy} may do to a request's answer. */
export interface ProxyHooks {
  /**
   * True to forward the request but lose its answer: the client's connection is reset once the
   * answer arrived and the returned promise settled (so a test can act in between).
   */
  drop?: (req: IncomingMessage) => boolean | Promise<boolean>;
  /** Rewrites the answer's headers. */
  rewrite?: (req: IncomingMessage, headers: IncomingHttpHeaders) => IncomingHttpHeaders;
  /**
   * An answer to send instead of the service's (the request is forwarded, so performed, and its
   * answer read to the end first), or undefined to pass the service's on: a gateway's error page.
   */
  replace?: (req: IncomingMessage) => { status: number; contentType: string; body: string } | undefined;
}

/** A running proxy: its port, the requests it saw (method and URL) and a stop function. */
export interface Proxy {
  port: number;
  seen: string[];
  stop(): Promise<void>;
}

/**
 * A reverse proxy on 127.0.0.1 in front of `targetPort` (an emulator), for faults the
 * emulator cannot make: an answer lost or replaced after the request was performed, or changed headers.
 */
export async function startProxy(targetPort: number, hooks: ProxyHooks = {}): Promise<Proxy> {
  const seen: string[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      seen.push(`${req.method} ${req.url}`);
      const up = http.request({ host: "127.0.0.1", port: targetPort, method: req.method, path: req.url, headers: req.headers }, async (answer) => {
        if ((await hooks.drop?.(req)) === true) {
          answer.resume();
          req.socket.resetAndDestroy();
          return;
        }
        const instead = hooks.replace?.(req);
        if (instead !== undefined) {
          answer.resume();
          answer.once("end", () => {
            res.writeHead(instead.status, { "content-type": instead.contentType, "content-length": String(Buffer.byteLength(instead.body)) });
            res.end(instead.body);
          });
          return;
        }
        const headers = hooks.rewrite ? hooks.rewrite(req, { ...answer.headers }) : answer.headers;
        res.writeHead(answer.statusCode ?? 502, headers);
        answer.pipe(res);
      });
      up.on("error", (e) => res.destroy(e));
      up.end(Buffer.concat(chunks));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as AddressInfo).port,
    seen,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
