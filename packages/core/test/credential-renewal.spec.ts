import { Readable } from "node:stream";
import { afterEach, describe, expect, it } from "@jest/globals";
import { HttpClient, type HttpClientOptions } from "../src/http/http-client.js";
import type { HttpRequest } from "../src/http/http-request.js";
import { providedCredentialSource } from "../src/registry/provided-credential-source.js";
import { staticCredentialSource } from "../src/registry/static-credential-source.js";
import { type CredentialShape } from "../src/registry/credential-source.js";
import { SigningCredentials } from "../src/registry/signing-credentials.js";
import { failure, type Handler, reply, startTestServer, type TestServer } from "./http-test-server.js";

interface Keys {
  id: string;
  secret: string;
  expiration?: Date | number;
}

const SHAPE: CredentialShape<Keys> = {
  keys: ["id", "secret"],
  env: { accessKey: ["X_ID"], secretKey: ["X_SECRET"] },
  make: (id, secret) => ({ id, secret }),
};

const FAR = Date.now() + 24 * 3600_000;

/** A provider handing out key-1, key-2... (each a new object), counting its calls. */
function counting(): { calls: () => number; provider: () => Promise<Keys> } {
  let n = 0;
  return {
    calls: () => n,
    provider: async () => {
      n++;
      await new Promise((r) => setImmediate(r));
      return { id: `key-${n}`, secret: `secret-${n}`, expiration: FAR };
    },
  };
}

describe("providedCredentialSource: invalidate", () => {
  it("asks the provider again only when the rejected credentials are still the cached ones", async () => {
    const p = counting();
    const source = providedCredentialSource(p.provider, SHAPE);
    const first = await source.get();
    expect(await source.get()).toBe(first);
    expect(p.calls()).toBe(1);

    source.invalidate!({ ...first });
    expect(await source.get()).toBe(first);
    expect(p.calls()).toBe(1);

    source.invalidate!(first);
    const second = await source.get();
    expect(second.id).toBe("key-2");
    expect(p.calls()).toBe(2);

    source.invalidate!(first);
    expect(await source.get()).toBe(second);
    expect(p.calls()).toBe(2);
  });

  it("makes one provider call for many concurrent rejections of the same credentials", async () => {
    const p = counting();
    const source = providedCredentialSource(p.provider, SHAPE);
    const used = await source.get();
    // Some callers invalidate before any refresh started, others while it runs, others after it ended.
    const early = Array.from({ length: 4 }, () => {
      source.invalidate!(used);
      return source.get();
    });
    source.invalidate!(used);
    const during = source.get();
    const settled = await Promise.all([...early, during]);
    source.invalidate!(used);
    const late = await source.get();
    expect(p.calls()).toBe(2);
    for (const c of [...settled, late]) expect(c.id).toBe("key-2");
  });

  it("is absent on static sources", () => {
    const source = staticCredentialSource({ protocol: "hmac", accessKey: "a", secretKey: "b" }, SHAPE, undefined);
    expect(source.invalidate).toBeUndefined();
  });
});

describe("SigningCredentials", () => {
  it("drops the credentials that signed a refused request, asking `refused` only when that can help", async () => {
    const { calls, provider } = counting();
    const signing = new SigningCredentials(providedCredentialSource(provider, SHAPE));
    const first = {};
    const second = {};
    const a = await signing.for(first);
    expect(await signing.for(second)).toBe(a);
    let asked = 0;
    const refused = (answer: boolean) => () => {
      asked++;
      return answer;
    };
    expect(await signing.renew({}, refused(true))).toBe(false); // never signed here
    expect(asked).toBe(0);
    expect(await signing.renew(first, refused(false))).toBe(false); // not a credential refusal
    expect(await signing.get()).toBe(a);
    expect(await signing.renew(first, refused(true))).toBe(true);
    const b = await signing.get();
    expect(b).not.toBe(a);
    // The second request was signed with the same, already dropped credentials: no new provider call.
    expect(await signing.renew(second, refused(true))).toBe(true);
    expect(await signing.get()).toBe(b);
    expect(calls()).toBe(2);
  });

  it("never renews fixed credentials", async () => {
    const signing = new SigningCredentials(staticCredentialSource({ protocol: "hmac", accessKey: "id", secretKey: "secret" }, SHAPE, undefined, {}));
    const request = {};
    await signing.for(request);
    let asked = false;
    expect(
      await signing.renew(request, () => {
        asked = true;
        return true;
      }),
    ).toBe(false);
    expect(asked).toBe(false);
  });
});

let server: TestServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function serve(handler: Handler): Promise<TestServer> {
  server = await startTestServer(handler);
  return server;
}

function request(port: number, extra: Partial<HttpRequest> = {}): HttpRequest {
  return { method: "PUT", protocol: "http", host: "127.0.0.1", port, path: "/k", headers: {}, operation: "put_thing", body: Buffer.from("data"), ...extra };
}


/** A server accepting only requests signed with `valid()`; 403 otherwise. */
function keyServer(valid: () => string): Handler {
  return (req, res) => (req.headers["x-key"] === valid() ? reply(res, 200, "ok") : reply(res, 403, "<Error><Code>InvalidAccessKeyId</Code></Error>"));
}

/** A client signing with `key.current`, whose hook answers `answer` (for the failed status) and on true rotates to `key.next`. */
function rotatingClient(key: { current: string; next: string }, answer: boolean | ((status: number) => boolean), extra: Partial<HttpClientOptions> = {}) {
  const hooked: { key: string | undefined; status: number; code: string }[] = [];
  const client = new HttpClient({
    service: "test",
    retry: { maxRetries: 0, baseDelayMs: 1, maxDelayMs: 2 },
    random: () => 0,
    sign: (r) => void (r.headers["x-key"] = key.current),
    renewCredentials: (error, signed, response) => {
      hooked.push({ key: signed.headers["x-key"], status: response.status, code: error.code });
      const renew = typeof answer === "function" ? answer(response.status) : answer;
      if (renew) key.current = key.next;
      return renew;
    },
    ...extra,
  });
  return { client, hooked };
}

describe("HttpClient: renewCredentials hook", () => {
  it("re-signs and re-sends once at once when the hook says the credentials were renewed, without using a retry", async () => {
    const s = await serve(keyServer(() => "B"));
    const { client, hooked } = rotatingClient({ current: "A", next: "B" }, true);
    const res = await client.sendBuffered(request(s.port));
    expect(res.body.toString()).toBe("ok");
    expect(s.seen.map((r) => r.headers["x-key"])).toEqual(["A", "B"]);
    expect(s.seen.map((r) => r.body.toString())).toEqual(["data", "data"]);
    expect(hooked).toEqual([{ key: "A", status: 403, code: "PermissionDenied" }]);
  });

  it("also works between ordinary retries", async () => {
    let n = 0;
    const s = await serve((req, res) => (n++ === 0 ? reply(res, 503) : keyServer(() => "B")(req, res, n, Buffer.alloc(0))));
    const { client, hooked } = rotatingClient({ current: "A", next: "B" }, (status) => status === 403, { retry: { maxRetries: 1, baseDelayMs: 1, maxDelayMs: 2 } });
    expect((await client.sendBuffered(request(s.port))).body.toString()).toBe("ok");
    expect(s.seen.map((r) => r.headers["x-key"])).toEqual(["A", "A", "B"]);
    expect(hooked.map((h) => h.status)).toEqual([503, 403]);
  });

  it("fails with the service's error when the hook answers false", async () => {
    const s = await serve(keyServer(() => "B"));
    const { client, hooked } = rotatingClient({ current: "A", next: "B" }, false);
    const e = await failure(client.send(request(s.port)));
    expect(e).toMatchObject({ code: "PermissionDenied", statusCode: 403 });
    expect(s.seen).toHaveLength(1);
    expect(hooked).toHaveLength(1);
  });

  it("re-sends at most once per call", async () => {
    const s = await serve(keyServer(() => "never"));
    const { client, hooked } = rotatingClient({ current: "A", next: "B" }, true, { retry: { maxRetries: 3, baseDelayMs: 1, maxDelayMs: 2 } });
    const e = await failure(client.send(request(s.port)));
    expect(e.code).toBe("PermissionDenied");
    expect(s.seen.map((r) => r.headers["x-key"])).toEqual(["A", "B"]);
    expect(hooked).toHaveLength(1);
    // The next call may renew again.
    await failure(client.send(request(s.port)));
    expect(s.seen).toHaveLength(4);
    expect(hooked).toHaveLength(2);
  });

  it("treats a throwing hook as false", async () => {
    const s = await serve(keyServer(() => "B"));
    const { client } = rotatingClient({ current: "A", next: "B" }, () => {
      throw new Error("boom");
    });
    expect(await failure(client.send(request(s.port)))).toMatchObject({ code: "PermissionDenied", statusCode: 403 });
    expect(s.seen).toHaveLength(1);
  });

  it("is not called for network errors", async () => {
    const s = await serve((_req, res) => void res.socket?.destroy());
    const { client, hooked } = rotatingClient({ current: "A", next: "B" }, true);
    expect((await failure(client.send(request(s.port)))).code).toBe("ServiceInternal");
    expect(hooked).toHaveLength(0);
  });

  it("does not re-send a one-shot stream body that was already sent", async () => {
    const s = await serve(keyServer(() => "B"));
    const { client } = rotatingClient({ current: "A", next: "B" }, true);
    const e = await failure(client.send(request(s.port, { body: Readable.from([Buffer.from("once")]), headers: { "content-length": "4" } })));
    expect(e.code).toBe("PermissionDenied");
    expect(s.seen).toHaveLength(1);
  });

  it("does not re-send after the call was aborted", async () => {
    const s = await serve(keyServer(() => "B"));
    const abort = new AbortController();
    const { client } = rotatingClient({ current: "A", next: "B" }, () => {
      abort.abort();
      return true;
    });
    expect((await failure(client.send(request(s.port), { signal: abort.signal }))).code).toBe("Aborted");
    expect(s.seen).toHaveLength(1);
  });
});
