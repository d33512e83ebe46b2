import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import type { StorageError, Storager } from "@stowage/core";

/**
 * Registers the cases of a 416 (Range Not Satisfiable) answer to a GET that sent no `Range` (no
 * service's answer: a proxy's): a typed error, never an empty object; a 416 to a ranged read past
 * the end still reads nothing. `open` opens a store at `endpoint` (`http:127.0.0.1:<port>`, a
 * local server that answers every GET with a 416) with short retry delays.
 * @throws nothing itself.
 */
export function runUnranged416Suite(provider: string, open: (endpoint: string) => Storager): void {
  let server: Server;
  let endpoint = "";
  const ranges: Array<IncomingHttpHeaders["range"]> = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      req.resume();
      if (req.method === "GET") ranges.push(req.headers.range);
      res.writeHead(416, { "content-type": "text/html", "content-length": "0" });
      res.end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    endpoint = `http:127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  describe(`${provider}: a 416 answer`, () => {
    it("to a GET that asked no range is an Unexpected error, not an empty read", async () => {
      ranges.length = 0;
      const e: StorageError = await open(endpoint)
        .read("k")
        .then(
          (b) => Promise.reject(new Error(`read ${b.length} bytes`)),
          (err: StorageError) => err,
        );
      expect([e.code, e.retryable, e.statusCode]).toEqual(["Unexpected", false, 416]);
      expect(e.message).toContain("416");
      expect(ranges).toEqual([undefined]);
    });

    it("to a ranged read past the end reads nothing", async () => {
      ranges.length = 0;
      expect((await open(endpoint).read("k", { offset: 5 })).length).toBe(0);
      expect(ranges[0]).toBe("bytes=5-");
    });
  });
}
