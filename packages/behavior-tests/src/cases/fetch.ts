import { createServer, type RequestListener, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { expect } from "@jest/globals";
import type { CaseScope, Suite } from "../context.js";
import { expectError, expectSameBytes, randomData } from "../fixtures.js";

/** Starts `handler` on 127.0.0.1; resolves with its base URL and a close function. */
async function listen(handler: RequestListener): Promise<{ url: string; close: () => Promise<void> }> {
  const server: Server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    // Connections too: a fetch stopped part-way (an abort, a listener that throws, a body cut
    // short) can leave one open that close() would wait on for seconds.
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Serves `data` at every URL on 127.0.0.1 (with Content-Length); resolves with the base URL and a close function. */
export function serve(data: Buffer): Promise<{ url: string; close: () => Promise<void> }> {
  return listen((_req, res) => {
    res.writeHead(200, { "content-type": "application/octet-stream", "content-length": String(data.length) });
    res.end(data);
  });
}

/**
 * Serves a body that breaks off: every URL answers with a Content-Length of `size` bytes, sends
 * the first 1,000 of them, and closes the connection (on 127.0.0.1).
 */
export function serveCutShort(size: number): Promise<{ url: string; close: () => Promise<void> }> {
  return listen((_req, res) => {
    res.writeHead(200, { "content-type": "application/octet-stream", "content-length": String(size) });
    res.write(randomData(1000), () => res.socket?.destroy());
  });
}

async function refuse(t: CaseScope): Promise<void> {
  await expectError(() => t.store.fetch(t.key(), "http://127.0.0.1:9/none"), "CapabilityInsufficient");
}

/** `fetch(path, url)`: the service downloads a URL into an object (§7.11.5 lists it as untested in go-storage). */
export function registerFetchCases(suite: Suite): void {
  suite.gated(
    "fetch: stores the bytes served at a URL",
    ["fetch"],
    async (t) => {
      const data = randomData(20_000);
      const server = await serve(data);
      t.defer(server.close);
      const path = t.key();
      await t.store.fetch(path, server.url + "object.bin");
      expect((await t.store.stat(path)).size).toBe(data.length);
      expectSameBytes(await t.store.read(path), data);
    },
    refuse,
  );

  suite.gated(
    "fetch: a body that breaks off before its end is a retryable ServiceInternal, and nothing is stored",
    ["fetch"],
    async (t) => {
      const server = await serveCutShort(300_000);
      t.defer(server.close);
      const path = t.key();
      const error = await expectError(() => t.store.fetch(path, server.url + "object.bin"), "ServiceInternal");
      expect(error.retryable).toBe(true);
      await expectError(() => t.store.stat(path), "ObjectNotExist");
    },
    refuse,
  );

  suite.gated(
    "fetch: a source that refuses the connection is a retryable ServiceInternal, and nothing is stored",
    ["fetch"],
    async (t) => {
      // A port on 127.0.0.1 that nothing listens on: a server's, closed.
      const closed = await serve(randomData(1));
      await closed.close();
      const path = t.key();
      const error = await expectError(() => t.store.fetch(path, closed.url + "object.bin"), "ServiceInternal");
      expect(error.retryable).toBe(true);
      await expectError(() => t.store.stat(path), "ObjectNotExist");
    },
    refuse,
  );

  suite.gated(
    "fetch: a URL that is not http(s) rejects with InvalidArgument",
    ["fetch"],
    async (t) => {
      const path = t.key();
      await expectError(() => t.store.fetch(path, "not a url"), "InvalidArgument");
      await expectError(() => t.store.stat(path), "ObjectNotExist");
    },
    refuse,
  );
}
