import http, { type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";

/** A running proxy: its port, the requests it saw (method and URL) and a stop function. */
export interface Proxy {
  port: number;
  seen: string[];
  stop(): Promise<void>;
}

/**
 * A reverse proxy on 127.0.0.1 in front of `targetPort` (an emulator) that forwards every request
 * and, when `drop` says so, loses the answer: the client's connection is reset once the emulator
 * has performed the request (a fault the emulator cannot make itself).
 */
export async function startProxy(targetPort: number, drop: (req: IncomingMessage) => boolean): Promise<Proxy> {
  const seen: string[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      seen.push(`${req.method} ${req.url}`);
      const up = http.request({ host: "127.0.0.1", port: targetPort, method: req.method, path: req.url, headers: req.headers }, (answer) => {
        if (drop(req)) {
          answer.resume();
          answer.on("end", () => req.socket.resetAndDestroy());
          return;
        }
        res.writeHead(answer.statusCode ?? 502, answer.headers);
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
