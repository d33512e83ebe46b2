/**
 * A request must not age before it leaves: one that waited for a pooled connection longer than
 * `resignAfterMs` after it was signed is signed again (on a fresh copy) before a byte is written,
 * and a refused request time with the clock right (the request aged anyway) is signed afresh and
 * sent once more. Every server is on 127.0.0.1; the waits come from a server holding its answer,
 * and the tests assert what was signed and sent, never how long anything took.
 */
import { afterEach, describe, expect, it } from "@jest/globals";
import { ErrorCode } from "../src/errors/error-code.js";
import { storageError } from "../src/errors/storage-error.js";
import { HttpClient, type HttpClientOptions } from "../src/http/http-client.js";
import type { HttpRequest } from "../src/http/http-request.js";
import { failure, reply, startTestServer, type Handler, type TestServer } from "./http-test-server.js";

let server: TestServer | undefined;
const timers: NodeJS.Timeout[] = [];

afterEach(async () => {
  for (const t of timers.splice(0)) clearTimeout(t);
  await server?.close();
  server = undefined;
});

async function serve(handler: Handler): Promise<TestServer> {
  server = await startTestServer(handler);
  return server;
}

/** Answers `/slow` 300 ms after it arrived (holding the only connection), anything else at once. */
function slowFirst(): Handler {
  return (req, res) => {
    if (req.url?.startsWith("/slow") === true) timers.push(setTimeout(() => reply(res, 200, "slow"), 300));
    else reply(res, 200, "ok");
  };
}

function client(options: Partial<HttpClientOptions>): HttpClient {
  return new HttpClient({ service: "test", retry: { maxRetries: 0 }, agent: { maxSockets: 1 }, ...options });
}

function get(port: number, path: string): HttpRequest {
  return { method: "GET", protocol: "http", host: "127.0.0.1", port, path, headers: {}, operation: "get_thing" };
}

/** A sign hook numbering its signatures: `authorization: sig-N`, a header `x-signed-N` and a query `sig=N`. */
function numberedSigner(): { sign: (r: HttpRequest) => void; count: () => number } {
  let n = 0;
  return {
    sign: (r) => {
      n += 1;
      r.headers["authorization"] = `sig-${n}`;
      r.headers[`x-signed-${n}`] = "1";
      r.query = [...(r.query ?? []), ["sig", String(n)]];
    },
    count: () => n,
  };
}

describe("a request waiting for a pooled connection", () => {
  it("is signed again before it is written when it waited longer than resignAfterMs, and sends only the fresh signature", async () => {
    const s = await serve(slowFirst());
    const signer = numberedSigner();
    const c = client({ sign: signer.sign, resignAfterMs: 100 });
    const slow = c.sendBuffered(get(s.port, "/slow"));
    // Signed at once (sig-2), then queued behind /slow for at least 300 ms.
    const queued = c.sendBuffered(get(s.port, "/small"));
    const [a, b] = await Promise.all([slow, queued]);
    expect([a.body.toString(), b.body.toString()]).toEqual(["slow", "ok"]);
    expect(signer.count()).toBe(3);
    const small = s.seen.find((r) => r.url.startsWith("/small"))!;
    expect(small.url).toBe("/small?sig=3");
    expect(small.headers["authorization"]).toBe("sig-3");
    expect(small.headers["x-signed-3"]).toBe("1");
    expect(small.headers["x-signed-2"]).toBeUndefined();
    expect(small.headers.host).toBe(`127.0.0.1:${s.port}`);
  });

  it("is signed once when it waited less than resignAfterMs (the default is 60 s)", async () => {
    const s = await serve(slowFirst());
    const signer = numberedSigner();
    const c = client({ sign: signer.sign });
    await Promise.all([c.sendBuffered(get(s.port, "/slow")), c.sendBuffered(get(s.port, "/small"))]);
    expect(signer.count()).toBe(2);
    expect(s.seen.map((r) => r.headers["authorization"])).toEqual(["sig-1", "sig-2"]);
  });

  it("keeps a PUT's Buffer body and its length when signed again", async () => {
    const s = await serve(slowFirst());
    const signer = numberedSigner();
    const c = client({ sign: signer.sign, resignAfterMs: 100 });
    const put: HttpRequest = { ...get(s.port, "/put"), method: "PUT", body: Buffer.from("payload") };
    await Promise.all([c.sendBuffered(get(s.port, "/slow")), c.sendBuffered(put)]);
    const seen = s.seen.find((r) => r.url.startsWith("/put"))!;
    expect([seen.body.toString(), seen.headers["content-length"], seen.headers["authorization"]]).toEqual(["payload", "7", "sig-3"]);
  });

  it("fails with the sign hook's error, nothing sent, when signing it again fails", async () => {
    const s = await serve(slowFirst());
    let n = 0;
    const c = client({
      resignAfterMs: 100,
      sign: (r) => {
        n += 1;
        if (n === 3) throw storageError(ErrorCode.PermissionDenied, "the credential provider failed", { retryable: false });
        r.headers["authorization"] = `sig-${n}`;
      },
    });
    const slow = c.sendBuffered(get(s.port, "/slow"));
    const e = await failure(c.sendBuffered(get(s.port, "/small")));
    await slow;
    expect([e.code, e.detail]).toEqual(["PermissionDenied", "the credential provider failed"]);
    expect(s.seen.map((r) => r.url)).toEqual(["/slow"]);
  });
});

describe("a fresh signature that brings a header Node refuses (review-fixes16 L1)", () => {
  it("fails that request with InvalidArgument, nothing sent, and leaves no unhandled rejection", async () => {
    const s = await serve(slowFirst());
    const unhandled: unknown[] = [];
    const onUnhandled = (e: unknown): void => void unhandled.push(e);
    process.on("unhandledRejection", onUnhandled);
    try {
      let n = 0;
      const c = client({
        resignAfterMs: 100,
        sign: (r) => {
          n += 1;
          r.headers["x-token"] = n === 3 ? "tok\nen" : "token";
        },
      });
      const slow = c.sendBuffered(get(s.port, "/slow"));
      const e = await failure(c.sendBuffered(get(s.port, "/queued")));
      await slow;
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(e.code).toBe("InvalidArgument");
      expect(s.seen.map((r) => r.url)).toEqual(["/slow"]);
      expect(unhandled).toEqual([]);
    } finally {
      process.off("unhandledRejection", onUnhandled);
    }
  });
});

describe("a re-signing slower than the idle timeout (review-fixes16 L2)", () => {
  it("fails that attempt as one before sending, so even a non-idempotent POST is retried, and sent once", async () => {
    const s = await serve(slowFirst());
    let n = 0;
    const c = client({
      resignAfterMs: 50,
      timeoutMs: 150,
      retry: { maxRetries: 2, baseDelayMs: 1, maxDelayMs: 2 },
      sign: async (r) => {
        n += 1;
        if (n === 3) await new Promise((resolve) => timers.push(setTimeout(resolve, 400)));
        r.headers["authorization"] = `sig-${n}`;
      },
    });
    const slow = c.sendBuffered(get(s.port, "/slow")).catch(() => undefined);
    const post: HttpRequest = { ...get(s.port, "/append"), method: "POST", body: Buffer.from("data") };
    const r = await c.sendBuffered(post, { idempotent: false });
    await slow;
    expect(r.status).toBe(200);
    expect(s.seen.filter((q) => q.url === "/append")).toHaveLength(1);
  });
});

describe("a pooled connection the server closes while the request is signed again (review-fixes17 L1)", () => {
  it("fails that attempt as one before sending, so a non-idempotent POST is retried, and sent once", async () => {
    // `/slow` is answered after 150 ms, then its kept-alive connection is closed 100 ms later.
    const s = await serve((req, res) => {
      if (req.url?.startsWith("/slow") !== true) return reply(res, 200, "ok");
      timers.push(
        setTimeout(() => {
          reply(res, 200, "slow");
          timers.push(setTimeout(() => req.socket.destroy(), 100));
        }, 150),
      );
    });
    let n = 0;
    const c = client({
      resignAfterMs: 50,
      retry: { maxRetries: 2, baseDelayMs: 1, maxDelayMs: 2 },
      sign: async (r) => {
        n += 1;
        if (n === 3) await new Promise((resolve) => timers.push(setTimeout(resolve, 400)));
        r.headers["authorization"] = `sig-${n}`;
      },
    });
    const slow = c.sendBuffered(get(s.port, "/slow"));
    const post: HttpRequest = { ...get(s.port, "/append"), method: "POST", body: Buffer.from("data") };
    const r = await c.sendBuffered(post, { idempotent: false });
    await slow;
    expect(r.status).toBe(200);
    expect(s.seen.filter((q) => q.url === "/append")).toHaveLength(1);
  });
});

describe("a refused request time (the request expired) with the clock right", () => {
  const expired: Handler = (_req, res, n) => (n === 0 ? reply(res, 403, "expired", { date: new Date().toUTCString() }) : reply(res, 200, "ok"));

  it("is signed afresh and sent once more, without a retry, the clock left alone", async () => {
    const s = await serve(expired);
    const signer = numberedSigner();
    const c = client({ sign: signer.sign, isClockSkew: (e) => e.statusCode === 403 });
    const res = await c.sendBuffered(get(s.port, "/obj"));
    expect(res.body.toString()).toBe("ok");
    expect(s.seen.map((r) => r.headers["authorization"])).toEqual(["sig-1", "sig-2"]);
    expect(Math.abs(c.clockOffsetMs)).toBeLessThan(1500);
  });

  it("is sent once more only: a second refusal is the caller's PermissionDenied", async () => {
    const s = await serve((_req, res) => reply(res, 403, "expired", { date: new Date().toUTCString() }));
    const c = client({ sign: numberedSigner().sign, isClockSkew: (e) => e.statusCode === 403, retry: { maxRetries: 3, baseDelayMs: 1, maxDelayMs: 2 } });
    const e = await failure(c.sendBuffered(get(s.port, "/obj")));
    expect([e.code, e.retryable, s.seen.length]).toEqual(["PermissionDenied", false, 2]);
  });
});
