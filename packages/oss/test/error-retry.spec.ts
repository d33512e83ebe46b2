import http from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "@jest/globals";
import { newStorager } from "@stowage/core";
import "../src/index.js";
import { ossError } from "../src/errors.js";

/** Runs `body` against a raw 127.0.0.1 server answering every request with `status` and `xml`; returns how many requests it got. */
async function withServer(status: number, xml: string, body: (endpoint: string) => Promise<void>): Promise<number> {
  let hits = 0;
  const server = http.createServer((req, res) => {
    hits++;
    req.resume();
    req.on("end", () => {
      res.writeHead(status, { "content-type": "application/xml", "x-oss-request-id": `r${hits}` });
      res.end(xml);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  try {
    await body(`http:127.0.0.1:${(server.address() as AddressInfo).port}`);
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
  return hits;
}

const errorXml = (code: string): string => `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>m</Message><RequestId>r</RequestId></Error>`;

describe("OSS errors: what is worth a retry", () => {
  it("a 501 (NotImplemented or bare) and a 505 are final", () => {
    expect(ossError(501, { code: "NotImplemented" }, "put_object", "r")).toMatchObject({ code: "CapabilityInsufficient", retryable: false });
    expect(ossError(501, undefined, "head_object", "r")).toMatchObject({ code: "CapabilityInsufficient", retryable: false });
    expect(ossError(505, undefined, "head_object", "r")).toMatchObject({ code: "ServiceInternal", retryable: false });
    expect(ossError(500, { code: "InternalError" }, "put_object", "r")).toMatchObject({ code: "ServiceInternal", retryable: true });
    expect(ossError(502, undefined, "put_object", "r")).toMatchObject({ code: "ServiceInternal", retryable: true });
    expect(ossError(503, { code: "ServiceUnavailable" }, "put_object", "r")).toMatchObject({ code: "ServiceInternal", retryable: true });
    expect(ossError(503, { code: "SlowDown" }, "put_object", "r")).toMatchObject({ code: "RequestThrottled", retryable: true });
  });

  it("IncompleteBody (OSS got fewer bytes than Content-Length) is a retryable transport failure, not an integrity one", () => {
    expect(ossError(400, { code: "IncompleteBody" }, "put_object", "r")).toMatchObject({ code: "ServiceInternal", retryable: true });
  });

  it("a 501 NotImplemented is sent once", async () => {
    let caught: unknown;
    const hits = await withServer(501, errorXml("NotImplemented"), async (endpoint) => {
      const store = newStorager(`oss://bkt-one/?credential=hmac:ak:sk&endpoint=${endpoint}&max_retries=3&retry_base_delay=1ms&retry_max_delay=2ms`);
      caught = await store.write("a.txt", "x").catch((e: unknown) => e);
    });
    expect(caught).toMatchObject({ code: "CapabilityInsufficient", retryable: false, statusCode: 501 });
    expect(hits).toBe(1);
  });

  it("an IncompleteBody is retried", async () => {
    let caught: unknown;
    const hits = await withServer(400, errorXml("IncompleteBody"), async (endpoint) => {
      const store = newStorager(`oss://bkt-one/?credential=hmac:ak:sk&endpoint=${endpoint}&max_retries=2&retry_base_delay=1ms&retry_max_delay=2ms`);
      caught = await store.write("a.txt", "x").catch((e: unknown) => e);
    });
    expect(caught).toMatchObject({ code: "ServiceInternal", statusCode: 400 });
    expect(hits).toBe(3);
  });
});
