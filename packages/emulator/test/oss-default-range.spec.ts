import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { startEmulator, type Emulator } from "../src/index.js";
import { ossRequest } from "./raw-client.js";

// OSS's range guide, without `x-oss-range-behavior: standard`: a range not within 0..size-1 ("bytes=0-1000"
// on a 1,000-byte object: the end exceeds the size; "bytes=-2000": longer than the object) does not take
// effect: 200 and the whole object. With the header the range is cut to the object (206).

const BUCKET = "default-range";
const BODY = "hello world"; // 11 bytes
let oss: Emulator;

beforeAll(async () => {
  oss = await startEmulator({ provider: "oss", buckets: [BUCKET] });
  expect((await ossRequest(oss, { method: "PUT", bucket: BUCKET, key: "obj", body: BODY })).status).toBe(200);
});
afterAll(async () => {
  await oss.stop();
});

const get = (range: string, headers: Record<string, string> = {}) => ossRequest(oss, { method: "GET", bucket: BUCKET, key: "obj", headers: { range, ...headers } });

describe("oss emulator: GetObject ranges by default", () => {
  it("serves a range within the object (206)", async () => {
    const r = await get("bytes=2-10");
    expect([r.status, r.headers["content-range"], r.body]).toEqual([206, "bytes 2-10/11", "llo world"]);
  });

  it("answers 200 with the whole object for an end past the object or a suffix longer than it", async () => {
    for (const range of ["bytes=2-11", "bytes=2-100", "bytes=-12", "bytes=11-20"]) {
      const r = await get(range);
      expect([range, r.status, r.headers["content-range"], r.body]).toEqual([range, 200, undefined, BODY]);
    }
  });

  it("with x-oss-range-behavior: standard cuts the end to the object (206)", async () => {
    const r = await get("bytes=2-100", { "x-oss-range-behavior": "standard" });
    expect([r.status, r.headers["content-range"], r.body]).toEqual([206, "bytes 2-10/11", "llo world"]);
  });
});
