/**
 * fs `fetch` stores the bytes as the server sent them: a body sent with `Content-Encoding: gzip`
 * keeps its gzip bytes (not decoded); a body only labelled gzip is stored as it is (fs keeps no
 * object headers).
 */
import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "@jest/globals";
import { sandbox, type Sandbox } from "./setup.js";

const gzipped = gzipSync(Buffer.from("hello hello hello ".repeat(100)));
const labelOnly = randomBytes(1000);

let s: Sandbox;
let server: Server;
let base = "";

beforeAll(async () => {
  server = createServer((req, res) => {
    const body = req.url === "/real.gz" ? gzipped : labelOnly;
    res.writeHead(200, { "content-encoding": "gzip", "content-length": String(body.length) });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});
beforeEach(async () => {
  s = await sandbox();
});
afterEach(async () => {
  await s.cleanup();
});

describe("fs fetch: the bytes as served", () => {
  it("a gzip body sent with Content-Encoding: gzip is stored as those gzip bytes", async () => {
    await s.driver.fetch(s.key("real.gz"), `${base}/real.gz`, {});
    expect((await readFile(join(s.root, "real.gz"))).equals(gzipped)).toBe(true);
  });

  it("a body only labelled gzip is stored as it is", async () => {
    await s.driver.fetch(s.key("label.bin"), `${base}/label.bin`, {});
    expect((await readFile(join(s.root, "label.bin"))).equals(labelOnly)).toBe(true);
  });
});
