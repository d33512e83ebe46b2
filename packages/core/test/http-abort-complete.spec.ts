/**
 * An abort that lands after a response's body arrived whole, while its `end` is still pending
 * (the body drains from memory), on a keep-alive connection. Node then frees the socket to the pool
 * at the body's end (removing the request's socket `error` listener) before the socket reports the
 * error it was destroyed with: the error went unhandled and crashed the process (a CLI copy of an
 * empty object whose read had started, destroyed by the write).
 */
import { afterEach, describe, expect, it } from "@jest/globals";
import type { IncomingMessage } from "node:http";
import { keepAliveAgents } from "../src/http/agents.js";
import { dispatch } from "../src/http/transport.js";
import { reply, startTestServer, type TestServer } from "./http-test-server.js";

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** Waits until `res` closed, then one more turn of the event loop (where a socket's late `error` would land). */
function closed(res: IncomingMessage): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => void setImmediate(resolve);
    if (res.closed) done();
    else res.once("close", done);
  });
}

describe("http transport: an abort once the response arrived whole", () => {
  it.each([
    ["an empty body", ""],
    ["a small body", "hello"],
  ])("leaves no socket error unhandled (%s, keep-alive, the body's end still pending)", async (_name, body) => {
    server = await startTestServer((_req, res) => reply(res, 200, body));
    const agents = keepAliveAgents();
    // Twice: the second request runs on the pooled socket the first one left (or a new one).
    for (let i = 0; i < 2; i++) {
      const controller = new AbortController();
      const { response } = await dispatch(
        { method: "GET", protocol: "http", host: "127.0.0.1", port: server.port, path: `/${i}`, headers: {} },
        { agents, timeoutMs: 5000, signal: controller.signal },
      );
      const errors: unknown[] = [];
      response.on("error", (e) => errors.push(e));
      const ended = new Promise<boolean>((resolve) => {
        response.once("end", () => resolve(true));
        response.once("close", () => resolve(false));
      });
      // Reading starts: the body (all here) flows on the next tick and its `end` is queued after it.
      response.on("data", () => undefined);
      // The abort lands between the two: Node would free the socket at `end`, then report the error.
      process.nextTick(() => controller.abort());
      await ended;
      await closed(response);
      // Nothing of the body was lost (it had all arrived); no error reached the response or the process.
      expect(errors).toEqual([]);
    }
  });
});
