import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** One request the test server saw (body read completely, unless the handler took over). */
export interface SeenRequest {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: Buffer;
}

/** Answers the n-th request (0-based). */
export type Handler = (req: IncomingMessage, res: ServerResponse, n: number, body: Buffer) => void | Promise<void>;

/** A node:http server on 127.0.0.1 recording requests; `close()` also drops open sockets. */
export interface TestServer {
  port: number;
  seen: SeenRequest[];
  close(): Promise<void>;
}

/** Starts a server whose requests are answered by `handler` after their bodies arrived. */
export async function startTestServer(handler: Handler): Promise<TestServer> {
  const seen: SeenRequest[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("error", () => undefined);
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      const n = seen.length;
      seen.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers, body });
      void Promise.resolve(handler(req, res, n, body)).catch(() => res.destroy());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Sends `status` with `body` and the given headers. */
export function reply(res: ServerResponse, status: number, body: string | Buffer = "", headers: Record<string, string> = {}): void {
  const data = typeof body === "string" ? Buffer.from(body) : body;
  res.writeHead(status, { "content-length": String(data.length), ...headers });
  res.end(data);
}

/** The StorageError `p` rejects with (rejection.ts; the name the HTTP specs use). */
export { rejection as failure } from "./rejection.js";
