import { createServer as createHttpServer, type RequestListener, type Server } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo, Socket } from "node:net";

/** A listening server that can be stopped. */
export interface Listening {
  server: Server;
  /** The bound port (useful with port 0). */
  port: number;
  /** Stops accepting, destroys open connections, resolves once closed. */
  close(): Promise<void>;
}

/** TLS material in PEM. */
export interface TlsMaterial {
  cert: string;
  key: string;
}

/**
 * Starts an HTTP (or HTTPS when `tls` is given) server on `host:port`.
 * Rejects with the listen error (e.g. EADDRINUSE).
 */
export async function listen(listener: RequestListener, host: string, port: number, tls?: TlsMaterial): Promise<Listening> {
  const server: Server = tls ? createHttpsServer({ cert: tls.cert, key: tls.key }, listener) : createHttpServer(listener);
  server.keepAliveTimeout = 5000;
  server.requestTimeout = 0;
  const sockets = new Set<Socket>();
  const track = (s: Socket): void => {
    sockets.add(s);
    s.once("close", () => sockets.delete(s));
  };
  server.on(tls ? "secureConnection" : "connection", track);
  if (tls) server.on("connection", track);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const bound = (server.address() as AddressInfo).port;
  let closing: Promise<void> | undefined;
  return {
    server,
    port: bound,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
        server.closeAllConnections?.();
      });
      return closing;
    },
  };
}
