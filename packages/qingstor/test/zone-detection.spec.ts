import { describe, expect, it } from "@jest/globals";
import { HttpClient, isStorageError, parseEndpoint } from "@stowage/core";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { bucketAddress, inZone, type QingStorAddress } from "../src/addressing.js";
import { QingStorClient } from "../src/client.js";
import type { QsCall } from "../src/requests.js";
import { detectZone, zoneFromLocation } from "../src/zone-detection.js";

const CREDS = { accessKeyId: "AK", secretAccessKey: "SK" };
const NO_RETRY = { retry: { maxRetries: 0 } };

async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ server: Server; address: QingStorAddress; close(): Promise<void> }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address: QingStorAddress = { protocol: "http", host: "127.0.0.1", port: (server.address() as AddressInfo).port };
  return { server, address, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

describe("zoneFromLocation", () => {
  it("takes the first label of the redirect's host, or the second after the bucket", () => {
    expect(zoneFromLocation("https://pek3b.qingstor.com/my-bucket", "my-bucket")).toBe("pek3b");
    expect(zoneFromLocation("https://my-bucket.sh1a.qingstor.com/", "my-bucket")).toBe("sh1a");
    expect(zoneFromLocation("http://GD2.QingStor.com:8080/my-bucket", "my-bucket")).toBe("gd2");
  });

  it("finds no zone in a missing, malformed or zone-less location", () => {
    for (const location of [undefined, "", "not a url", "/my-bucket", "https://qingstor.com/my-bucket", "https://my-bucket.qingstor.com/", "http://10.0.0.1/my-bucket", "https://localhost/x", "https://bad_zone.qingstor.com/b"]) {
      expect(zoneFromLocation(location, "my-bucket")).toBeUndefined();
    }
  });
});

describe("bucketAddress / inZone", () => {
  it("detects the zone only when no location is given and the host is not an IP or localhost", () => {
    expect(bucketAddress("pek3b", undefined)).toEqual({ address: { protocol: "https", host: "pek3b.qingstor.com" }, detectZone: false });
    expect(bucketAddress(undefined, undefined)).toEqual({ address: { protocol: "https", host: "qingstor.com" }, detectZone: true });
    expect(bucketAddress("", parseEndpoint("https:qingstor.com"))).toEqual({ address: { protocol: "https", host: "qingstor.com" }, detectZone: true });
    expect(bucketAddress(undefined, parseEndpoint("http:127.0.0.1:9000"))).toEqual({ address: { protocol: "http", host: "127.0.0.1", port: 9000 }, detectZone: false });
    expect(bucketAddress(undefined, parseEndpoint("https:storage.example.com:8443"))).toEqual({
      address: { protocol: "https", host: "storage.example.com", port: 8443 },
      detectZone: true,
    });
  });

  it("puts the zone in front of a named host once", () => {
    expect(inZone({ protocol: "https", host: "qingstor.com" }, "pek3b")).toEqual({ protocol: "https", host: "pek3b.qingstor.com" });
    expect(inZone({ protocol: "https", host: "pek3b.qingstor.com" }, "pek3b")).toEqual({ protocol: "https", host: "pek3b.qingstor.com" });
    expect(inZone({ protocol: "http", host: "127.0.0.1", port: 9 }, "pek3b")).toEqual({ protocol: "http", host: "127.0.0.1", port: 9 });
  });

  it("moves a zone host of qingstor.com to the other zone's host, and keeps a private host's labels", () => {
    expect(inZone({ protocol: "https", host: "pek3b.qingstor.com" }, "sh1a")).toEqual({ protocol: "https", host: "sh1a.qingstor.com" });
    expect(inZone({ protocol: "https", host: "storage.example.com", port: 8443 }, "sh1a")).toEqual({ protocol: "https", host: "sh1a.storage.example.com", port: 8443 });
  });
});

describe("detectZone", () => {
  it("asks with an anonymous HEAD /<bucket> and reads the zone from a 301", async () => {
    const seen: Array<{ method?: string; url?: string; authorization?: string }> = [];
    const srv = await serve((req, res) => {
      seen.push({ method: req.method, url: req.url, authorization: req.headers.authorization });
      res.writeHead(301, { location: "https://pek3b.qingstor.com/my-bucket" }).end();
    });
    try {
      const http = new HttpClient({ service: "qingstor", ...NO_RETRY });
      expect(await detectZone(http, srv.address, "my-bucket")).toBe("pek3b");
      expect(seen).toEqual([{ method: "HEAD", url: "/my-bucket", authorization: undefined }]);
    } finally {
      await srv.close();
    }
  });

  it("finds no zone when the host answers anything but a redirect", async () => {
    for (const status of [200, 403, 404]) {
      const srv = await serve((_req, res) => res.writeHead(status).end());
      try {
        expect(await detectZone(new HttpClient({ service: "qingstor", ...NO_RETRY }), srv.address, "my-bucket")).toBeUndefined();
      } finally {
        await srv.close();
      }
    }
  });

  it("retries a 5xx or 429 like any request, then fails, rather than taking it for no zone", async () => {
    for (const [status, code] of [[500, "ServiceInternal"], [503, "RequestThrottled"], [429, "RequestThrottled"]] as const) {
      let heads = 0;
      const srv = await serve((_req, res) => {
        heads++;
        res.writeHead(status).end();
      });
      try {
        const http = new HttpClient({ service: "qingstor", retry: { maxRetries: 1, baseDelayMs: 1, maxDelayMs: 1 } });
        const error = await detectZone(http, srv.address, "my-bucket").catch((e: unknown) => e);
        expect(isStorageError(error, code)).toBe(true);
        expect(heads).toBe(2);
      } finally {
        await srv.close();
      }
    }
  });

  it("fails with ServiceInternal when the host cannot be reached", async () => {
    const srv = await serve((_req, res) => res.end());
    const address = srv.address;
    await srv.close();
    const error = await detectZone(new HttpClient({ service: "qingstor", ...NO_RETRY }), address, "my-bucket").catch((e: unknown) => e);
    expect(isStorageError(error, "ServiceInternal")).toBe(true);
  });
});

describe("QingStorClient with zone detection", () => {
  /** A zone-less host that redirects HEAD /my-bucket and serves signed GETs; `dropHeads` first HEADs are cut off. */
  async function zoneServer(dropHeads = 0) {
    const heads: number[] = [];
    const gets: string[] = [];
    let dropped = 0;
    const srv = await serve((req, res) => {
      if (req.method === "HEAD") {
        heads.push(Date.now());
        if (dropped++ < dropHeads) return void req.socket.destroy();
        return void res.writeHead(301, { location: "https://pek3b.qingstor.com/my-bucket" }).end();
      }
      gets.push(`${req.method} ${req.url} ${req.headers.authorization?.startsWith("QS AK:") ? "signed" : "unsigned"}`);
      res.writeHead(200, { "content-type": "application/json" }).end("{}");
    });
    return { srv, heads, gets };
  }

  it("asks once, on first use, for all calls meanwhile, then sends to the zone", async () => {
    const { srv, heads, gets } = await zoneServer();
    try {
      const client = new QingStorClient(srv.address, "my-bucket", CREDS, NO_RETRY, true);
      await new Promise((r) => setTimeout(r, 20));
      expect(heads).toHaveLength(0); // nothing before the first call
      const call: QsCall = { operation: "get_object", method: "GET", key: "k", query: [], headers: {} };
      const answers = await Promise.all([client.sendBuffered(call), client.sendBuffered(call), client.sendBuffered(call)]);
      expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
      await client.sendBuffered(call);
      expect(heads).toHaveLength(1);
      expect(gets).toEqual(Array(4).fill("GET /my-bucket/k signed"));
      expect(client.zone).toBe("pek3b");
      expect(client.address).toEqual(srv.address); // an IP host takes no zone label
      const presigned = await client.presign(call, 60);
      expect(new URL(presigned.url).host).toBe(`127.0.0.1:${srv.address.port}`);
    } finally {
      await srv.close();
    }
  });

  it("a failed detection fails the calls waiting for it; the next call asks again", async () => {
    const { srv, heads, gets } = await zoneServer(1);
    try {
      const client = new QingStorClient(srv.address, "my-bucket", CREDS, NO_RETRY, true);
      const call: QsCall = { operation: "get_object", method: "GET", key: "k", query: [], headers: {} };
      const first = await client.sendBuffered(call).catch((e: unknown) => e);
      expect(isStorageError(first, "ServiceInternal")).toBe(true);
      expect(gets).toHaveLength(0);
      expect((await client.sendBuffered(call)).status).toBe(200);
      expect(heads).toHaveLength(2);
      expect(client.zone).toBe("pek3b");
    } finally {
      await srv.close();
    }
  });

  it("a call's abort ends its own wait, not the detection the others share", async () => {
    let release: () => void = () => {};
    const held = new Promise<void>((r) => (release = r));
    const srv = await serve((req, res) => {
      if (req.method === "HEAD") return void held.then(() => res.writeHead(301, { location: "https://sh1a.qingstor.com/my-bucket" }).end());
      res.writeHead(200).end("{}");
    });
    try {
      const client = new QingStorClient(srv.address, "my-bucket", CREDS, NO_RETRY, true);
      const call: QsCall = { operation: "get_object", method: "GET", key: "k", query: [], headers: {} };
      const controller = new AbortController();
      const aborted = client.sendBuffered(call, { signal: controller.signal }).catch((e: unknown) => e);
      const other = client.sendBuffered(call);
      controller.abort();
      expect(isStorageError(await aborted, "Aborted")).toBe(true);
      release();
      expect((await other).status).toBe(200);
      expect(client.zone).toBe("sh1a");
    } finally {
      release();
      await srv.close();
    }
  });
});
