/**
 * `openUrl` (the fs and memory drivers' `fetch`): redirects are followed up to 20, each to an
 * http(s) URL only, with clear `InvalidArgument`s otherwise (no URL in the message). Content
 * encodings and the answer's headers: open-url-encoding.spec.ts.
 */
import { afterEach, describe, expect, it } from "@jest/globals";
import { openUrl } from "../src/io/open-url.js";

/** Redirects followed at most (open-url.ts `MAX_URL_REDIRECTS`, as Node's fetch). */
const MAX_URL_REDIRECTS = 20;
import { failure, reply, startTestServer, type TestServer } from "./http-test-server.js";
import { drain } from "./drain.js";

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe("openUrl: redirects", () => {
  it("follows a chain of redirects (relative and absolute) to the body", async () => {
    server = await startTestServer((req, res) => {
      if (req.url === "/a") reply(res, 301, "", { location: "/b" });
      else if (req.url === "/b") reply(res, 307, "", { location: `http://127.0.0.1:${server!.port}/c?sig=secret` });
      else reply(res, 200, "the end", { "content-type": "text/plain" });
    });
    const opened = await openUrl(`http://127.0.0.1:${server.port}/a`);
    expect((await drain(opened.body)).toString()).toBe("the end");
    expect(opened).toMatchObject({ size: 7, contentType: "text/plain" });
    expect(server.seen.map((r) => r.url)).toEqual(["/a", "/b", "/c?sig=secret"]);
  });

  it(`a redirect loop is InvalidArgument after ${MAX_URL_REDIRECTS} redirects, naming no URL`, async () => {
    server = await startTestServer((req, res) => reply(res, 302, "", { location: req.url === "/a" ? "/b?sig=secret" : "/a" }));
    const e = await failure(openUrl(`http://127.0.0.1:${server.port}/a`));
    expect(e.code).toBe("InvalidArgument");
    expect(e.message).toMatch(/redirects more than 20 times/);
    expect(e.message).not.toMatch(/secret|127\.0\.0\.1/);
    expect(server.seen).toHaveLength(MAX_URL_REDIRECTS + 1);
  });

  it("a redirect to a file:, ftp: or user:password@ URL is InvalidArgument, and nothing is read there", async () => {
    for (const location of ["file:///etc/passwd", "ftp://127.0.0.1/x", "http://user:pw@127.0.0.1:9/x"]) {
      server = await startTestServer((_req, res) => reply(res, 302, "", { location }));
      const e = await failure(openUrl(`http://127.0.0.1:${server.port}/a`));
      expect(e.code).toBe("InvalidArgument");
      expect(e.message).toMatch(/redirected to/);
      expect(e.message).not.toMatch(/passwd|pw@/);
      expect(server.seen).toHaveLength(1);
      await server.close();
      server = undefined;
    }
  });
});
