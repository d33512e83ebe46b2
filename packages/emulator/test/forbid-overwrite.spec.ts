import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { createHash, randomBytes } from "node:crypto";
import { crc64 } from "@stowage/core";
import { ProtocolError } from "../src/common/protocol-error.js";
import { startEmulator, type Emulator } from "../src/index.js";
import { MemoryBlobStore, type BlobRef } from "../src/store/blob-store.js";
import { NoMetadataSink } from "../src/store/metadata-sink.js";
import { MultipartStore } from "../src/store/multipart-store.js";
import { ObjectStore, type InstallGuard } from "../src/store/object-store.js";
import type { ReceivedBody } from "../src/store/types.js";
import { cosRequest, errorCode, ossEc, ossRequest, type RawRequest, type RawResponse } from "./raw-client.js";

const attrs = { contentType: "application/octet-stream", metadata: {}, storageClass: "STANDARD" };
const body = (data: Buffer): ReceivedBody => ({ chunks: [data], size: data.length, md5: createHash("md5").update(data).digest(), crc64: crc64(data) });
const refuseExisting: InstallGuard = (existing) => {
  if (existing !== undefined) throw new ProtocolError("FileAlreadyExists", "exists");
};

/** A memory blob store that knows which blobs are alive. */
class CountedBlobs extends MemoryBlobStore {
  readonly live = new Set<string>();
  override async put(id: string, chunks: readonly Buffer[]): Promise<void> {
    this.live.add(id);
    return super.put(id, chunks);
  }
  override async concat(id: string, sources: readonly BlobRef[]): Promise<void> {
    this.live.add(id);
    return super.concat(id, sources);
  }
  override async remove(id: string): Promise<void> {
    this.live.delete(id);
    return super.remove(id);
  }
}

describe("store install guard (what a forbid-overwrite header becomes)", () => {
  async function setup(): Promise<{ store: ObjectStore; mp: MultipartStore; blobs: CountedBlobs }> {
    const blobs = new CountedBlobs();
    const store = new ObjectStore({ blobs, meta: new NoMetadataSink(), discard: false, clock: Date.now });
    await store.createBucket("b", "r");
    return { store, mp: new MultipartStore(store), blobs };
  }

  it("of several guarded writes racing for one new key exactly one is installed; the refused bytes are removed", async () => {
    const { store, blobs } = await setup();
    const datas = [0, 1, 2, 3].map(() => randomBytes(64));
    const results = await Promise.allSettled(datas.map((d) => store.putObject("b", "k", body(d), attrs, refuseExisting)));
    const won = results.flatMap((r, i) => (r.status === "fulfilled" ? [i] : []));
    expect(won).toHaveLength(1);
    for (const r of results) if (r.status === "rejected") expect(r.reason).toMatchObject({ kind: "FileAlreadyExists" });
    expect(store.object("b", "k").crc64).toBe(crc64(datas[won[0]!]!).toString());
    expect([...blobs.live]).toEqual([store.object("b", "k").blobId]);
  });

  it("a guarded copy and a guarded Complete are refused over an object; the refused Complete keeps its upload", async () => {
    const { store, mp, blobs } = await setup();
    const existing = await store.putObject("b", "k", body(randomBytes(10)), attrs);
    const src = await store.putObject("b", "src", body(randomBytes(10)), attrs);
    await expect(store.copyObject(src, "b", "k", attrs, refuseExisting)).rejects.toMatchObject({ kind: "FileAlreadyExists" });
    const u = await mp.initiate("b", "k", attrs);
    await mp.uploadPart(u, 1, body(randomBytes(20)));
    const rules = { minPartSize: 1, requireAscending: true, requireEtag: false, installGuard: refuseExisting };
    await expect(mp.complete(u, [{ partNumber: 1 }], rules)).rejects.toMatchObject({ kind: "FileAlreadyExists" });
    expect(store.object("b", "k").blobId).toBe(existing.blobId);
    expect(mp.upload("b", "k", u.uploadId).parts.size).toBe(1);
    // Objects k and src, and the upload's one part: nothing of the refused copy or Complete is left.
    expect(blobs.live.size).toBe(3);
    // Where nothing is, the guarded Complete installs the object and ends the upload.
    await store.deleteObject("b", "k");
    const o = await mp.complete(u, [{ partNumber: 1 }], rules);
    expect(store.object("b", "k").blobId).toBe(o.blobId);
    expect(() => mp.upload("b", "k", u.uploadId)).toThrow(/does not exist/);
  });
});

type Send = (emu: Emulator, r: RawRequest) => Promise<RawResponse>;
const FLAVOURS: ReadonlyArray<{ provider: "cos" | "oss"; bucket: string; send: Send; header: string }> = [
  { provider: "cos", bucket: "forbid-1250000000", send: cosRequest, header: "x-cos-forbid-overwrite" },
  { provider: "oss", bucket: "forbid-oss", send: ossRequest, header: "x-oss-forbid-overwrite" },
];

describe.each(FLAVOURS)("$provider forbid-overwrite header", ({ provider, bucket, send, header }) => {
  let emu: Emulator;
  beforeAll(async () => {
    emu = await startEmulator({ provider, buckets: [bucket] });
  });
  afterAll(async () => {
    await emu.stop();
  });

  const put = (key: string, data: string, headers: Record<string, string> = {}): Promise<RawResponse> => send(emu, { method: "PUT", bucket, key, body: data, headers });
  const get = async (key: string): Promise<string> => (await send(emu, { method: "GET", bucket, key })).body;
  const initiate = async (key: string, headers: Record<string, string> = {}): Promise<{ res: RawResponse; id: string | undefined }> => {
    const res = await send(emu, { method: "POST", bucket, key, query: [["uploads", undefined]], headers });
    return { res, id: /<UploadId>([^<]+)<\/UploadId>/.exec(res.body)?.[1] };
  };
  const uploadPart = async (key: string, id: string, data: string): Promise<string> => {
    const res = await send(emu, { method: "PUT", bucket, key, query: [["partNumber", "1"], ["uploadId", id]], body: data });
    return String(res.headers["etag"]);
  };
  const complete = (key: string, id: string, etag: string, headers: Record<string, string> = {}): Promise<RawResponse> =>
    send(emu, {
      method: "POST",
      bucket,
      key,
      query: [["uploadId", id]],
      headers: { "content-type": "application/xml", ...headers },
      body: `<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>${etag}</ETag></Part></CompleteMultipartUpload>`,
    });

  it("PUT: stored where nothing is; over an object 409 FileAlreadyExists and the object stays; `false` or no header replaces", async () => {
    expect((await put("put/k", "first", { [header]: "true" })).status).toBe(200);
    const refused = await put("put/k", "second", { [header]: "true" });
    expect(refused.status).toBe(409);
    expect(errorCode(refused)).toBe("FileAlreadyExists");
    // OSS help page 0026-00000201: a PutObject or CopyObject refused by x-oss-forbid-overwrite.
    if (provider === "oss") expect(ossEc(refused)).toBe("0026-00000201");
    expect(await get("put/k")).toBe("first");
    expect((await put("put/k", "third", { [header]: "false" })).status).toBe(200);
    expect((await put("put/k", "fourth")).status).toBe(200);
    expect(await get("put/k")).toBe("fourth");
  });

  it("Initiate: refused (409) while an object is at the key, allowed where none is", async () => {
    await put("init/k", "there");
    const refused = await initiate("init/k", { [header]: "true" });
    expect(refused.res.status).toBe(409);
    expect(errorCode(refused.res)).toBe("FileAlreadyExists");
    const allowed = await initiate("init/none", { [header]: "true" });
    expect(allowed.res.status).toBe(200);
    expect(allowed.id).toBeDefined();
  });

  it("Complete: an object written after the Initiate refuses it (409), the object and the upload kept; without the header it completes", async () => {
    const { id } = await initiate("mp/k", { [header]: "true" });
    const etag = await uploadPart("mp/k", id!, "the part");
    await put("mp/k", "meanwhile");
    const refused = await complete("mp/k", id!, etag, { [header]: "true" });
    expect(refused.status).toBe(409);
    expect(errorCode(refused)).toBe("FileAlreadyExists");
    if (provider === "oss") expect(ossEc(refused)).toBe("0042-00000214");
    expect(await get("mp/k")).toBe("meanwhile");
    const parts = await send(emu, { method: "GET", bucket, key: "mp/k", query: [["uploadId", id!]] });
    expect(parts.status).toBe(200);
    expect((await complete("mp/k", id!, etag)).status).toBe(200);
    expect(await get("mp/k")).toBe("the part");
  });

  it("Copy: refused (409) over an object, allowed where none is", async () => {
    await put("copy/src", "source");
    await put("copy/dst", "destination");
    const source = provider === "cos" ? `${bucket}.cos.ap-guangzhou.myqcloud.com/copy/src` : `/${bucket}/copy/src`;
    const copy = (key: string): Promise<RawResponse> => send(emu, { method: "PUT", bucket, key, headers: { [`x-${provider}-copy-source`]: source, [header]: "true" } });
    const refused = await copy("copy/dst");
    expect(refused.status).toBe(409);
    expect(errorCode(refused)).toBe("FileAlreadyExists");
    expect(await get("copy/dst")).toBe("destination");
    expect((await copy("copy/new")).status).toBe(200);
    expect(await get("copy/new")).toBe("source");
  });

  it("of several PUTs with the header racing for one new key, exactly one is stored", async () => {
    const datas = [0, 1, 2, 3, 4, 5].map((i) => `${i}:${randomBytes(256 * 1024).toString("hex")}`);
    const results = await Promise.all(datas.map((d) => put("race/k", d, { [header]: "true" })));
    const won = results.flatMap((r, i) => (r.status === 200 ? [i] : []));
    expect(won).toHaveLength(1);
    expect(results.filter((r) => r.status === 409)).toHaveLength(datas.length - 1);
    expect(await get("race/k")).toBe(datas[won[0]!]);
  });

  if (provider === "oss") {
    it("a value other than true or false is 400 InvalidArgument (EC 0017-00000279), nothing stored", async () => {
      const bad = await put("bad/k", "x", { [header]: "yes" });
      expect(bad.status).toBe(400);
      expect(errorCode(bad)).toBe("InvalidArgument");
      expect(ossEc(bad)).toBe("0017-00000279");
      expect((await send(emu, { method: "GET", bucket, key: "bad/k" })).status).toBe(404);
    });
  }
});
