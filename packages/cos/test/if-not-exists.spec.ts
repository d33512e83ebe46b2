import { createHash, randomBytes, randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "@jest/globals";
import { crc64Decimal, newStorager, parseEndpoint, type ObjectInfo, type Part, type Storager } from "@stowage/core";
import { startProxy, type Proxy } from "@stowage/behavior-tests";
import { startEmulator, type Emulator } from "@stowage/emulator";
import { bucketAddress, CosClient, CosStorageDriver, staticCredentials } from "../src/index.js";
import { errorXml, rawServer, type RawAnswer, type RawRequest } from "./raw-server.js";

const BUCKET = "if-not-exists-1250000000";
const MiB = 1024 * 1024;
const TUNING = "&multipart_threshold=1MiB&part_size=1MiB&retry_base_delay=1ms&retry_max_delay=2ms&max_retries=3";
const FORBID = "x-cos-forbid-overwrite";

let emulator: Emulator;
let proxy: Proxy;
/** Through the proxy: requests are seen (with their forbid-overwrite header) and answers can be lost. */
let store: Storager;
/** Straight to the emulator: "another writer". */
let other: Storager;
/** Each request through the proxy: `METHOD ?query` and its `x-cos-forbid-overwrite` header. */
let sent: { what: string; forbid: string | undefined }[] = [];
/** Called when a request's answer arrived at the proxy: true loses it; may act first (another writer). */
let onAnswer: (req: IncomingMessage) => boolean | Promise<boolean> = () => false;

const sha = (b: Buffer): string => createHash("sha256").update(b).digest("hex");
const what = (req: IncomingMessage): string => `${req.method} ${new URL(req.url ?? "/", "http://x").search}`;

beforeAll(async () => {
  emulator = await startEmulator({ provider: "cos", buckets: [BUCKET] });
  proxy = await startProxy(emulator.port, {
    drop: (req) => {
      const header = req.headers[FORBID];
      sent.push({ what: what(req), forbid: Array.isArray(header) ? header.join(",") : header });
      return onAnswer(req);
    },
  });
  const root = `/${randomUUID()}/`;
  const direct = emulator.connectionString(BUCKET, root);
  store = newStorager(`${direct.replace(`127.0.0.1:${emulator.port}`, `127.0.0.1:${proxy.port}`)}${TUNING}`);
  other = newStorager(`${direct}${TUNING}`);
});
afterAll(async () => {
  await proxy.stop();
  await emulator.stop();
});
afterEach(() => {
  emulator.setFaults([]);
  sent = [];
  onAnswer = () => false;
});

describe("cos write ifNotExists (x-cos-forbid-overwrite)", () => {
  it("a PUT carries the header only when asked: stored where nothing is, Conflict (409, one request, not retried) over an object, which stays", async () => {
    const path = `single/${randomUUID()}`;
    const first = randomBytes(100);
    await store.write(path, first, { ifNotExists: true });
    await expect(store.write(path, randomBytes(50), { ifNotExists: true })).rejects.toMatchObject({ code: "Conflict", statusCode: 409, retryable: false });
    expect(sha(await other.read(path))).toBe(sha(first));
    await store.write(path, randomBytes(7));
    expect(sent.filter((s) => s.what.startsWith("PUT"))).toEqual([
      { what: "PUT ", forbid: "true" },
      { what: "PUT ", forbid: "true" },
      { what: "PUT ", forbid: undefined },
    ]);
    expect((await other.stat(path)).size).toBe(7);
  });

  it("a multipart write whose object appears after the Initiate is refused at Complete: Conflict, the object kept, the upload aborted", async () => {
    const path = `mp/${randomUUID()}`;
    const meanwhile = randomBytes(20);
    onAnswer = async (req) => {
      if (req.method === "POST" && (req.url ?? "").includes("uploads")) await other.write(path, meanwhile);
      return false;
    };
    await expect(store.write(path, randomBytes(2 * MiB + 5), { ifNotExists: true })).rejects.toMatchObject({ code: "Conflict", statusCode: 409, retryable: false });
    expect(sha(await other.read(path))).toBe(sha(meanwhile));
    const forbidden = sent.filter((s) => s.forbid === "true").map((s) => s.what.replace(/uploadId=[^&]*/, "uploadId=ID"));
    expect(forbidden).toEqual(["POST ?uploads", "POST ?uploadId=ID"]);
    const uploads: ObjectInfo[] = [];
    for await (const u of other.list("mp/", { mode: "part" })) uploads.push(u);
    expect(uploads.filter((u) => u.path === path)).toEqual([]);
  });

  it("a caller's completeMultipart over an object written since is Conflict, and keeps the upload for the caller", async () => {
    const path = `cm/${randomUUID()}`;
    const obj = await store.createMultipart(path);
    const data = randomBytes(100);
    const part = await store.writeMultipart(obj, data, { index: 0 });
    const meanwhile = randomBytes(30);
    await other.write(path, meanwhile);
    await expect(store.completeMultipart(obj, [part], { ifNotExists: true })).rejects.toMatchObject({ code: "Conflict", statusCode: 409, retryable: false });
    expect(sha(await other.read(path))).toBe(sha(meanwhile));
    // The upload is still there: completing it without the condition replaces the object.
    await store.completeMultipart(obj, [part]);
    expect(sha(await other.read(path))).toBe(sha(data));
  });
});

describe("cos write ifNotExists whose answer was lost", () => {
  it("a PUT performed but whose answer was lost succeeds: the retry's 409 is judged by the object (its bytes)", async () => {
    const path = `lost-put/${randomUUID()}`;
    const data = randomBytes(1000);
    let lose = true;
    onAnswer = (req) => {
      if (!lose || req.method !== "PUT") return false;
      lose = false;
      return true;
    };
    const result = await store.write(path, data, { ifNotExists: true });
    expect(result.crc64).toBe(crc64Decimal(data));
    expect(sent.map((s) => s.what)).toEqual(["PUT ", "PUT ", "HEAD "]);
    expect(sha(await other.read(path))).toBe(sha(data));
  });

  it("a retried PUT refused over another writer's object stays Conflict", async () => {
    const path = `lost-put-other/${randomUUID()}`;
    const theirs = randomBytes(1000);
    await other.write(path, theirs);
    // The first attempt answers 500 and does nothing; its retry meets the other writer's object.
    emulator.setFaults([{ kind: "status", status: 500, operation: "PutObject", count: 1 }]);
    await expect(store.write(path, randomBytes(1000), { ifNotExists: true })).rejects.toMatchObject({ code: "Conflict", statusCode: 409, retryable: false });
    expect(sent.map((s) => s.what)).toEqual(["PUT ", "PUT ", "HEAD "]);
    expect(sha(await other.read(path))).toBe(sha(theirs));
  });

  it("a Complete performed but whose answer was lost succeeds (the emulator answers the retry NoSuchUpload; the object is judged)", async () => {
    const path = `lost-complete/${randomUUID()}`;
    const data = randomBytes(2 * MiB + 7);
    let lose = true;
    onAnswer = (req) => {
      if (!lose || req.method !== "POST" || !(req.url ?? "").includes("uploadId=")) return false;
      lose = false;
      return true;
    };
    const result = await store.write(path, data, { ifNotExists: true });
    expect(lose).toBe(false);
    expect(result).toMatchObject({ parts: 3, crc64: crc64Decimal(data), crc64Confirmed: true });
    const completes = sent.filter((s) => s.what.startsWith("POST ?uploadId"));
    expect(completes.map((s) => s.forbid)).toEqual(["true", "true"]);
    expect(sent[sent.length - 1]?.what).toBe("HEAD ");
    expect(sha(await other.read(path))).toBe(sha(data));
  });

  it("a retried Complete refused while its upload is still there (the first attempt did nothing) stays Conflict, the upload kept", async () => {
    const path = `lost-complete-other/${randomUUID()}`;
    const obj = await store.createMultipart(path);
    const part = await store.writeMultipart(obj, randomBytes(100), { index: 0 });
    const theirs = randomBytes(40);
    await other.write(path, theirs);
    emulator.setFaults([{ kind: "status", status: 500, operation: "CompleteMultipartUpload", count: 1 }]);
    await expect(store.completeMultipart(obj, [part], { ifNotExists: true })).rejects.toMatchObject({ code: "Conflict", statusCode: 409, retryable: false });
    expect(sha(await other.read(path))).toBe(sha(theirs));
    const parts = [];
    for await (const p of store.listMultipart(obj)) parts.push(p);
    expect(parts).toHaveLength(1);
    await store.delete(path, { multipartId: obj.multipartId as string });
  });
});

describe("cos conditional PUT and Complete against scripted answers (409 after a lost answer)", () => {
  const XML = { "content-type": "application/xml" };
  const data = Buffer.from("the bytes of this write");
  const crc = crc64Decimal(data);
  const part: Part = { index: 0, size: data.length, etag: '"e1"', crc64: crc };
  const head = (size: number, crc64: string): RawAnswer => ({ headers: { "content-length": String(size), "x-cos-hash-crc64ecma": crc64, etag: '"stored"' } });
  const conflict = (code = "FileAlreadyExists"): RawAnswer => ({ status: 409, headers: XML, body: errorXml(code) });
  const listParts = '<ListPartsResult><Bucket>b-1250000000</Bucket><Key>k</Key><UploadId>UP</UploadId><IsTruncated>false</IsTruncated><Part><PartNumber>1</PartNumber><ETag>"e1"</ETag><Size>23</Size></Part></ListPartsResult>';

  /** Runs `call` on a driver whose every request goes to a server answering with `script`; the outcome and the requests (`METHOD ?query`). */
  async function scripted(script: (req: RawRequest, n: number) => RawAnswer, call: (d: CosStorageDriver) => Promise<unknown>): Promise<{ outcome: unknown; seen: string[]; forbid: unknown[] }> {
    const server = await rawServer(script);
    try {
      const address = bucketAddress("b-1250000000", undefined, { endpoint: parseEndpoint(`http:127.0.0.1:${server.port}`) });
      const client = new CosClient(address, staticCredentials({ protocol: "hmac", accessKey: "ak", secretKey: "sk" }, undefined), { retry: { baseDelayMs: 1, maxDelayMs: 2, maxRetries: 3 } });
      const outcome = await call(new CosStorageDriver(client, "b-1250000000", "ap-guangzhou")).catch((e: unknown) => e);
      return { outcome, seen: server.requests.map((r) => `${r.method} ${r.url.search}`), forbid: server.requests.map((r) => r.headers[FORBID]) };
    } finally {
      await server.stop();
    }
  }
  const put = (d: CosStorageDriver): Promise<unknown> => d.write("k", { data, size: data.length }, { ifNotExists: true });
  const complete = (d: CosStorageDriver): Promise<unknown> => d.completeMultipart("k", "UP", [part], { ifNotExists: true });

  it.each(["FileAlreadyExists", "ObjectAlreadyExists"])("a PUT whose answer was lost, then refused (409 %s), succeeds when the object is exactly its bytes", async (code) => {
    const { outcome, seen, forbid } = await scripted((_r, n) => (n === 1 ? { destroy: true } : n === 2 ? conflict(code) : head(data.length, crc)), put);
    expect(outcome).toEqual({ etag: '"stored"', crc64: crc });
    expect(seen).toEqual(["PUT ", "PUT ", "HEAD "]);
    expect(forbid).toEqual(["true", "true", undefined]);
  });

  it("that PUT stays Conflict when the object has other bytes, or cannot be looked at; a first-attempt 409 is never judged", async () => {
    for (const third of [head(data.length, "12345"), head(data.length + 1, crc), { status: 403 }]) {
      const { outcome, seen } = await scripted((_r, n) => (n === 1 ? { destroy: true } : n === 2 ? conflict() : third), put);
      expect(outcome).toMatchObject({ code: "Conflict", statusCode: 409, retryable: false });
      // A refused HEAD is asked about once more, as a GET of the first byte (head-refusal.ts).
      expect(seen).toEqual("status" in third && third.status === 403 ? ["PUT ", "PUT ", "HEAD ", "GET "] : ["PUT ", "PUT ", "HEAD "]);
    }
    const first = await scripted(() => conflict(), put);
    expect(first.outcome).toMatchObject({ code: "Conflict", statusCode: 409, retryable: false });
    expect(first.seen).toEqual(["PUT "]);
  });

  it("a Complete whose answer was lost, then refused (409), succeeds when its upload is gone and the object is exactly the parts", async () => {
    const script = (req: RawRequest, n: number): RawAnswer => {
      if (n === 1) return { destroy: true };
      if (n === 2) return conflict();
      if (req.method === "GET") return { status: 404, headers: XML, body: errorXml("NoSuchUpload") };
      return head(data.length, crc);
    };
    const { outcome, seen } = await scripted(script, complete);
    expect(outcome).toEqual({ etag: '"stored"', crc64: crc });
    expect(seen).toEqual(["POST ?uploadId=UP", "POST ?uploadId=UP", "GET ?uploadId=UP&max-parts=1000", "HEAD "]);
  });

  it("that Complete stays Conflict when the upload is still there (not completed), or the object is not the parts'", async () => {
    const stillThere = await scripted((req, n) => (n === 1 ? { destroy: true } : n === 2 ? conflict() : req.method === "GET" ? { headers: XML, body: listParts } : head(data.length, crc)), complete);
    expect(stillThere.outcome).toMatchObject({ code: "Conflict", statusCode: 409, retryable: false });
    expect(stillThere.seen).toEqual(["POST ?uploadId=UP", "POST ?uploadId=UP", "GET ?uploadId=UP&max-parts=1000"]);
    const other = await scripted((req, n) => (n === 1 ? { destroy: true } : n === 2 ? conflict() : req.method === "GET" ? { status: 404, headers: XML, body: errorXml("NoSuchUpload") } : head(data.length, "1")), complete);
    expect(other.outcome).toMatchObject({ code: "Conflict", statusCode: 409 });
  });

  it("a Complete refused on its first attempt, by a 409 or by a 200 carrying the refusal, is Conflict at once (one request, never retried); without ifNotExists no header is sent", async () => {
    for (const answer of [conflict(), { headers: XML, body: errorXml("FileAlreadyExists") }]) {
      const { outcome, seen, forbid } = await scripted(() => answer, complete);
      expect(outcome).toMatchObject({ code: "Conflict", retryable: false });
      expect(seen).toEqual(["POST ?uploadId=UP"]);
      expect(forbid).toEqual(["true"]);
    }
    const done = '<CompleteMultipartUploadResult><ETag>"x"</ETag><Key>k</Key></CompleteMultipartUploadResult>';
    const plain = await scripted(() => ({ headers: XML, body: done }), (d) => d.completeMultipart("k", "UP", [part], {}));
    expect(plain.outcome).toEqual({ etag: '"x"' });
    expect(plain.forbid).toEqual([undefined]);
  });
});
