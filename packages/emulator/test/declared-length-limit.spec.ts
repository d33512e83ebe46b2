import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { startEmulator, type Emulator } from "../src/index.js";
import { cosRequest, errorCode, ossRequest } from "./raw-client.js";

// A body over a request's limit (5 GB for a PUT, a part, an append) is refused from its declared
// Content-Length, as the services refuse it, before any of it is read: the answer comes while the
// client still holds the body, and the connection is then closed rather than the rest read.

const OVER_5_GIB = String(5 * 1024 ** 3 + 1);
const COS_BUCKET = "limits-1250000000";
const OSS_BUCKET = "limits-oss";
let cos: Emulator;
let oss: Emulator;

beforeAll(async () => {
  [cos, oss] = await Promise.all([startEmulator({ provider: "cos", buckets: [COS_BUCKET] }), startEmulator({ provider: "oss", buckets: [OSS_BUCKET] })]);
});
afterAll(async () => {
  await Promise.all([cos.stop(), oss.stop()]);
});

/** A body whose rest is never sent: the answer must come from the headers alone. */
const held = { bytes: 10, release: new Promise<never>(() => undefined) };

describe("declared Content-Length over the limit", () => {
  it("COS PUT Object: 400 EntityTooLarge before the body arrives, nothing stored", async () => {
    const r = await cosRequest(cos, { method: "PUT", bucket: COS_BUCKET, key: "huge", headers: { "content-length": OVER_5_GIB }, body: Buffer.alloc(10), hold: held });
    expect([r.status, errorCode(r), r.headers["connection"]]).toEqual([400, "EntityTooLarge", "close"]);
    expect((await cosRequest(cos, { method: "HEAD", bucket: COS_BUCKET, key: "huge" })).status).toBe(404);
  });

  it("OSS UploadPart: 400 EntityTooLarge before the body arrives, no part stored", async () => {
    const init = await ossRequest(oss, { method: "POST", bucket: OSS_BUCKET, key: "huge", query: [["uploads", undefined]] });
    const id = /<UploadId>([^<]+)<\/UploadId>/.exec(init.body)![1]!;
    const r = await ossRequest(oss, {
      method: "PUT",
      bucket: OSS_BUCKET,
      key: "huge",
      query: [["partNumber", "1"], ["uploadId", id]],
      headers: { "content-length": OVER_5_GIB },
      body: Buffer.alloc(10),
      hold: held,
    });
    expect([r.status, errorCode(r)]).toEqual([400, "EntityTooLarge"]);
    const parts = await ossRequest(oss, { method: "GET", bucket: OSS_BUCKET, key: "huge", query: [["uploadId", id]] });
    expect(parts.body).not.toContain("<Part>");
  });
});
