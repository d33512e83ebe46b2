import http, { type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";

/** One request a {@link RawServer} received. */
export interface RawRequest {
  method: string;
  url: URL;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** What a {@link RawServer} answers: a status (default 200) with headers and body, a reset connection (`destroy`), or nothing ever (`hang`). */
export interface RawAnswer {
  status?: number;
  headers?: Record<string, string>;
  body?: string;
  destroy?: boolean;
  hang?: boolean;
}

/** A scripted HTTP server on 127.0.0.1: its port, every request it got, and a stop function. */
export interface RawServer {
  port: number;
  requests: RawRequest[];
  stop(): Promise<void>;
}

/**
 * Starts a scripted server: `handler` gets each request (with its 1-based number) and says what to answer,
 * so a test can play COS answers the emulator cannot (a lost answer after the request took effect, huge sizes).
 */
export async function rawServer(handler: (req: RawRequest, n: number) => RawAnswer): Promise<RawServer> {
  const requests: RawRequest[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const request: RawRequest = { method: req.method ?? "", url: new URL(req.url ?? "/", "http://x"), headers: req.headers, body: Buffer.concat(chunks) };
      const n = requests.push(request);
      const answer = handler(request, n);
      if (answer.destroy === true) {
        req.socket.resetAndDestroy();
        return;
      }
      if (answer.hang === true) return;
      res.writeHead(answer.status ?? 200, { "x-cos-request-id": `rid-${n}`, ...(answer.headers ?? {}) });
      res.end(answer.body ?? "");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as AddressInfo).port,
    requests,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A COS `<Error>` document. */
export const errorXml = (code: string, message = "m"): string =>
  `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message><RequestId>r</RequestId></Error>`;

/** Pairs that make retries quick. */
export const QUICK_RETRIES = "&retry_base_delay=1ms&retry_max_delay=2ms&max_retries=3";
