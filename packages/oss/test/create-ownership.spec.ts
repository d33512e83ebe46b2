import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "@jest/globals";
import { newServicer } from "@stowage/core";
import { OWNED_BUCKET_PAGES } from "../src/servicer.js";
import "../src/index.js";

/** Three retries, 1–2 ms apart: a lost answer is retried at once. */
const QUICK = "&retry_base_delay=1ms&retry_max_delay=2ms&max_retries=3";

/** A listed bucket: its name and region (without `oss-`). */
type Listed = { name: string; region: string };

/** What the scripted GetService answers for `marker` (empty on the first page): the buckets, and the next marker when more follow. */
type Pages = (marker: string) => { buckets: Listed[]; nextMarker?: string };

/** How the scripted server answers the listing and GetBucketInfo. */
interface Script {
  pages: Pages;
  /** When set, GetService answers this status with an error document (after every retry). */
  listStatus?: number;
}

let server: http.Server | undefined;

afterEach(async () => {
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server === undefined ? resolve() : server.close(() => resolve())));
  server = undefined;
});

const errorXml = (code: string, requestId: string): string =>
  `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>m</Message><RequestId>${requestId}</RequestId></Error>`;

function listXml(buckets: Listed[], nextMarker: string | undefined): string {
  const entries = buckets.map((b) => `<Bucket><CreationDate>2026-01-01T00:00:00.000Z</CreationDate><Location>oss-${b.region}</Location><Name>${b.name}</Name><Region>${b.region}</Region></Bucket>`);
  const more = nextMarker === undefined ? "<IsTruncated>false</IsTruncated>" : `<IsTruncated>true</IsTruncated><NextMarker>${nextMarker}</NextMarker>`;
  return `<?xml version="1.0" encoding="UTF-8"?><ListAllMyBucketsResult>${more}<Owner><ID>1</ID><DisplayName>1</DisplayName></Owner><Buckets>${entries.join("")}</Buckets></ListAllMyBucketsResult>`;
}

/**
 * An OSS stand-in: the first PutBucket gets a 500 (it may have acted), the retry 409
 * `BucketAlreadyExists`; GetBucketInfo answers 200 for any bucket (as OSS does for another account
 * a bucket policy grants `oss:GetBucketInfo`); GetService pages from `script.pages`.
 */
async function scripted(script: Script, seen: string[]): Promise<number> {
  let puts = 0;
  server = http.createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      seen.push(`${req.method} ${req.url}`);
      const xml = (status: number, body: string): void => {
        res.writeHead(status, { "content-type": "application/xml", "x-oss-request-id": `r${seen.length}` });
        res.end(body);
      };
      const url = new URL(req.url ?? "/", "http://127.0.0.1");
      if (req.method === "PUT") return xml(++puts === 1 ? 500 : 409, errorXml(puts === 1 ? "InternalError" : "BucketAlreadyExists", `r${seen.length}`));
      if (url.searchParams.has("bucketInfo")) {
        const name = url.pathname.split("/")[1]!;
        return xml(200, `<?xml version="1.0" encoding="UTF-8"?><BucketInfo><Bucket><Location>oss-cn-hangzhou</Location><Name>${name}</Name></Bucket></BucketInfo>`);
      }
      if (script.listStatus !== undefined) return xml(script.listStatus, errorXml(script.listStatus === 403 ? "AccessDenied" : "InternalError", `r${seen.length}`));
      const page = script.pages(url.searchParams.get("marker") ?? "");
      xml(200, listXml(page.buckets, page.nextMarker));
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
  return (server.address() as AddressInfo).port;
}

/** A servicer on the scripted server whose buckets are created in cn-hangzhou. */
const servicerOn = (port: number) => newServicer(`oss://?credential=hmac:ak:sk&endpoint=http:127.0.0.1:${port}&location=cn-hangzhou${QUICK}`);
const listing = (name: string, marker?: string): string => `GET /?max-keys=1000&prefix=${name}${marker === undefined ? "" : `&marker=${marker}`}`;
const conflict = { code: "Conflict", statusCode: 409, message: expect.stringContaining("BucketAlreadyExists") };

describe("oss: a retried PutBucket answered BucketAlreadyExists looks for the bucket among the caller's own (GetService)", () => {
  it("another account's bucket that GetBucketInfo answers (a bucket policy grants it) but GetService does not list stays Conflict", async () => {
    const seen: string[] = [];
    const port = await scripted({ pages: () => ({ buckets: [{ name: "theirs-and-more", region: "cn-hangzhou" }] }) }, seen);
    await expect(servicerOn(port).create("theirs")).rejects.toMatchObject(conflict);
    expect(seen).toEqual(["PUT /theirs/", "PUT /theirs/", listing("theirs")]);
  });

  it("the caller's own bucket, created by the first attempt, succeeds after one GetService with the name as prefix", async () => {
    const seen: string[] = [];
    const port = await scripted({ pages: () => ({ buckets: [{ name: "mine", region: "cn-hangzhou" }, { name: "mine-too", region: "cn-beijing" }] }) }, seen);
    const store = await servicerOn(port).create("mine");
    expect(store.info.name).toBe("mine");
    expect(seen).toEqual(["PUT /mine/", "PUT /mine/", listing("mine")]);
  });

  it("the caller's own bucket in another region stays Conflict: the create asked for cn-hangzhou, the bucket is in cn-beijing", async () => {
    const seen: string[] = [];
    const port = await scripted({ pages: () => ({ buckets: [{ name: "mine", region: "cn-beijing" }] }) }, seen);
    await expect(servicerOn(port).create("mine")).rejects.toMatchObject(conflict);
    expect(seen).toEqual(["PUT /mine/", "PUT /mine/", listing("mine")]);
  });

  it("a listing refused (403 AccessDenied) leaves the Conflict", async () => {
    const seen: string[] = [];
    const port = await scripted({ pages: () => ({ buckets: [] }), listStatus: 403 }, seen);
    await expect(servicerOn(port).create("unlisted")).rejects.toMatchObject(conflict);
    expect(seen).toEqual(["PUT /unlisted/", "PUT /unlisted/", listing("unlisted")]);
  });

  it("a listing that fails (500 after its retries) fails the create with that error, not Conflict nor success", async () => {
    const seen: string[] = [];
    const port = await scripted({ pages: () => ({ buckets: [] }), listStatus: 500 }, seen);
    const failure = servicerOn(port).create("unknown-owner");
    await expect(failure).rejects.toMatchObject({ statusCode: 500, message: expect.stringContaining("InternalError") });
    await expect(failure).rejects.not.toMatchObject({ code: "Conflict" });
    expect(seen.slice(0, 3)).toEqual(["PUT /unknown-owner/", "PUT /unknown-owner/", listing("unknown-owner")]);
    expect(seen.slice(3).every((r) => r === listing("unknown-owner"))).toBe(true);
  });

  it("pages on with the next marker: the bucket on the second page makes the create succeed", async () => {
    const seen: string[] = [];
    const port = await scripted(
      { pages: (marker) => (marker === "" ? { buckets: [{ name: "paged-a", region: "cn-hangzhou" }], nextMarker: "paged-a" } : { buckets: [{ name: "paged", region: "cn-hangzhou" }] }) },
      seen,
    );
    const store = await servicerOn(port).create("paged");
    expect(store.info.name).toBe("paged");
    expect(seen).toEqual(["PUT /paged/", "PUT /paged/", listing("paged"), listing("paged", "paged-a")]);
  });

  it(`reads at most ${OWNED_BUCKET_PAGES} pages: a listing that never ends leaves the Conflict`, async () => {
    const seen: string[] = [];
    const port = await scripted({ pages: (marker) => ({ buckets: [{ name: `endless-${marker.length}`, region: "cn-hangzhou" }], nextMarker: `${marker}x` }) }, seen);
    await expect(servicerOn(port).create("endless")).rejects.toMatchObject(conflict);
    expect(seen.filter((r) => r.startsWith("GET "))).toHaveLength(OWNED_BUCKET_PAGES);
    expect(seen.at(-1)).toBe(listing("endless", "x".repeat(OWNED_BUCKET_PAGES - 1)));
  });
});
