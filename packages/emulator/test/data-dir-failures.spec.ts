import { afterEach, beforeEach, describe, expect, it, jest } from "@jest/globals";
import { createHash } from "node:crypto";
import { mkdir, mkdtemp, readdir, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { crc64 } from "@stowage/core";
import { DEFAULT_CREDENTIAL, startEmulator, type Emulator } from "../src/index.js";
import { DirBlobStore } from "../src/store/dir-blob-store.js";
import { DirMetadataSink, type MetadataSink } from "../src/store/metadata-sink.js";
import { MultipartStore } from "../src/store/multipart-store.js";
import { ObjectStore } from "../src/store/object-store.js";
import type { ReceivedBody, StoredBucket, StoredObject, StoredUpload } from "../src/store/types.js";
import { treeFiles } from "./tree-files.js";
import { cosRequest, errorCode } from "./raw-client.js";

// With a data dir, a write the emulator answers with an error must change nothing, in memory and on
// disk alike (review-exhaustion M3); the temp files of failed writes go at once, and those a crash
// left go at start (M4); a failure of the emulator itself that becomes a 500 is logged (L3).

const attrs = { contentType: "application/octet-stream", metadata: {}, storageClass: "STANDARD" };
const body = (text: string): ReceivedBody => {
  const data = Buffer.from(text);
  return { chunks: [data], size: data.length, md5: createHash("md5").update(data).digest(), crc64: crc64(data) };
};

/** A Node-style ENOSPC error, as a full file system gives. */
function enospc(): Error {
  return Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC", errno: -28, syscall: "write" });
}

/** A DirMetadataSink whose saves (with `full`) or next `stuck` removals fail as a full or broken disk would. */
class FailingSink implements MetadataSink {
  full = false;
  stuck = 0;
  private readonly dir: DirMetadataSink;
  constructor(path: string) {
    this.dir = new DirMetadataSink(path);
  }
  private save<T>(f: () => Promise<T>): Promise<T> {
    return this.full ? Promise.reject(enospc()) : f();
  }
  private remove<T>(f: () => Promise<T>): Promise<T> {
    return this.stuck-- > 0 ? Promise.reject(Object.assign(new Error("EIO: i/o error, unlink"), { code: "EIO" })) : f();
  }
  saveBucket = (b: StoredBucket): Promise<void> => this.save(() => this.dir.saveBucket(b));
  removeBucket = (name: string): Promise<void> => this.remove(() => this.dir.removeBucket(name));
  saveObject = (bucket: string, o: StoredObject): Promise<void> => this.save(() => this.dir.saveObject(bucket, o));
  removeObject = (bucket: string, key: string): Promise<void> => this.remove(() => this.dir.removeObject(bucket, key));
  saveUpload = (u: StoredUpload): Promise<void> => this.save(() => this.dir.saveUpload(u));
  removeUpload = (u: StoredUpload): Promise<void> => this.remove(() => this.dir.removeUpload(u));
  load = (): Promise<StoredBucket[]> => this.dir.load();
}


async function text(store: ObjectStore, o: StoredObject): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of store.read(o)) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString();
}

describe("ObjectStore with a data dir: a write that fails changes nothing, in memory or on disk", () => {
  let dir: string;
  let sink: FailingSink;
  let store: ObjectStore;
  let mp: MultipartStore;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "emu-fail-"));
    sink = new FailingSink(join(dir, "meta"));
    store = new ObjectStore({ blobs: new DirBlobStore(join(dir, "blobs")), meta: sink, discard: false, clock: Date.now });
    await store.createBucket("b", "r");
    mp = new MultipartStore(store);
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /** The store a restart on `dir` would serve. */
  async function restarted(): Promise<{ store: ObjectStore; mp: MultipartStore }> {
    const again = new ObjectStore({ blobs: new DirBlobStore(join(dir, "blobs")), meta: new DirMetadataSink(join(dir, "meta")), discard: false, clock: Date.now });
    await again.load();
    return { store: again, mp: new MultipartStore(again) };
  }

  /** Key `k` as reads see it now and after a restart: its bytes, or "missing". */
  async function seen(k: string): Promise<[string, string]> {
    const read = async (s: ObjectStore): Promise<string> => (s.buckets.get("b")?.objects.has(k) ? text(s, s.object("b", k)) : "missing");
    return [await read(store), await read((await restarted()).store)];
  }

  it("a PUT over an object, whose record cannot be saved, keeps the old object (and its new bytes go)", async () => {
    await store.putObject("b", "k", body("old"), attrs);
    const before = await treeFiles(dir);
    sink.full = true;
    await expect(store.putObject("b", "k", body("new"), attrs)).rejects.toMatchObject({ code: "ENOSPC" });
    expect(await seen("k")).toEqual(["old", "old"]);
    expect(await treeFiles(dir)).toEqual(before);
  });

  it("a PUT of a new key, a copy and an append whose record cannot be saved leave no object and the append's object as it was", async () => {
    await store.appendObject("b", "a", 0, body("one"), attrs);
    sink.full = true;
    await expect(store.putObject("b", "n", body("new"), attrs)).rejects.toMatchObject({ code: "ENOSPC" });
    await expect(store.copyObject(store.object("b", "a"), "b", "c", attrs)).rejects.toMatchObject({ code: "ENOSPC" });
    await expect(store.appendObject("b", "a", 3, body("two"), attrs)).rejects.toMatchObject({ code: "ENOSPC" });
    expect([...store.sortedKeys("b")]).toEqual(["a"]);
    expect(await seen("n")).toEqual(["missing", "missing"]);
    expect(await seen("c")).toEqual(["missing", "missing"]);
    expect(await seen("a")).toEqual(["one", "one"]);
    sink.full = false;
    // The next append starts at the object's length: what the failed one wrote is cut off.
    await store.appendObject("b", "a", 3, body("2"), attrs);
    expect(await seen("a")).toEqual(["one2", "one2"]);
  });

  it("a bucket whose record cannot be saved is not created", async () => {
    sink.full = true;
    await expect(store.createBucket("c", "r")).rejects.toMatchObject({ code: "ENOSPC" });
    expect(store.buckets.has("c")).toBe(false);
    sink.full = false;
    expect((await store.createBucket("c", "r")).name).toBe("c");
  });

  it("a delete, a move and a bucket delete whose record cannot be removed change nothing", async () => {
    await store.putObject("b", "k", body("kept"), attrs);
    await store.createBucket("e", "r");
    // One removal fails each time: the move's own undoing (removing the record it saved) works.
    sink.stuck = 1;
    await expect(store.deleteObject("b", "k")).rejects.toMatchObject({ code: "EIO" });
    sink.stuck = 1;
    await expect(store.moveObject("b", "k", "b", "moved")).rejects.toMatchObject({ code: "EIO" });
    sink.stuck = 1;
    await expect(store.deleteBucket("e")).rejects.toMatchObject({ code: "EIO" });
    expect(await seen("k")).toEqual(["kept", "kept"]);
    expect(await seen("moved")).toEqual(["missing", "missing"]);
    expect(store.buckets.has("e")).toBe(true);
  });

  it("an Initiate whose record cannot be saved leaves no upload", async () => {
    sink.full = true;
    await expect(mp.initiate("b", "k", attrs)).rejects.toMatchObject({ code: "ENOSPC" });
    const page = { prefix: "", delimiter: "", keyMarker: "", uploadIdMarker: "", maxUploads: 1000 };
    expect(mp.listUploads("b", page).uploads).toEqual([]);
    expect(store.buckets.get("b")!.uploads.size).toBe(0);
    expect((await restarted()).store.buckets.get("b")!.uploads.size).toBe(0);
    expect(await treeFiles(join(dir, "meta"))).toEqual(["buckets/b.json"]);
  });

  it("a part, a Complete and an Abort whose record cannot be saved or removed keep the upload as it was", async () => {
    const u = await mp.initiate("b", "k", attrs);
    const p1 = await mp.uploadPart(u, 1, body("one"));
    await store.putObject("b", "k", body("previous"), attrs);
    sink.full = true;
    await expect(mp.uploadPart(u, 1, body("replaced"))).rejects.toMatchObject({ code: "ENOSPC" });
    await expect(mp.uploadPart(u, 2, body("two"))).rejects.toMatchObject({ code: "ENOSPC" });
    const rules = { minPartSize: 1, requireAscending: true, requireEtag: true };
    await expect(mp.complete(u, [{ partNumber: 1, etag: p1.etag }], rules)).rejects.toMatchObject({ code: "ENOSPC" });
    sink.full = false;
    sink.stuck = 1;
    await expect(mp.abort(u)).rejects.toMatchObject({ code: "EIO" });
    expect(await seen("k")).toEqual(["previous", "previous"]);
    for (const s of [{ store, mp }, await restarted()]) {
      const upload = s.mp.upload("b", "k", u.uploadId);
      expect([...upload.parts.values()].map((p) => [p.partNumber, p.etag])).toEqual([[1, p1.etag]]);
    }
    // The upload still completes, with the part it had.
    const o = await mp.complete(u, [{ partNumber: 1, etag: p1.etag }], rules);
    expect(await text(store, o)).toBe("one");
  });
});

describe("data dir temp files (M4)", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "emu-tmp-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("a blob write or an assembly that fails part-way removes its temp file", async () => {
    const blobs = new DirBlobStore(dir);
    // The second chunk fails to be written, after the first was.
    await expect(blobs.put("o-a", [Buffer.from("partial"), 42 as unknown as Buffer])).rejects.toThrow();
    await expect(blobs.concat("o-b", [{ id: "p-missing", size: 5 }])).rejects.toThrow();
    expect(await readdir(dir)).toEqual([]);
  });

  it("a record that cannot be written removes its temp file", async () => {
    const sink = new DirMetadataSink(dir);
    const o: StoredObject = { ...attrs, key: "k", size: 0, etag: "", lastModified: 0, kind: "normal", blobId: "o-x" };
    // The record's name is taken by a directory: the rename fails after the temp file was written.
    const record = join(dir, "objects", "b", `${createHash("sha1").update("k").digest("hex")}.json`);
    await mkdir(join(record, "taken"), { recursive: true });
    await expect(sink.saveObject("b", o)).rejects.toThrow();
    expect(await readdir(join(dir, "objects", "b"))).toEqual([`${createHash("sha1").update("k").digest("hex")}.json`]);
  });

  it("temp files a crash left are removed at start; the data is kept", async () => {
    const emu = await startEmulator({ provider: "cos", dataDir: dir, buckets: ["keep-1250000000"] });
    const put = await cosRequest(emu, { method: "PUT", bucket: "keep-1250000000", key: "k", body: "kept" });
    expect(put.status).toBe(200);
    await emu.stop();
    const stale = ["blobs/o-0123456789abcdef01234567.tmp", "meta/buckets/keep-1250000000.json.0a1b2c3d.tmp", "meta/uploads/0123.json.0a1b2c3d.tmp", "meta/objects/keep-1250000000/abc.json.0a1b2c3d.tmp"];
    await mkdir(join(dir, "meta", "uploads"), { recursive: true });
    for (const f of stale) await writeFile(join(dir, f), "partial");
    const before = await treeFiles(dir);
    const again = await startEmulator({ provider: "cos", dataDir: dir });
    try {
      expect(await treeFiles(dir)).toEqual(before.filter((f) => !stale.includes(f)));
      const get = await cosRequest(again, { method: "GET", bucket: "keep-1250000000", key: "k" });
      expect([get.status, get.body]).toEqual([200, "kept"]);
    } finally {
      await again.stop();
    }
  });
});

describe("an internal error answered 500 is logged (L3)", () => {
  let dir: string;
  let emu: Emulator;
  const bucket = "log-1250000000";
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "emu-log-"));
    emu = await startEmulator({ provider: "cos", dataDir: dir, buckets: [bucket] });
  });
  afterEach(async () => {
    await emu.stop();
    jest.restoreAllMocks();
    await rm(dir, { recursive: true, force: true });
  });

  it("one line naming the operation and the cause, and no secret; the upload is not listed; an injected 500 is not logged", async () => {
    const lines: string[] = [];
    jest.spyOn(console, "error").mockImplementation((...args: unknown[]) => void lines.push(args.map(String).join(" ")));
    // Upload records cannot be written: their directory's name is taken by a file.
    await writeFile(join(dir, "meta", "uploads"), "");
    const res = await cosRequest(emu, { method: "POST", bucket, key: "k", query: [["uploads", undefined]] });
    expect([res.status, errorCode(res)]).toEqual([500, "InternalError"]);
    const list = await cosRequest(emu, { method: "GET", bucket, query: [["uploads", undefined]] });
    expect(list.body).not.toContain("<Upload>");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^stowage-emulator: internal error, answered 500 InternalError \(InitiateMultipartUpload on bucket log-1250000000, request id [0-9a-f]+\): E[A-Z]+: /);
    expect(lines[0]).not.toContain("\n");
    expect(lines[0]).not.toContain(DEFAULT_CREDENTIAL.secretKey);
    expect(lines[0]).not.toContain(DEFAULT_CREDENTIAL.accessKey);

    emu.setFaults([{ kind: "status", status: 500, operation: "PutObject", count: 1 }]);
    expect((await cosRequest(emu, { method: "PUT", bucket, key: "f", body: "x" })).status).toBe(500);
    expect(lines).toHaveLength(1);
    expect((await stat(join(dir, "meta", "uploads"))).isFile()).toBe(true);
  });
});

describe("ObjectStore: the changes of a key are saved and shown one at a time", () => {
  /** A DirMetadataSink whose object saves each take a few milliseconds (so requests overlap). */
  class SlowSink extends DirMetadataSink {
    override async saveObject(bucket: string, o: StoredObject): Promise<void> {
      await new Promise((r) => setTimeout(r, 5));
      return super.saveObject(bucket, o);
    }
  }
  let dir: string;
  let store: ObjectStore;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "emu-turn-"));
    store = new ObjectStore({ blobs: new DirBlobStore(join(dir, "blobs")), meta: new SlowSink(join(dir, "meta")), discard: false, clock: Date.now });
    await store.createBucket("b", "r");
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("of racing writes that refuse to overwrite, exactly one is stored", async () => {
    const refuseExisting = (existing: StoredObject | undefined): void => {
      if (existing !== undefined) throw Object.assign(new Error("exists"), { code: "Conflict" });
    };
    const outcomes = await Promise.allSettled([1, 2, 3, 4].map((n) => store.putObject("b", "k", body(`v${n}`), attrs, refuseExisting)));
    expect(outcomes.filter((o) => o.status === "fulfilled")).toHaveLength(1);
    // Only the stored object's blob is left.
    expect(await readdir(join(dir, "blobs"))).toEqual([store.object("b", "k").blobId]);
  });

  it("two moves in opposite directions both end (each waits for the other's keys, never both for each other)", async () => {
    await store.putObject("b", "x", body("x"), attrs);
    await store.putObject("b", "y", body("y"), attrs);
    const settled = await Promise.allSettled([store.moveObject("b", "x", "b", "y"), store.moveObject("b", "y", "b", "x")]);
    // One after the other: x over y, then that y back to x.
    expect(settled.map((s) => s.status)).toEqual(["fulfilled", "fulfilled"]);
    expect([...store.sortedKeys("b")]).toEqual(["x"]);
    expect(await text(store, store.object("b", "x"))).toBe("x");
  });
});
