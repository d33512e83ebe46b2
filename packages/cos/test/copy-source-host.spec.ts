import { describe, expect, it } from "@jest/globals";
import { createStorager, mergePairs, parseEndpoint } from "@stowage/core";
import { bucketAddress, type BucketAddress } from "../src/addressing.js";
import { CosClient } from "../src/client.js";
import { staticCredentials } from "../src/credentials.js";
import { cosService } from "../src/index.js";
import { CosStorageDriver } from "../src/storager.js";
import { errorXml, rawServer, type RawAnswer } from "./raw-server.js";

// Through COS's global acceleration endpoint the bucket's host names no region; the copy source
// (single copies and every range of a multipart copy) names the region host COS documents.

const MiB = 1024 * 1024;
const REGION_HOST = "b-125.cos.ap-beijing.myqcloud.com";

describe("cos copy source through the acceleration endpoint", () => {
  it("bucketAddress gives the region host for copy sources when the location is known", () => {
    expect(bucketAddress("b-125", "ap-beijing", { endpoint: parseEndpoint("https:cos.accelerate.myqcloud.com") })).toEqual({
      protocol: "https",
      host: "b-125.cos.accelerate.myqcloud.com",
      pathPrefix: "",
      copySourceHost: REGION_HOST,
    });
  });

  it.each([
    ["a single copy", Number.MAX_SAFE_INTEGER, "PUT /b-125/dst"],
    ["a multipart copy", 1, "PUT /b-125/dst?partNumber=1"],
  ])("%s sends x-cos-copy-source naming the region host, not the host requests go to", async (_name, copyThreshold, sent) => {
    const server = await rawServer((req): RawAnswer => {
      if (req.method === "HEAD") return { headers: { "content-length": String(2 * MiB), etag: '"e"', "x-cos-hash-crc64ecma": "1" } };
      if (req.method === "POST" && req.url.searchParams.has("uploads")) return { body: "<InitiateMultipartUploadResult><UploadId>U1</UploadId></InitiateMultipartUploadResult>" };
      if (req.method === "DELETE") return { status: 204 };
      return { status: 400, headers: { "content-type": "application/xml" }, body: errorXml("InvalidRequest", "stop here") };
    });
    try {
      // What bucketAddress gives for the acceleration endpoint, with the requests sent to the scripted server.
      const address: BucketAddress = { protocol: "http", host: "127.0.0.1", port: server.port, pathPrefix: "/b-125", copySourceHost: REGION_HOST };
      const client = new CosClient(address, staticCredentials({ protocol: "hmac", accessKey: "AK", secretKey: "SK" }, undefined), { retry: { maxRetries: 0 } });
      const driver = new CosStorageDriver(client, "b-125", "ap-beijing", true, { copyThreshold, copyPartSize: MiB });
      const store = createStorager(driver, { definition: cosService, config: { name: "b-125", workDir: "/" }, pairs: mergePairs(cosService), defaults: {}, loose: false });
      await expect(store.copy("d/src 1", "dst")).rejects.toMatchObject({ code: "InvalidArgument" });
      const copies = server.requests.filter((r) => r.headers["x-cos-copy-source"] !== undefined);
      expect(copies.length).toBeGreaterThan(0);
      expect(`${copies[0]!.method} ${copies[0]!.url.pathname}${copies[0]!.url.search.replace(/&uploadId=U1$/, "")}`).toBe(sent);
      for (const r of copies) expect(r.headers["x-cos-copy-source"]).toBe(`${REGION_HOST}/d/src%201`);
    } finally {
      await server.stop();
    }
  });
});
