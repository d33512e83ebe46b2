import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import type { StorageError, Storager } from "@stowage/core";

const PAGE = "<html><body>403 Forbidden by the gateway: token=PAGESECRET</body></html>";

/**
 * An error answer whose body is not the service's error document (a proxy's HTML page) is mapped by
 * its status, and its message says the body was not the service's (with the media type), not that
 * the answer had no body; the body's text never appears. A 403 with no body keeps its own hint.
 * `service` is the name the message uses (`COS`); `open` opens a store at `endpoint`
 * (`http:127.0.0.1:<port>`, a local server answering every request so) with no retries.
 */
export function runForeignErrorBodySuite(service: string, open: (endpoint: string) => Storager): void {
  let server: Server;
  let endpoint = "";
  let page = PAGE;
  beforeAll(async () => {
    server = createServer((req, res) => {
      req.resume();
      res.writeHead(403, { "content-type": "text/html; charset=utf-8", "content-length": String(Buffer.byteLength(page)) });
      res.end(page);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    endpoint = `http:127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  const read = (): Promise<StorageError> =>
    open(endpoint)
      .read("k")
      .then(
        () => Promise.reject(new Error("read succeeded")),
        (e: StorageError) => e,
      );

  describe(`${service}: a 403 whose body is a proxy's HTML page`, () => {
    it(`is PermissionDenied, saying the body is not a ${service} error document, without the page's text`, async () => {
      page = PAGE;
      const e = await read();
      expect([e.code, e.statusCode]).toEqual(["PermissionDenied", 403]);
      expect(e.message).toContain(`HTTP 403 (access denied; the answer's body (text/html) is not a${/^[aeiou]/i.test(service) ? "n" : ""} ${service} error document`);
      expect(e.message).not.toContain("no body");
      expect(e.message).not.toContain("PAGESECRET");
      expect(e.message).not.toContain("Forbidden by the gateway");
    });

    it("with no body at all, still says the answer has no body to say why", async () => {
      page = "";
      expect((await read()).message).toContain("the answer has no body to say why");
    });
  });
}
