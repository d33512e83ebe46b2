import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { newStorager } from "@stowage/core";
import { startEmulator, type Emulator } from "@stowage/emulator";
import "../src/index.js";
import { useFetchSource } from "./fetch-source.js";

// QingStor URL-decodes `x-qs-fetch-source` once (both vendor SDKs rely on it: the JS SDK encodeURI()s
// every header value, the Go SDK query-escapes a value with non-ASCII), so the driver sends
// encodeURI(href). Sent as the bare href, a source path holding `%25` was fetched as another URL
// (`/a%2520b` as `/a%20b`, `/pct%25` as `/pct%`) and its bytes stored without error.

const BUCKET = "fetch-source-path";
let emulator: Emulator;
const seen: string[] = [];

const source = useFetchSource((req, res) => {
  seen.push(req.url ?? "");
  const body = Buffer.from(req.url ?? "");
  res.writeHead(200, { "content-length": String(body.length), "content-type": "text/plain" });
  res.end(body);
});

beforeAll(async () => {
  emulator = await startEmulator({ provider: "qingstor", buckets: [BUCKET] });
});

afterAll(async () => {
  await emulator.stop();
});

describe("QingStor fetch: the source is requested at the exact path and query given", () => {
  const paths = [
    "/pct%25",
    "/a%2520b",
    "/p%2Fq",
    "/q%3Fx%23y",
    "/plus+sign",
    "/plain%20space",
    "/raw space",
    "/%E4%B8%AD%E6%96%87.txt",
    "/中文/ü.bin",
    "/sig?x=a%2Bb%2F%3D&y=%25&z=a+b",
    "/mixed%25%2520+%2B%7C|^",
  ];
  it.each(paths)("%s", async (path) => {
    const url = `${source.base}${path}`;
    const expected = ((u) => u.pathname + u.search)(new URL(url));
    const store = newStorager(emulator.connectionString(BUCKET, "/p/"));
    seen.length = 0;
    await store.fetch("obj", url);
    expect(seen).toEqual([expected]);
    expect((await store.read("obj")).toString()).toBe(expected);
  });
});
