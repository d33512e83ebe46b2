import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { parseEndpoint, type Part } from "@stowage/core";
import { zoneAddress } from "../src/addressing.js";
import { QingStorClient } from "../src/client.js";
import { completeUpload } from "../src/multipart.js";

// A Complete whose first attempt failed with a 5xx (it may have been applied) and whose retry finds
// no upload is judged by a HEAD of the object (core judgeLostComplete). A server that answers that
// HEAD with a weak ETag (`W/"…"`) still names the ETag the Complete sent.

const BUCKET = "weak-etag";
const PARTS: Part[] = [
  { index: 0, size: 5, etag: '"5d41402abc4b2a76b9719d911017c592"' },
  { index: 1, size: 3, etag: '"acbd18db4cc2f85cedef654fccc4a4d8"' },
];

let server: Server;
let client: QingStorClient;
/** Size the HEAD answers with. */
let headSize = 8;
/** The ETag the last Complete sent. */
let sentEtag: string | undefined;
let completes = 0;

function answer(req: IncomingMessage, res: ServerResponse): void {
  req.resume();
  req.on("end", () => {
    if (req.method === "POST" && /[?&]upload_id=/.test(req.url ?? "")) {
      sentEtag = req.headers["etag"] as string | undefined;
      completes++;
      const first = completes % 2 === 1;
      const body = JSON.stringify(first ? { code: "internal_error", message: "boom" } : { code: "upload_not_exists", message: "The upload does not exist." });
      res.writeHead(first ? 500 : 404, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
      res.end(body);
      return;
    }
    if (req.method === "HEAD") {
      res.writeHead(200, { etag: `W/${sentEtag ?? '""'}`, "content-length": String(headSize), "content-type": "application/octet-stream" });
      res.end();
      return;
    }
    res.writeHead(400, { "content-length": "0" });
    res.end();
  });
}

beforeAll(async () => {
  server = createServer(answer);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  client = new QingStorClient(zoneAddress("pek3a", parseEndpoint(`http:127.0.0.1:${port}`)), BUCKET, { accessKeyId: "AK", secretAccessKey: "SK" }, { retry: { baseDelayMs: 1, maxDelayMs: 2 } });
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe("qingstor: a lost Complete judged by a HEAD that answers a weak ETag", () => {
  it("succeeds when the weak ETag is the one sent and the size the parts' total", async () => {
    headSize = 8;
    const result = await completeUpload(client, "k", "up-1", PARTS, {}, true);
    expect(sentEtag).toMatch(/^"[0-9a-f]{32}-2"$/);
    expect(result).toEqual({ etag: sentEtag });
  });

  it("keeps the 404 when the object's size is not the parts' total", async () => {
    headSize = 9;
    await expect(completeUpload(client, "k", "up-2", PARTS, {}, true)).rejects.toMatchObject({ code: "ObjectNotExist", statusCode: 404, serviceCode: "upload_not_exists" });
  });
});
