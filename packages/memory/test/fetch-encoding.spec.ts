/**
 * memory `fetch` stores the bytes as the server sent them: a body sent with `Content-Encoding:
 * gzip` keeps its gzip bytes (not decoded) and the label as the object's `contentEncoding`; a body
 * only labelled gzip is stored as it is. The answer's Cache-Control, Content-Disposition and
 * Expires are kept too (as a copy keeps them), and an answer without them leaves them unset.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { newStorager } from "@stowage/core";
import "../src/index.js";

const text = Buffer.from("hello hello hello ".repeat(100));
const gzipped = gzipSync(text);
const labelOnly = randomBytes(1000);
const served: Record<string, { body: Buffer; headers: Record<string, string> }> = {
  "/real.gz": { body: gzipped, headers: { "content-type": "text/plain", "content-encoding": "gzip" } },
  "/label.bin": { body: labelOnly, headers: { "content-encoding": "gzip" } },
  "/headers": {
    body: text,
    headers: { "cache-control": "public, max-age=60", "content-disposition": 'attachment; filename="a.txt"', expires: "Fri, 01 Jan 2027 00:00:00 GMT" },
  },
  "/plain": { body: text, headers: {} },
};

let server: Server;
let base = "";

beforeAll(async () => {
  server = createServer((req, res) => {
    const answer = served[req.url ?? ""];
    if (answer === undefined) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { ...answer.headers, "content-length": String(answer.body.length) });
    res.end(answer.body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const open = () => newStorager(`memory://fetch-encoding-${randomUUID()}/`);

describe("memory fetch: the bytes as served", () => {
  it("a gzip body sent with Content-Encoding: gzip is stored as those gzip bytes, labelled gzip", async () => {
    const s = open();
    await s.fetch("real.gz", `${base}/real.gz`);
    expect((await s.read("real.gz")).equals(gzipped)).toBe(true);
    const info = await s.stat("real.gz");
    expect(info).toMatchObject({ size: gzipped.length, contentEncoding: "gzip", contentType: "text/plain" });
  });

  it("a body only labelled gzip is stored as it is, labelled gzip", async () => {
    const s = open();
    await s.fetch("label.bin", `${base}/label.bin`);
    expect((await s.read("label.bin")).equals(labelOnly)).toBe(true);
    expect((await s.stat("label.bin")).contentEncoding).toBe("gzip");
  });

  it("keeps the answer's Cache-Control, Content-Disposition and Expires; sets none the answer lacks", async () => {
    const s = open();
    await s.fetch("with", `${base}/headers`);
    expect(await s.stat("with")).toMatchObject({
      cacheControl: "public, max-age=60",
      contentDisposition: 'attachment; filename="a.txt"',
      httpExpires: "Fri, 01 Jan 2027 00:00:00 GMT",
    });
    await s.fetch("without", `${base}/plain`);
    const plain = await s.stat("without");
    for (const field of ["cacheControl", "contentDisposition", "contentEncoding", "httpExpires"] as const) expect(plain[field]).toBeUndefined();
  });
});
