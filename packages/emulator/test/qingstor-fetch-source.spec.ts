import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { startEmulator, type Emulator } from "../src/index.js";
import { errorCode, qsRequest } from "./raw-client.js";

// `x-qs-fetch-source` is URL-decoded once, in full (decodeURIComponent), as QingStor must for both
// vendor SDKs: the JS SDK encodeURI()s every header value, and the Go SDK query-escapes a value with
// non-ASCII (`http%3A//h/%E4%B8%AD.txt`), which decodeURI left undecoded (400).

const BUCKET = "fetch-source";
let qs: Emulator;
let source: Server;
let host: string;
const seen: string[] = [];

beforeAll(async () => {
  qs = await startEmulator({ provider: "qingstor", buckets: [BUCKET] });
  source = createServer((req, res) => {
    seen.push(req.url ?? "");
    res.writeHead(200, { "content-length": "2" });
    res.end("ok");
  });
  await new Promise<void>((resolve) => source.listen(0, "127.0.0.1", resolve));
  host = `127.0.0.1:${(source.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => source.close(() => resolve()));
  await qs.stop();
});

/** A fetch into `k` with the header value as given; the path the source saw (undefined: none). */
async function fetchWith(value: string): Promise<{ status: number; code: string | undefined; path: string | undefined }> {
  seen.length = 0;
  const r = await qsRequest(qs, { method: "PUT", bucket: BUCKET, key: "k", headers: { "x-qs-fetch-source": value } });
  return { status: r.status, code: r.status >= 300 ? errorCode(r) : undefined, path: seen[0] };
}

describe("qingstor emulator: x-qs-fetch-source is decoded once", () => {
  it("takes the Go SDK's form of a URL with non-ASCII (url.QueryEscape, `/` and `=` kept)", async () => {
    // qingstor-sdk-go utils.URLQueryEscape("http://<host>/中文.txt?a=b c")
    const goForm = `http%3A//${host.replace(":", "%3A")}/%E4%B8%AD%E6%96%87.txt%3Fa=b%20c`;
    expect(await fetchWith(goForm)).toEqual({ status: 201, code: undefined, path: "/%E4%B8%AD%E6%96%87.txt?a=b%20c" });
  });

  it.each([
    ["/pct%25", "/pct%25"],
    ["/a%2520b", "/a%2520b"],
    ["/p%2Fq%3Fx", "/p%2Fq%3Fx"],
    ["/plus+sign?q=a+b%2B", "/plus+sign?q=a+b%2B"],
  ])("takes the JS SDK's (and the driver's) encodeURI form of %s", async (path, expected) => {
    expect(await fetchWith(encodeURI(`http://${host}${path}`))).toEqual({ status: 201, code: undefined, path: expected });
  });

  it.each([
    ["a value that does not decode", "http://127.0.0.1/%E4%B8"],
    ["a bare %", "http://127.0.0.1/100%"],
    ["a value that is no http(s) URL once decoded", "ftp%3A//127.0.0.1/x"],
    ["a relative path", "%2Fx"],
  ])("refuses %s with 400 invalid_argument, fetching nothing", async (_what, value) => {
    expect(await fetchWith(value)).toEqual({ status: 400, code: "invalid_argument", path: undefined });
  });
});
