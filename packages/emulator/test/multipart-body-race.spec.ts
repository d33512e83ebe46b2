import { afterEach, describe, expect, it } from "@jest/globals";
import { createHash } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { crc64 } from "@stowage/core";
import { startEmulator, type Emulator, type EmulatorOptions } from "../src/index.js";
import { MemoryBlobStore, type BlobRef } from "../src/store/blob-store.js";
import { NoMetadataSink, type MetadataSink } from "../src/store/metadata-sink.js";
import { MultipartStore } from "../src/store/multipart-store.js";
import { ObjectStore } from "../src/store/object-store.js";
import type { ReceivedBody, StoredUpload } from "../src/store/types.js";
import { cosRequest, errorCode, ossRequest, qsRequest, type RawRequest, type RawResponse } from "./raw-client.js";

// A multipart request looks its upload up when its headers arrive, then waits for its body. These
// tests hold that body open, abort the upload meanwhile, then let the body finish: the request must
// find the upload gone (404), and nothing of the aborted upload may be stored or come back.

const PART = Buffer.alloc(1000, 0x61);

/** Resolves when `ready()` holds, checking it once per macrotask (at most 5,000 times). */
async function until(ready: () => boolean): Promise<void> {
  for (let i = 0; i < 5000 && !ready(); i++) await new Promise((r) => setTimeout(r, 1));
  if (!ready()) throw new Error("the emulator never received the request");
}

/** A promise and the function that resolves it. */
function gate(): { release: () => void; opened: Promise<void> } {
  let release!: () => void;
  const opened = new Promise<void>((r) => (release = r));
  return { release, opened };
}

interface Flavour {
  provider: "cos" | "oss" | "qingstor";
  bucket: string;
  send: (emu: Emulator, r: RawRequest) => Promise<RawResponse>;
  /** Query parameter names: upload id, part number, and the first part's number. */
  id: string;
  part: string;
  first: number;
  initiateId: (body: string) => string;
  completeBody: (partNumber: number, etag: string) => string;
  listedUploads: (body: string) => number;
  missingUpload: string;
}

const xmlId = (body: string): string => /<UploadId>([^<]+)<\/UploadId>/.exec(body)![1]!;
const xmlComplete = (n: number, etag: string): string => `<CompleteMultipartUpload><Part><PartNumber>${n}</PartNumber><ETag>${etag}</ETag></Part></CompleteMultipartUpload>`;
const xmlUploads = (body: string): number => (body.match(/<Upload>/g) ?? []).length;

const FLAVOURS: Flavour[] = [
  { provider: "cos", bucket: "race-1250000000", send: cosRequest, id: "uploadId", part: "partNumber", first: 1, initiateId: xmlId, completeBody: xmlComplete, listedUploads: xmlUploads, missingUpload: "NoSuchUpload" },
  { provider: "oss", bucket: "race-oss", send: ossRequest, id: "uploadId", part: "partNumber", first: 1, initiateId: xmlId, completeBody: xmlComplete, listedUploads: xmlUploads, missingUpload: "NoSuchUpload" },
  {
    provider: "qingstor",
    bucket: "race-qs",
    send: qsRequest,
    id: "upload_id",
    part: "part_number",
    first: 0,
    initiateId: (body) => (JSON.parse(body) as { upload_id: string }).upload_id,
    completeBody: (n, etag) => JSON.stringify({ object_parts: [{ part_number: n, etag }] }),
    listedUploads: (body) => ((JSON.parse(body) as { uploads?: unknown[] }).uploads ?? []).length,
    missingUpload: "upload_not_exists",
  },
];

describe.each(FLAVOURS)("$provider: a multipart request whose body is still arriving when its upload is aborted", (f) => {
  let emu: Emulator | undefined;
  let dataDir: string | undefined;
  afterEach(async () => {
    await emu?.stop();
    emu = undefined;
    if (dataDir !== undefined) await rm(dataDir, { recursive: true, force: true });
    dataDir = undefined;
  });

  const start = async (options: Partial<EmulatorOptions> = {}): Promise<Emulator> => (emu = await startEmulator({ provider: f.provider, buckets: [f.bucket], ...options }));
  const send = (r: Omit<RawRequest, "bucket">): Promise<RawResponse> => f.send(emu!, { bucket: f.bucket, ...r });
  const initiate = async (key: string): Promise<string> => f.initiateId((await send({ method: "POST", key, query: [["uploads", undefined]] })).body);
  const abort = (key: string, id: string): Promise<RawResponse> => send({ method: "DELETE", key, query: [[f.id, id]] });
  const listedUploads = async (): Promise<number> => f.listedUploads((await send({ method: "GET", query: [["uploads", undefined]] })).body);

  /** Sends `r` with its body held open, aborts `key`'s upload `id` once the emulator routed `r`, then lets the body finish. */
  async function abortWhileBodyArrives(operation: string, key: string, id: string, r: Omit<RawRequest, "bucket" | "hold">): Promise<RawResponse> {
    const routed = emu!.stats().byOperation[operation] ?? 0;
    const body = gate();
    const answer = send({ ...r, hold: { bytes: 10, release: body.opened } });
    // The handler looks the upload up in the same step as the request is counted, then waits for the body.
    await until(() => (emu!.stats().byOperation[operation] ?? 0) > routed);
    expect((await abort(key, id)).status).toBe(204);
    body.release();
    return answer;
  }

  it("Complete answers 404 (no such upload) and the object it would have replaced stays", async () => {
    await start();
    expect((await send({ method: "PUT", key: "k", body: "previous" })).status).toBeLessThan(300);
    const id = await initiate("k");
    const part = await send({ method: "PUT", key: "k", query: [[f.part, String(f.first)], [f.id, id]], body: PART });
    const res = await abortWhileBodyArrives("CompleteMultipartUpload", "k", id, { method: "POST", key: "k", query: [[f.id, id]], body: f.completeBody(f.first, String(part.headers.etag)) });
    expect([res.status, errorCode(res)]).toEqual([404, f.missingUpload]);
    const get = await send({ method: "GET", key: "k" });
    expect([get.status, get.body]).toEqual([200, "previous"]);
    expect(await listedUploads()).toBe(0);
  });

  it("UploadPart answers 404 (no such upload) and the upload stays aborted", async () => {
    await start();
    const id = await initiate("p");
    const res = await abortWhileBodyArrives("UploadPart", "p", id, { method: "PUT", key: "p", query: [[f.part, String(f.first)], [f.id, id]], body: PART });
    expect([res.status, errorCode(res)]).toEqual([404, f.missingUpload]);
    expect(await listedUploads()).toBe(0);
    const parts = await send({ method: "GET", key: "p", query: [[f.id, id]] });
    expect([parts.status, errorCode(parts)]).toEqual([404, f.missingUpload]);
  });

  it("with dataDir, the aborted upload does not come back after a restart", async () => {
    dataDir = await mkdtemp(join(tmpdir(), "emu-race-"));
    await start({ dataDir });
    const id = await initiate("d");
    const res = await abortWhileBodyArrives("UploadPart", "d", id, { method: "PUT", key: "d", query: [[f.part, String(f.first)], [f.id, id]], body: PART });
    expect(res.status).toBe(404);
    await emu!.stop();
    await start({ dataDir });
    expect(await listedUploads()).toBe(0);
  });
});

const attrs = { contentType: "application/octet-stream", metadata: {}, storageClass: "STANDARD" };
const body = (data: Buffer): ReceivedBody => ({ chunks: [data], size: data.length, md5: createHash("md5").update(data).digest(), crc64: crc64(data) });

/** A memory blob store whose `concat` waits for `opened` (a Complete held while it assembles the object). */
class HeldConcat extends MemoryBlobStore {
  private readonly held = gate();
  readonly started = gate();
  release(): void {
    this.held.release();
  }
  override async concat(id: string, sources: readonly BlobRef[]): Promise<void> {
    this.started.release();
    await this.held.opened;
    return super.concat(id, sources);
  }
}

/** A metadata sink that holds the `n`th saveUpload until released and keeps which uploads are saved. */
class HeldSaves implements MetadataSink {
  readonly saved = new Set<string>();
  private saves = 0;
  private readonly held = gate();
  readonly started = gate();
  private readonly none = new NoMetadataSink();
  readonly saveBucket = this.none.saveBucket;
  readonly removeBucket = this.none.removeBucket;
  readonly saveObject = this.none.saveObject;
  readonly removeObject = this.none.removeObject;
  readonly load = this.none.load;
  constructor(private readonly n: number) {}
  release(): void {
    this.held.release();
  }
  async saveUpload(u: StoredUpload): Promise<void> {
    if (++this.saves === this.n) {
      this.started.release();
      await this.held.opened;
    }
    this.saved.add(u.uploadId);
  }
  async removeUpload(u: StoredUpload): Promise<void> {
    this.saved.delete(u.uploadId);
  }
}

describe("multipart store: a Complete holds its upload until it ends", () => {
  it("an Abort, an UploadPart and a second Complete while it assembles wait, then find no upload; the object is whole", async () => {
    const blobs = new HeldConcat();
    const store = new ObjectStore({ blobs, meta: new NoMetadataSink(), discard: false, clock: Date.now });
    await store.createBucket("b", "r");
    const mp = new MultipartStore(store);
    const u = await mp.initiate("b", "k", attrs);
    const p1 = await mp.uploadPart(u, 1, body(Buffer.from("one")));
    const rules = { minPartSize: 1, requireAscending: true, requireEtag: true };
    const first = mp.complete(u, [{ partNumber: 1, etag: p1.etag }], rules);
    await blobs.started.opened;
    const outcome = (p: Promise<unknown>): Promise<string> => p.then(() => "ok", (e: { kind?: string }) => e.kind ?? String(e));
    const others = Promise.all([outcome(mp.abort(u)), outcome(mp.uploadPart(u, 1, body(Buffer.from("two")))), outcome(mp.complete(u, [{ partNumber: 1, etag: p1.etag }], rules))]);
    blobs.release();
    const o = await first;
    expect(await others).toEqual(["NoSuchUpload", "NoSuchUpload", "NoSuchUpload"]);
    const chunks: Buffer[] = [];
    for await (const c of store.read(o, 0, o.size)) chunks.push(c as Buffer);
    expect(Buffer.concat(chunks).toString()).toBe("one");
  });

  it("an Abort while a part's record is being saved leaves no saved record", async () => {
    const meta = new HeldSaves(2); // the first save is the Initiate's
    const store = new ObjectStore({ blobs: new MemoryBlobStore(), meta, discard: false, clock: Date.now });
    await store.createBucket("b", "r");
    const mp = new MultipartStore(store);
    const u = await mp.initiate("b", "k", attrs);
    const part = mp.uploadPart(u, 1, body(Buffer.from("one")));
    await meta.started.opened;
    const aborted = mp.abort(u);
    meta.release();
    await Promise.all([part, aborted]);
    expect(meta.saved.size).toBe(0);
  });

  it("a memory blob store refuses to assemble from a removed blob", async () => {
    const blobs = new MemoryBlobStore();
    await blobs.put("a", [Buffer.from("x")]);
    await blobs.remove("a");
    await expect(blobs.concat("o", [{ id: "a", size: 1 }])).rejects.toThrow(/missing/);
  });
});
