import { Readable } from "node:stream";
import { afterEach, describe, expect, it } from "@jest/globals";
import { storageError } from "../src/errors/storage-error.js";
import { HttpClient, type HttpClientOptions } from "../src/http/http-client.js";
import type { HttpRequest } from "../src/http/http-request.js";
import { failure, type Handler, reply, startTestServer, type TestServer } from "./http-test-server.js";

let server: TestServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function serve(handler: Handler): Promise<TestServer> {
  server = await startTestServer(handler);
  return server;
}

function client(options: Partial<HttpClientOptions> = {}): HttpClient {
  return new HttpClient({ service: "test", requestIdHeader: "x-request-id", retry: { maxRetries: 3, baseDelayMs: 1, maxDelayMs: 5 }, random: () => 0, ...options });
}

function request(port: number, extra: Partial<HttpRequest> = {}): HttpRequest {
  return { method: "GET", protocol: "http", host: "127.0.0.1", port, path: "/a%20b", headers: {}, operation: "get_thing", ...extra };
}


describe("HttpClient: success, signing and retries", () => {
  it("sends path, query and headers, and streams the body back", async () => {
    const s = await serve((_req, res) => reply(res, 200, "hello", { "x-request-id": "rid-1" }));
    const res = await client().send(request(s.port, { query: [["uploads", undefined], ["a b", "c/d"]], headers: { "x-custom": "1" } }));
    expect(res.status).toBe(200);
    expect(res.requestId).toBe("rid-1");
    expect((await res.buffer()).toString()).toBe("hello");
    expect(s.seen[0]!.url).toBe("/a%20b?uploads&a%20b=c%2Fd");
    expect(s.seen[0]!.headers["x-custom"]).toBe("1");
    expect(s.seen[0]!.headers.host).toBe(`127.0.0.1:${s.port}`);
  });

  it("re-signs every attempt and retries 5xx and throttling until success", async () => {
    const statuses = [500, 503, 429, 200];
    const s = await serve((_req, res, n) => reply(res, statuses[n]!, n === 3 ? "ok" : "no"));
    let signs = 0;
    const c = client({ sign: (r) => void (r.headers["authorization"] = `sig-${++signs}`) });
    const res = await c.sendBuffered(request(s.port));
    expect(res.body.toString()).toBe("ok");
    expect(res.attempts).toBe(4);
    expect(s.seen.map((r) => r.headers.authorization)).toEqual(["sig-1", "sig-2", "sig-3", "sig-4"]);
  });

  it("sends a request with `once` one time only: no retry of a reset or a 503, no re-send after a skew or a renewal", async () => {
    for (const answer of [(res: import("node:http").ServerResponse) => res.destroy(), (res: import("node:http").ServerResponse) => reply(res, 503, "busy")]) {
      const s = await serve((_req, res) => answer(res));
      let renewals = 0;
      const c = client({ renewCredentials: async () => (renewals++, true), isClockSkew: async () => true });
      await expect(c.sendBuffered(request(s.port), { once: true })).rejects.toMatchObject({ retryable: true });
      expect([s.seen.length, renewals]).toEqual([1, 0]);
      await s.close();
      server = undefined;
    }
    const s = await serve((_req, res) => reply(res, 403, "no"));
    let renewals = 0;
    await expect(client({ renewCredentials: async () => (renewals++, true) }).sendBuffered(request(s.port), { once: true })).rejects.toMatchObject({ code: "PermissionDenied" });
    expect([s.seen.length, renewals]).toEqual([1, 0]);
  });

  it("tells a retry's answer whether an earlier attempt may have acted: after a reset, a 500, a body-less 503 or a proxy's 503 page yes, after throttling or none no", async () => {
    // The service's own error document says "slow down"; anything else in a 503's body is not it.
    const saysThrottled = (r: { body: Buffer }): boolean => r.body.toString() === "slow down";
    const cases: Array<[string, (res: import("node:http").ServerResponse) => void, boolean]> = [
      ["429", (res) => reply(res, 429, "too many requests"), false],
      ["throttled 503", (res) => reply(res, 503, "slow down"), false],
      // A 503 that names nothing: a front end may answer it for a request its back end applied.
      ["bare 503", (res) => res.writeHead(503).end(), true],
      // A proxy's page is not the service's document: it says nothing of what the service did.
      ["html 503", (res) => reply(res, 503, "<html><body>503 Service Unavailable</body></html>", { "content-type": "text/html" }), true],
      ["reset", (res) => res.destroy(), true],
      ["500", (res) => reply(res, 500, "oops"), true],
    ];
    for (const [label, first, expected] of cases) {
      const s = await serve((_req, res, n) => (n === 0 ? first(res) : reply(res, 200, "ok")));
      const res = await client({ saysThrottled }).sendBuffered(request(s.port, { method: "PUT", body: Buffer.from("x") }));
      expect([label, res.attempts, res.earlierAttemptMayHaveApplied]).toEqual([label, 2, expected]);
      await s.close();
      server = undefined;
    }
    const s = await serve((_req, res) => reply(res, 200, "ok"));
    expect((await client().sendBuffered(request(s.port))).earlierAttemptMayHaveApplied).toBe(false);
  });

  it("counts a 503 with a body as maybe applied when no saysThrottled hook vouches for it, or the hook throws", async () => {
    for (const hook of [undefined, (): boolean => { throw new Error("no"); }]) {
      const s = await serve((_req, res, n) => (n === 0 ? reply(res, 503, "slow down") : reply(res, 200, "ok")));
      const res = await client(hook === undefined ? {} : { saysThrottled: hook }).sendBuffered(request(s.port, { method: "PUT", body: Buffer.from("x") }));
      expect([res.attempts, res.earlierAttemptMayHaveApplied]).toEqual([2, true]);
      await s.close();
      server = undefined;
    }
  });

  it("judges an error answer whose body is over 1 MiB by its status: a 503 is still retried", async () => {
    const s = await serve((_req, res, n) => (n === 0 ? reply(res, 503, "x".repeat(2 * 1024 * 1024)) : reply(res, 200, "ok")));
    const res = await client().sendBuffered(request(s.port));
    expect([res.attempts, res.body.toString()]).toEqual([2, "ok"]);
  });

  it("stops after maxRetries and reports code, status and request id", async () => {
    const s = await serve((_req, res) => reply(res, 503, "busy", { "x-request-id": "rid-503" }));
    const e = await failure(client({ retry: { maxRetries: 2, baseDelayMs: 0, maxDelayMs: 0 } }).send(request(s.port)));
    expect(e.code).toBe("RequestThrottled");
    expect(e.statusCode).toBe(503);
    expect(e.requestId).toBe("rid-503");
    expect(e.service).toBe("test");
    expect(e.retryable).toBe(true);
    expect(s.seen).toHaveLength(3);
  });

  it("does not retry a 4xx, and maps it through the mapError hook", async () => {
    const s = await serve((_req, res) => reply(res, 404, "<Error><Code>NoSuchKey</Code></Error>"));
    const e = await failure(client({ mapError: (r) => storageError("ObjectNotExist", `gone: ${r.body.toString()}`) }).send(request(s.port)));
    expect(e.code).toBe("ObjectNotExist");
    expect(e.message).toContain("NoSuchKey");
    expect(e.statusCode).toBe(404);
    expect(s.seen).toHaveLength(1);
  });

  it("retries a reset connection with a Buffer body, sending the same bytes", async () => {
    const s = await serve((_req, res, n) => { if (n === 0) res.socket?.destroy(); else reply(res, 200); });
    const body = Buffer.from("payload");
    await client().sendBuffered(request(s.port, { method: "PUT", body }));
    expect(s.seen).toHaveLength(2);
    expect(s.seen[1]!.body.toString()).toBe("payload");
    expect(s.seen[1]!.headers["content-length"]).toBe("7");
  });

  it("never re-sends a one-shot stream body that was already read", async () => {
    const s = await serve((_req, res) => reply(res, 500));
    const body = Readable.from([Buffer.from("abc")]);
    const e = await failure(client().send(request(s.port, { method: "PUT", body, headers: { "content-length": "3" } })));
    expect(e.code).toBe("ServiceInternal");
    expect(s.seen).toHaveLength(1);
  });

  it("does not retry a non-idempotent request after a reset, but does after a 5xx", async () => {
    const s = await serve((_req, res, n) => { if (n === 0) res.socket?.destroy(); else reply(res, n === 1 ? 500 : 200); });
    const e = await failure(client().send(request(s.port, { method: "POST" }), { idempotent: false }));
    expect(e.code).toBe("ServiceInternal");
    expect(s.seen).toHaveLength(1);
    const res = await client().sendBuffered(request(s.port, { method: "POST" }), { idempotent: false });
    expect(res.status).toBe(200);
    expect(s.seen).toHaveLength(3);
  });

  it("retries a 200 whose body the validate hook rejects", async () => {
    const s = await serve((_req, res, n) => reply(res, 200, n === 0 ? "<Error>InternalError</Error>" : "<Result/>"));
    const res = await client().sendBuffered(request(s.port, { method: "POST" }), {
      validate: (r) => (r.body.toString().startsWith("<Error>") ? storageError("ServiceInternal", "error in a 200") : undefined),
    });
    expect(res.body.toString()).toBe("<Result/>");
    expect(s.seen).toHaveLength(2);
  });

  it("retries a response body cut short when buffering, and errors a streamed one", async () => {
    const s = await serve((_req, res, n) => {
      res.writeHead(200, { "content-length": "10" });
      if (n === 0 || n === 2) res.write("01234", () => res.socket?.destroy());
      else res.end("0123456789");
    });
    const buffered = await client().sendBuffered(request(s.port));
    expect(buffered.body.toString()).toBe("0123456789");
    const streamed = await client().send(request(s.port));
    const chunks: Buffer[] = [];
    const e = await failure(
      (async () => {
        for await (const c of streamed.stream()) chunks.push(c as Buffer);
      })(),
    );
    expect(e.code).toBe("ServiceInternal");
  });

  it("corrects the clock once from the server's Date on a skew error", async () => {
    const serverNow = Date.now() + 3600_000;
    const s = await serve((req, res) => {
      const sent = Number(req.headers["x-time"]);
      const date = new Date(serverNow).toUTCString();
      if (Math.abs(sent - serverNow) > 60_000) reply(res, 403, "skewed", { date });
      else reply(res, 200, "ok", { date });
    });
    const c = client({
      sign: (r, now) => void (r.headers["x-time"] = String(now.getTime())),
      isClockSkew: (e) => e.statusCode === 403,
      retry: { maxRetries: 0 },
    });
    const res = await c.sendBuffered(request(s.port));
    expect(res.body.toString()).toBe("ok");
    expect(Math.abs(c.clockOffsetMs - 3600_000)).toBeLessThan(5000);
    expect(s.seen).toHaveLength(2);
    await c.sendBuffered(request(s.port));
    expect(s.seen).toHaveLength(3);
  });
});

describe("HttpClient: connection reuse", () => {
  it("returns sockets to the pool: sequential calls share one connection, empty answers and HEAD errors included", async () => {
    const ports: number[] = [];
    const s = await serve((req, res, n) => {
      ports.push(req.socket.remotePort ?? -1);
      if (req.method === "HEAD") reply(res, 404);
      else reply(res, 200, n % 2 === 0 ? "" : "body");
    });
    const c = client({ agent: { maxSockets: 1 } });
    for (let i = 0; i < 4; i++) {
      const res = await c.send(request(s.port, { method: "PUT", body: Buffer.from("x") }));
      await res.discard();
    }
    await failure(c.send(request(s.port, { method: "HEAD" })));
    await c.sendBuffered(request(s.port));
    expect(s.seen).toHaveLength(6);
    expect(new Set(ports).size).toBe(1);
  });
});

describe("HttpClient: abort, timeouts and secrets", () => {
  it("rejects with Aborted when the signal fires while waiting for the answer", async () => {
    const s = await serve(() => undefined);
    const controller = new AbortController();
    const p = client().send(request(s.port), { signal: controller.signal });
    setImmediate(() => controller.abort());
    expect((await failure(p)).code).toBe("Aborted");
  });

  it("rejects at once with an already-aborted signal, sending nothing", async () => {
    const s = await serve((_req, res) => reply(res, 200));
    const e = await failure(client().send(request(s.port), { signal: AbortSignal.abort() }));
    expect(e.code).toBe("Aborted");
    expect(s.seen).toHaveLength(0);
  });

  it("fails an idle connection with a retryable ServiceInternal timeout", async () => {
    const s = await serve(() => undefined);
    const e = await failure(client({ timeoutMs: 100, retry: { maxRetries: 1, baseDelayMs: 0, maxDelayMs: 0 } }).send(request(s.port)));
    expect(e.code).toBe("ServiceInternal");
    expect(e.message).toContain("ESTOWAGE_TIMEOUT");
    expect(s.seen).toHaveLength(2);
  });

  it("reports a refused connection as retryable ServiceInternal", async () => {
    const s = await serve((_req, res) => reply(res, 200));
    const port = s.port;
    await s.close();
    server = undefined;
    const e = await failure(client({ retry: { maxRetries: 1, baseDelayMs: 0, maxDelayMs: 0 } }).send(request(port)));
    expect(e.code).toBe("ServiceInternal");
    expect(e.retryable).toBe(true);
  });

  it("keeps signatures and tokens out of errors", async () => {
    const s = await serve((_req, res) => reply(res, 403, "denied"));
    const c = client({
      sign: (r) => {
        r.headers["authorization"] = "q-sign-algorithm=sha1&q-ak=AK&q-signature=deadbeef";
        r.headers["x-cos-security-token"] = "TOKEN123";
      },
      mapError: (r) => storageError("PermissionDenied", `denied; authorization: ${r.request.headers["authorization"] ?? "none"}; q-signature=deadbeef`),
    });
    const e = await failure(c.send(request(s.port)));
    expect(e.code).toBe("PermissionDenied");
    expect(e.message).not.toContain("deadbeef");
    expect(e.message).not.toContain("TOKEN123");
    expect(JSON.stringify(e.toJSON())).not.toContain("deadbeef");
  });

  it("wraps a signing failure as a non-retryable error and sends nothing", async () => {
    const s = await serve((_req, res) => reply(res, 200));
    const e = await failure(client({ sign: () => Promise.reject(new Error("no credentials")) }).send(request(s.port)));
    expect(e.code).toBe("Unexpected");
    expect(e.message).toContain("no credentials");
    expect(s.seen).toHaveLength(0);
  });
});
