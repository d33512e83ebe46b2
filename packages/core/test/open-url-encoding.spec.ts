/**
 * `openUrl` (the fs and memory drivers' `fetch`) reads the bytes as the server sent them: the
 * request asks for them as they are (`Accept-Encoding: identity`), and a body sent with a
 * `Content-Encoding` (really encoded, or only labelled) is never decoded. `size` is the
 * Content-Length; `headers` carries the answer's object headers that a write would take. Errors
 * name no part of the URL (a presigned URL's query holds its signature).
 */
import { randomBytes } from "node:crypto";
import { inspect } from "node:util";
import { brotliCompressSync, deflateSync, gzipSync } from "node:zlib";
import { afterEach, describe, expect, it } from "@jest/globals";
import { openUrl } from "../src/io/open-url.js";
import { failure, reply, startTestServer, type TestServer } from "./http-test-server.js";
import { drain } from "./drain.js";

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const data = Buffer.from("a body a server could compress ".repeat(200));

describe("openUrl: content encoding", () => {
  it("asks for the bytes as they are (Accept-Encoding: identity): a server that negotiates sends them, with their size", async () => {
    server = await startTestServer((req, res) => {
      const gzip = /gzip/.test(String(req.headers["accept-encoding"] ?? ""));
      if (gzip) reply(res, 200, gzipSync(data), { "content-encoding": "gzip" });
      else reply(res, 200, data);
    });
    const opened = await openUrl(`http://127.0.0.1:${server.port}/x`);
    expect(server.seen[0]!.headers["accept-encoding"]).toBe("identity");
    expect(opened.size).toBe(data.length);
    expect(opened.headers).toEqual({});
    expect((await drain(opened.body)).equals(data)).toBe(true);
  });

  it.each([
    ["gzip", gzipSync(data)],
    ["deflate", deflateSync(data)],
    ["br", brotliCompressSync(data)],
  ])("a body sent with Content-Encoding: %s is read as sent, not decoded, with its size and the label", async (encoding, encoded) => {
    server = await startTestServer((_req, res) => reply(res, 200, encoded, { "content-encoding": encoding, "content-type": "text/plain" }));
    const opened = await openUrl(`http://127.0.0.1:${server.port}/x`);
    expect(opened.size).toBe(encoded.length);
    expect(opened.contentType).toBe("text/plain");
    expect(opened.headers).toEqual({ contentEncoding: encoding });
    expect((await drain(opened.body)).equals(encoded)).toBe(true);
  });

  it("a body only labelled gzip (not gzip data) is read as sent, not refused", async () => {
    const raw = randomBytes(1000);
    server = await startTestServer((_req, res) => reply(res, 200, raw, { "content-encoding": "gzip" }));
    const opened = await openUrl(`http://127.0.0.1:${server.port}/x`);
    expect((await drain(opened.body)).equals(raw)).toBe(true);
    expect(opened.headers.contentEncoding).toBe("gzip");
  });
});

describe("openUrl: the answer's object headers", () => {
  it("reports Cache-Control, Content-Disposition, Content-Encoding and Expires as sent", async () => {
    const sent = {
      "cache-control": "public, max-age=86400",
      "content-disposition": 'attachment; filename="report.csv"',
      "content-encoding": "identity",
      expires: "Fri, 01 Jan 2027 00:00:00 GMT",
    };
    server = await startTestServer((_req, res) => reply(res, 200, data, sent));
    const opened = await openUrl(`http://127.0.0.1:${server.port}/x`);
    await drain(opened.body);
    expect(opened.headers).toEqual({
      cacheControl: sent["cache-control"],
      contentDisposition: sent["content-disposition"],
      contentEncoding: "identity",
      httpExpires: sent.expires,
    });
  });

  it("leaves out a value a write would refuse (beyond printable ASCII, longer than 4,096 characters)", async () => {
    // Written raw: a UTF-8 file name as it often comes, which Node's client reads as latin1.
    const head = ["HTTP/1.1 200 OK", "content-length: 3", 'content-disposition: attachment; filename="r\u00c3\u00a9sum\u00c3\u00a9.pdf"', `cache-control: ${"x".repeat(5000)}`, "content-encoding: gzip"];
    server = await startTestServer((_req, res) => void res.socket?.end(Buffer.from(head.join("\r\n") + "\r\n\r\nabc", "latin1")));
    const opened = await openUrl(`http://127.0.0.1:${server.port}/x`);
    expect((await drain(opened.body)).toString()).toBe("abc");
    expect(opened.headers).toEqual({ contentEncoding: "gzip" });
  });
});

describe("openUrl: errors name no part of the URL", () => {
  it("a connection dropped before the answer and a 5xx are each a retryable ServiceInternal; neither shows the query", async () => {
    server = await startTestServer((req, res) => {
      if (req.url?.startsWith("/drop")) res.socket?.destroy();
      else reply(res, 503, "");
    });
    const dropped = await failure(openUrl(`http://127.0.0.1:${server.port}/drop?sig=s3cretSignature`));
    expect(dropped.code).toBe("ServiceInternal");
    expect(dropped.retryable).toBe(true);
    const failed = await failure(openUrl(`http://127.0.0.1:${server.port}/fail?sig=s3cretSignature`));
    expect(failed.code).toBe("ServiceInternal");
    for (const e of [dropped, failed]) {
      expect(inspect(e, { depth: 8 })).not.toMatch(/s3cretSignature|\/drop|\/fail/);
      expect(JSON.stringify(e)).not.toMatch(/s3cretSignature/);
    }
  });

  it("a body that breaks off fails the body stream, naming no part of the URL", async () => {
    server = await startTestServer((_req, res) => {
      res.writeHead(200, { "content-length": "100" });
      res.write("x".repeat(10), () => res.socket?.destroy());
    });
    const opened = await openUrl(`http://127.0.0.1:${server.port}/obj?sig=s3cretSignature`);
    expect(opened.size).toBe(100);
    const error = await drain(opened.body).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeDefined(); // the drivers report it as a retryable ServiceInternal
    expect(inspect(error, { depth: 8 })).not.toMatch(/s3cretSignature/);
  });
});
