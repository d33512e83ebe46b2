import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "@jest/globals";
import { newServicer } from "@stowage/core";
import { OWNED_BUCKET_PAGES } from "../src/servicer.js";
import "../src/index.js";

/** Three retries, 1–2 ms apart: a lost answer is retried at once. */
const QUICK = "&retry_base_delay=1ms&retry_max_delay=2ms&max_retries=3";

/** What the scripted GET Service answers for page `offset`: `count` and the bucket names (all in zone pek3a). */
type Pages = (offset: number) => { count: number; names: string[] };

let server: http.Server | undefined;

afterEach(async () => {
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server === undefined ? resolve() : server.close(() => resolve())));
  server = undefined;
});

/**
 * A QingStor stand-in: the first PutBucket gets a 500 (it may have acted), the retry 409
 * `bucket_already_exists`, and GET Service pages from `pages` (or `listStatus` with an error body).
 */
async function scripted(pages: Pages, seen: string[], listStatus?: number): Promise<number> {
  let puts = 0;
  server = http.createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      seen.push(`${req.method} ${req.url}`);
      const json = (status: number, doc: unknown): void => {
        res.writeHead(status, { "content-type": "application/json" });
        res.end(JSON.stringify(doc));
      };
      if (req.method === "PUT") {
        puts++;
        if (puts === 1) json(500, { code: "internal_server_error", message: "m", request_id: "r1" });
        else json(409, { code: "bucket_already_exists", message: "m", request_id: "r2" });
        return;
      }
      if (listStatus !== undefined) return json(listStatus, { code: "internal_server_error", message: "m", request_id: "r3" });
      const url = new URL(req.url ?? "/", "http://127.0.0.1");
      const page = pages(Number(url.searchParams.get("offset") ?? "0"));
      json(200, { count: page.count, buckets: page.names.map((name) => ({ name, location: "pek3a", url: `http://127.0.0.1/${name}`, created: "2026-01-01T00:00:00Z" })) });
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
  return (server.address() as AddressInfo).port;
}

const servicerOn = (port: number) => newServicer(`qingstor://?credential=hmac:ak:sk&endpoint=http:127.0.0.1:${port}&location=pek3a${QUICK}`);
const others = (offset: number, n: number): string[] => Array.from({ length: n }, (_, i) => `other-${offset + i}`);

describe("qingstor: a retried PutBucket answered bucket_already_exists looks for the bucket among the caller's own", () => {
  it("pages through GET Service: the bucket on the second page makes the create succeed", async () => {
    const seen: string[] = [];
    const port = await scripted((offset) => (offset === 0 ? { count: 150, names: others(0, 100) } : { count: 150, names: [...others(100, 49), "mine-on-page-2"] }), seen);
    const store = await servicerOn(port).create("mine-on-page-2");
    expect(store.info.name).toBe("mine-on-page-2");
    expect(seen).toEqual(["PUT /mine-on-page-2", "PUT /mine-on-page-2", "GET /?limit=100&offset=0", "GET /?limit=100&offset=100"]);
  });

  it(`reads at most ${OWNED_BUCKET_PAGES} pages: a listing that never ends leaves the Conflict`, async () => {
    const seen: string[] = [];
    const port = await scripted((offset) => ({ count: 1_000_000, names: others(offset, 100) }), seen);
    await expect(servicerOn(port).create("not-listed")).rejects.toMatchObject({ code: "Conflict", statusCode: 409, message: expect.stringContaining("bucket_already_exists") });
    expect(seen.filter((r) => r.startsWith("GET "))).toHaveLength(OWNED_BUCKET_PAGES);
    expect(seen.at(-1)).toBe(`GET /?limit=100&offset=${(OWNED_BUCKET_PAGES - 1) * 100}`);
  });

  it("a listing that fails (500 after its retries) fails the create with that error, not Conflict nor success", async () => {
    const seen: string[] = [];
    const port = await scripted(() => ({ count: 0, names: [] }), seen, 500);
    const failure = servicerOn(port).create("unknown-owner");
    await expect(failure).rejects.toMatchObject({ statusCode: 500, message: expect.stringContaining("internal_server_error") });
    await expect(failure).rejects.not.toMatchObject({ code: "Conflict" });
    expect(seen.slice(0, 3)).toEqual(["PUT /unknown-owner", "PUT /unknown-owner", "GET /?limit=100&offset=0"]);
  });
});
