/**
 * A response body that fails while nobody listens to it (its reader not attached yet, or gone)
 * keeps the failure as its `errored` and never raises an unhandled 'error' event (which would end
 * the process); a reader listening gets the StorageError as before.
 */
import { describe, expect, it } from "@jest/globals";
import { createServer, request, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { StreamingResponse } from "../src/http/http-response.js";
import type { HttpRequest } from "../src/http/http-request.js";

/** A response whose server sends part of a 1 MiB body and then resets the connection. */
async function brokenResponse(): Promise<{ response: StreamingResponse; close: () => void }> {
  const server = createServer((_req, res) => {
    res.writeHead(206, { "content-length": String(1 << 20) });
    res.write(Buffer.alloc(1024));
    setTimeout(() => res.socket?.destroy(), 20);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  const message = await new Promise<IncomingMessage>((resolve, reject) => request({ host: "127.0.0.1", port, path: "/" }, resolve).on("error", reject).end());
  const response = new StreamingResponse({ method: "GET" } as unknown as HttpRequest, message, 1, false, undefined, undefined);
  return { response, close: () => server.close() };
}

describe("a response body that fails unheard", () => {
  it("keeps its error (errored) and raises no unhandled 'error'", async () => {
    const { response, close } = await brokenResponse();
    try {
      const body = response.stream();
      const uncaught: unknown[] = [];
      const onUncaught = (e: unknown): void => void uncaught.push(e);
      process.on("uncaughtException", onUncaught);
      try {
        await new Promise<void>((r) => body.once("close", () => r()));
      } finally {
        process.off("uncaughtException", onUncaught);
      }
      expect(uncaught).toEqual([]);
      expect((body.errored as { code?: unknown } | null)?.code).toBe("ServiceInternal");
    } finally {
      close();
    }
  });

  it("a reader that listens still gets the StorageError", async () => {
    const { response, close } = await brokenResponse();
    try {
      const body = response.stream();
      const error = await new Promise<unknown>((resolve) => {
        body.on("error", resolve);
        body.resume();
      });
      expect((error as { code?: unknown }).code).toBe("ServiceInternal");
    } finally {
      close();
    }
  });
});
