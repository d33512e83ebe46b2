/**
 * A QingStor servicer whose endpoint names a zone (<zone>.qingstor.com): the storagers `list` hands
 * out for buckets of other zones go to their zone's host (`sh1a.qingstor.com`, not
 * `sh1a.pek3b.qingstor.com`) and report that zone (H1); a zone endpoint pins no zone: a bucket of
 * another zone opened through it is found by detection (QingStor's 301); `delete` takes the bucket's `location` (M1) and checks the name first (M3); a listed bucket
 * QingStor cannot address is left out with a warning (M4).
 *
 * A scripted QingStor records the Host of each request; `dns.lookup` resolves `*.qingstor.com` to
 * 127.0.0.1 in this test process.
 */
import dns from "node:dns";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it, jest } from "@jest/globals";
import { newServicer, newStorager, parseEndpoint, UNLISTED_BUCKETS_WARNING, type Servicer } from "@stowage/core";
import { zoneAddress } from "../src/addressing.js";
import "../src/index.js";

const realLookup = dns.lookup;
/** `dns.lookup` answering 127.0.0.1 for `*.qingstor.com`, the real lookup for any other host. */
function loopbackLookup(host: string, options: unknown, callback?: unknown): void {
  const done = (typeof options === "function" ? options : callback) as (...args: unknown[]) => void;
  const all = typeof options === "object" && options !== null && (options as { all?: boolean }).all === true;
  if (!/\.qingstor\.com$/i.test(host)) return void (realLookup as (...args: unknown[]) => void)(host, options, callback);
  if (all) done(null, [{ address: "127.0.0.1", family: 4 }]);
  else done(null, "127.0.0.1", 4);
}

/** The buckets the scripted GET Service lists, and the requests seen ("METHOD host/path"). */
let listed: Array<{ name: string; location: string }>;
let seen: string[];
let server: http.Server;
let port: number;

beforeAll(async () => {
  (dns as { lookup: unknown }).lookup = loopbackLookup;
  server = http.createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      seen.push(`${req.method} ${req.headers.host?.replace(/:\d+$/, "")}${req.url?.replace(/\?.*$/, "")}`);
      if (req.method === "GET" && req.url?.startsWith("/?") === true) {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify({ count: listed.length, buckets: listed }));
      } else if (req.method === "HEAD" && req.headers.host?.startsWith("pek3b.") === true && req.url === "/shabucket" && req.headers.authorization === undefined) {
        // Zone detection: QingStor redirects a bucket of another zone to that zone's host.
        res.writeHead(301, { location: `http://shabucket.sh1a.qingstor.com:${port}/` });
        res.end();
      } else if (req.method === "DELETE") {
        res.writeHead(204);
        res.end();
      } else {
        res.writeHead(404);
        res.end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  server.close();
  (dns as { lookup: unknown }).lookup = realLookup;
});
beforeEach(() => {
  seen = [];
  listed = [];
});

const open = (host = "pek3b.qingstor.com"): Servicer => newServicer(`qingstor://?credential=hmac:ak:sk&endpoint=http:${host}:${port}&max_retries=0`);

describe("qingstor: a zone host moved into a bucket's zone", () => {
  it.each([
    ["pek3b.qingstor.com", "sh1a", "sh1a.qingstor.com"],
    ["qingstor.com", "sh1a", "sh1a.qingstor.com"],
    ["pek3b.qingstor.com", "pek3b", "pek3b.qingstor.com"],
    ["storage.example.com", "sh1a", "sh1a.storage.example.com"],
    ["127.0.0.1", "sh1a", "127.0.0.1"],
  ])("%s for %s → %s", (host, zone, moved) => {
    expect(zoneAddress(zone, parseEndpoint(`https:${host}`)).host).toBe(moved);
  });

  it("a <zone>.qingstor.com endpoint pins no zone: without a location, storagers report none (it is detected)", () => {
    const endpoint = "endpoint=https:pek3b.qingstor.com";
    expect(newStorager(`qingstor://bbbbbbbb/?credential=hmac:a:b&${endpoint}`).info.location).toBeUndefined();
    expect(newServicer(`qingstor://?credential=hmac:a:b&${endpoint}`).get("bbbbbbbb").info.location).toBeUndefined();
  });
});

describe("qingstor servicer on a zone endpoint, buckets in other zones (scripted QingStor)", () => {
  it("every storager list() gives goes to its zone's host and reports that zone", async () => {
    listed = [
      { name: "pekbucket", location: "pek3b" },
      { name: "shabucket", location: "sh1a" },
    ];
    for await (const store of open().list()) {
      expect(store.info.location).toBe(store.info.name === "shabucket" ? "sh1a" : "pek3b");
      await expect(store.stat("x")).rejects.toMatchObject({ code: "ObjectNotExist" });
    }
    expect(seen).toEqual(["GET pek3b.qingstor.com/", "HEAD pek3b.qingstor.com/pekbucket/x", "HEAD sh1a.qingstor.com/shabucket/x"]);
  });

  it("delete goes to the zone given as location, else to the one detected (the endpoint's zone is not assumed)", async () => {
    const srv = open();
    await srv.delete("shabucket", { location: "sh1a" });
    await srv.delete("shabucket");
    expect(seen).toEqual(["DELETE sh1a.qingstor.com/shabucket", "HEAD pek3b.qingstor.com/shabucket", "DELETE sh1a.qingstor.com/shabucket"]);
  });

  it("a storager opened through a zone endpoint without a location reaches a bucket of another zone (detected)", async () => {
    const store = newStorager(`qingstor://shabucket/?credential=hmac:ak:sk&endpoint=http:pek3b.qingstor.com:${port}&max_retries=0`);
    await expect(store.stat("x")).rejects.toMatchObject({ code: "ObjectNotExist" });
    expect(seen).toEqual(["HEAD pek3b.qingstor.com/shabucket", "HEAD sh1a.qingstor.com/shabucket/x"]);
  });

  it("delete checks the name before sending anything, and never shows what precedes an @", async () => {
    const srv = open();
    await expect(srv.delete("abc12")).rejects.toMatchObject({ code: "InvalidArgument", op: "servicer_delete", message: expect.stringContaining("6 to 63") });
    const e = await srv.delete("ak:SECRET@bucket").catch((err: unknown) => err as Error & { path?: string });
    expect(e).toMatchObject({ code: "InvalidArgument", path: "***@bucket" });
    expect(e!.message).not.toContain("SECRET");
    await expect(srv.delete("shabucket", { location: "SH 1a" })).rejects.toMatchObject({ code: "InvalidArgument" });
    expect(seen).toEqual([]);
  });

  it("list leaves out a bucket QingStor cannot address (a name or zone it refuses), with one warning", async () => {
    const warn = jest.spyOn(process, "emitWarning").mockImplementation(() => undefined);
    try {
      listed = [
        { name: "aaabucket", location: "pek3a" },
        { name: "abc12", location: "pek3a" },
        { name: "oddbucket", location: "PEK 3a" },
        { name: "zzzbucket", location: "sh1a" },
      ];
      const got: string[] = [];
      for await (const s of open("127.0.0.1").list()) got.push(`${s.info.name}@${s.info.location}`);
      expect(got).toEqual(["aaabucket@pek3a", "zzzbucket@sh1a"]);
      expect(warn).toHaveBeenCalledTimes(1);
      const [message, options] = warn.mock.calls[0] as [string, { code: string }];
      expect(options.code).toBe(UNLISTED_BUCKETS_WARNING);
      expect(message).toContain("2 buckets in the qingstor bucket listing not listed");
      expect(message).toContain('"abc12" (InvalidArgument: QingStor bucket');
      expect(message).toContain('"oddbucket" (InvalidArgument: invalid QingStor zone');
    } finally {
      warn.mockRestore();
    }
  });
});
