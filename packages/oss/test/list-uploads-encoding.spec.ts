import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "@jest/globals";
import { newStorager, type Storager } from "@stowage/core";
import { startEmulator, type Emulator } from "@stowage/emulator";
import "../src/index.js";

// The driver lists multipart uploads with `encoding-type=url` and decodes the keys and the next
// key marker when the answer says `<EncodingType>url</EncodingType>`, as OSS's does. The emulator
// ignored the parameter, so that decoding ran against OSS only; it now encodes as OSS does, and a
// key with control characters (which XML 1.0 cannot carry raw) lists at all.

const BUCKET = "uploads-encoding";
const KEYS = ["u/a b+c%d&e<f>'\"", "u/ctl\u0001\u001f\u007f", "u/tab\tnew\nline\r", "u/中文/ü", "u/%2F%25+", "u/\u{1F600}"];

let emulator: Emulator;
let proxy: http.Server;
let store: Storager;
/** The bodies of the ListMultipartUploads answers that went through the proxy. */
const answers: string[] = [];

beforeAll(async () => {
  emulator = await startEmulator({ provider: "oss", buckets: [BUCKET] });
  // A pass-through proxy that keeps the upload listings' answers, to show what the driver decoded.
  proxy = http.createServer((req, res) => {
    const up = http.request({ host: "127.0.0.1", port: emulator.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
      const chunks: Buffer[] = [];
      answer.on("data", (c: Buffer) => chunks.push(c));
      answer.on("end", () => {
        const body = Buffer.concat(chunks);
        if (req.method === "GET" && /[?&]uploads(&|$)/.test(req.url ?? "")) answers.push(body.toString("utf8"));
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        res.end(body);
      });
    });
    up.on("error", (e) => res.destroy(e));
    req.pipe(up);
  });
  await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
  const conn = emulator.connectionString(BUCKET, "/");
  store = newStorager(conn.replace(`127.0.0.1:${emulator.port}`, `127.0.0.1:${(proxy.address() as AddressInfo).port}`));
  for (const k of KEYS) await store.createMultipart(k);
});
afterAll(async () => {
  await new Promise<void>((resolve) => {
    proxy.closeAllConnections();
    proxy.close(() => resolve());
  });
  await emulator.stop();
});
beforeEach(() => {
  answers.length = 0;
});

/** Every upload listing answered says `<EncodingType>url</EncodingType>`, and no key went raw. */
function expectEncodedAnswers(): void {
  expect(answers.length).toBeGreaterThan(0);
  for (const a of answers) {
    expect(a).toContain("<EncodingType>url</EncodingType>");
    expect(a).not.toMatch(/中文|&amp;|&lt;|\u0001|<Key>u\//);
  }
}

const byteOrder = (a: string, b: string): number => Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));

describe("oss: multipart uploads of keys that need URL encoding list as their keys", () => {
  it("in one page", async () => {
    const paths: string[] = [];
    for await (const o of store.list("u/", { mode: "part" })) paths.push(o.path);
    expect(paths).toEqual([...KEYS].sort(byteOrder));
    expectEncodedAnswers();
  });

  it("a page at a time (the next key marker is decoded before it is sent back)", async () => {
    const paths: string[] = [];
    let token: string | undefined;
    for (let pages = 0; pages <= KEYS.length; pages++) {
      const page = await store.listPage("u/", { mode: "part", limit: 1, ...(token === undefined ? {} : { token }) });
      paths.push(...page.items.map((o) => o.path));
      token = page.nextToken;
      if (token === undefined) break;
    }
    expect(paths).toEqual([...KEYS].sort(byteOrder));
    expect(answers.length).toBe(KEYS.length);
    expectEncodedAnswers();
  });
});
