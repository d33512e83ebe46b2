import { describe, expect, it } from "@jest/globals";
import type { Emulator } from "../src/index.js";
import { threeBuckets, useThreeEmulators } from "./three-emulators.js";
import { cosRequest, ossRequest, qsRequest, type RawRequest, type RawResponse } from "./raw-client.js";

// RFC 7232 §4.1: a 304 carries the ETag (and Cache-Control, Expires) a 200 would have; S3-family
// services also send Last-Modified. RFC 7233 §4.4: a 416 carries `Content-Range: bytes */<size>`.

const BODY = "eleven byte";
let cos: Emulator;
let oss: Emulator;
let qs: Emulator;

useThreeEmulators(threeBuckets("answers"), (e) => ({ cos, oss, qs } = e));

interface Flavour {
  name: string;
  send: (r: Omit<RawRequest, "bucket">) => Promise<RawResponse>;
  /** Headers that make ranges strict (OSS: `x-oss-range-behavior: standard`). */
  strict: Record<string, string>;
}

const FLAVOURS: Flavour[] = [
  { name: "cos", send: (r) => cosRequest(cos, { ...r, bucket: "answers-1250000000" }), strict: {} },
  { name: "oss", send: (r) => ossRequest(oss, { ...r, bucket: "answers-oss" }), strict: { "x-oss-range-behavior": "standard" } },
  { name: "qingstor", send: (r) => qsRequest(qs, { ...r, bucket: "answers-qs" }), strict: {} },
];

describe.each(FLAVOURS)("$name emulator: headers of 304 and 416 answers", ({ send, strict }) => {
  it("a 304 carries the ETag, Last-Modified and Cache-Control a 200 would have", async () => {
    const put = await send({ method: "PUT", key: "obj", body: BODY, headers: { "cache-control": "max-age=60" } });
    expect(put.status).toBeLessThan(300);
    const full = await send({ method: "GET", key: "obj" });
    expect(full.status).toBe(200);
    const etag = full.headers["etag"] as string;
    for (const [method, headers] of [
      ["GET", { "if-none-match": etag }],
      ["HEAD", { "if-modified-since": new Date(Date.now() + 3_600_000).toUTCString() }],
    ] as const) {
      const r = await send({ method, key: "obj", headers });
      expect([method, r.status, r.body]).toEqual([method, 304, ""]);
      expect(r.headers["etag"]).toBe(etag);
      expect(r.headers["last-modified"]).toBe(full.headers["last-modified"]);
      expect(r.headers["cache-control"]).toBe("max-age=60");
    }
  });

  it("a 416 carries Content-Range: bytes */<size>", async () => {
    expect((await send({ method: "PUT", key: "ranged", body: BODY })).status).toBeLessThan(300);
    const r = await send({ method: "GET", key: "ranged", headers: { range: "bytes=11-20", ...strict } });
    expect(r.status).toBe(416);
    expect(r.headers["content-range"]).toBe(`bytes */${BODY.length}`);
  });
});
