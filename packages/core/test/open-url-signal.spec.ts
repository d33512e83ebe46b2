/**
 * `openUrl` (the fs and memory drivers' `fetch`) with a caller's signal shared by many calls: Node's
 * fetch gets a signal of its own, so the caller's carries no listener once the bodies are done (Node's
 * fetch would leave one per call until garbage collection) and keeps Node's listener limit (fetch
 * would raise it to 1500, hiding leaks from the warning); an abort still stops a body under way.
 */
import { afterEach, describe, expect, it } from "@jest/globals";
import { defaultMaxListeners, getEventListeners, getMaxListeners } from "node:events";
import { isStorageError } from "../src/errors/storage-error.js";
import { openUrl } from "../src/io/open-url.js";
import { failure, startTestServer, type TestServer } from "./http-test-server.js";
import { drain } from "./drain.js";

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe("openUrl and the caller's signal", () => {
  it("leaves no listener on a shared signal once the bodies are read, and keeps its listener limit", async () => {
    server = await startTestServer((req, res) => {
      if (req.url === "/missing") res.writeHead(404).end();
      else res.writeHead(200, { "content-length": "5" }).end("hello");
    });
    const signal = new AbortController().signal;
    const url = `http://127.0.0.1:${server.port}/obj`;
    const bodies = await Promise.all(Array.from({ length: 20 }, async () => drain((await openUrl(url, signal)).body).then(String)));
    expect(bodies).toEqual(Array.from({ length: 20 }, () => "hello"));
    // A failed call lets go too.
    expect((await failure(openUrl(`http://127.0.0.1:${server.port}/missing`, signal))).code).toBe("ObjectNotExist");
    expect(getEventListeners(signal, "abort")).toHaveLength(0);
    expect(getMaxListeners(signal)).toBe(defaultMaxListeners);
  });

  it("still aborts a body under way, then lets go of the signal", async () => {
    server = await startTestServer((_req, res) => {
      res.writeHead(200, { "content-length": "100" });
      res.write("x".repeat(10)); // then nothing: the body waits
    });
    const controller = new AbortController();
    const { body } = await openUrl(`http://127.0.0.1:${server.port}/obj`, controller.signal);
    const reading = drain(body).then(
      () => "ended",
      (e: unknown) => e,
    );
    controller.abort();
    const error = await reading;
    expect((error as { name?: unknown }).name).toBe("AbortError"); // the drivers report it as Aborted
    expect(body.destroyed).toBe(true);
    expect(getEventListeners(controller.signal, "abort")).toHaveLength(0);
  });

  it("refuses at once with Aborted when the signal already aborted", async () => {
    const controller = new AbortController();
    controller.abort();
    const e = await failure(openUrl("http://127.0.0.1:9/obj", controller.signal));
    expect(isStorageError(e, "Aborted")).toBe(true);
  });
});
