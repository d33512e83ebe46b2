import { afterEach, beforeEach, describe, expect, it, jest } from "@jest/globals";
import { createHash, randomBytes } from "node:crypto";
import { mkdir, mkdtemp, readdir, readFile, rename, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startEmulator, type Emulator } from "../src/index.js";
import { treeFiles } from "./tree-files.js";
import { cosRequest } from "./raw-client.js";

// With a data dir, a crash (kill -9) between storing a blob and saving the record that names it,
// or after a saved record replaced an object's blob but before the old blob was removed, leaves a
// blob no record names. The next start removes those, says how many in one line, and never
// removes a blob a record names, nor anything outside the data dir.

const BUCKET = "keep-1250000000";
const hex = (bytes: number): string => randomBytes(bytes / 2).toString("hex");
const blobName = (kind: "o" | "p"): string => `${kind}-${randomBytes(12).toString("hex")}`;
const recordName = (key: string): string => `${createHash("sha1").update(key, "utf8").digest("hex")}.json`;


/** Starts an emulator on `dataDir`, returning it with the lines it logged on stderr while starting. */
async function start(dataDir: string, buckets: string[] = []): Promise<{ emu: Emulator; lines: string[] }> {
  const lines: string[] = [];
  const spy = jest.spyOn(console, "error").mockImplementation((...args: unknown[]) => void lines.push(args.map(String).join(" ")));
  try {
    return { emu: await startEmulator({ provider: "cos", dataDir, buckets }), lines };
  } finally {
    spy.mockRestore();
  }
}

async function get(emu: Emulator, key: string): Promise<[number, string]> {
  const r = await cosRequest(emu, { method: "GET", bucket: BUCKET, key });
  return [r.status, r.body];
}

describe("data dir: blobs no record names are removed at start", () => {
  let root: string;
  let dir: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), "emu-orphans-"));
    dir = join(root, "data");
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  /** Objects of each kind and an upload in progress, written through the API; what each object holds. */
  async function writeState(emu: Emulator): Promise<{ objects: Map<string, string>; uploadId: string; parts: string[] }> {
    const objects = new Map<string, string>();
    const put = async (key: string, body: string): Promise<void> => {
      expect((await cosRequest(emu, { method: "PUT", bucket: BUCKET, key, body })).status).toBe(200);
      objects.set(key, body);
    };
    await put("a", "first");
    await put("a", hex(2048)); // replaces the first bytes
    await put("empty", "");
    const log = [hex(100), hex(50)];
    for (const [i, chunk] of log.entries()) {
      const position = i === 0 ? 0 : log[0]!.length;
      expect((await cosRequest(emu, { method: "POST", bucket: BUCKET, key: "log", query: [["append", undefined], ["position", String(position)]], body: chunk })).status).toBe(200);
    }
    objects.set("log", log.join(""));
    const copy = await cosRequest(emu, { method: "PUT", bucket: BUCKET, key: "copy", headers: { "x-cos-copy-source": `${BUCKET}.cos.ap-guangzhou.myqcloud.com/a` } });
    expect(copy.status).toBe(200);
    objects.set("copy", objects.get("a")!);
    // A completed multipart object, and an upload still in progress (its parts are blobs too).
    const multipart = async (key: string, parts: string[], complete: boolean): Promise<string> => {
      const init = await cosRequest(emu, { method: "POST", bucket: BUCKET, key, query: [["uploads", undefined]] });
      const uploadId = /<UploadId>([^<]+)<\/UploadId>/.exec(init.body)![1]!;
      const etags: string[] = [];
      for (const [i, body] of parts.entries()) {
        const r = await cosRequest(emu, { method: "PUT", bucket: BUCKET, key, query: [["partNumber", String(i + 1)], ["uploadId", uploadId]], body });
        expect(r.status).toBe(200);
        etags.push(String(r.headers.etag));
      }
      if (complete) await completeUpload(emu, key, uploadId, etags);
      return uploadId;
    };
    const mp = [hex(1024 * 1024), hex(300)];
    await multipart("mp", mp, true);
    objects.set("mp", mp.join(""));
    const parts = [hex(1024 * 1024), hex(200)];
    const uploadId = await multipart("unfinished", parts, false);
    return { objects, uploadId, parts };
  }

  async function completeUpload(emu: Emulator, key: string, uploadId: string, etags: string[]): Promise<void> {
    const xml = `<CompleteMultipartUpload>${etags.map((e, i) => `<Part><PartNumber>${i + 1}</PartNumber><ETag>${e}</ETag></Part>`).join("")}</CompleteMultipartUpload>`;
    const r = await cosRequest(emu, { method: "POST", bucket: BUCKET, key, query: [["uploadId", uploadId]], headers: { "content-type": "application/xml" }, body: xml });
    expect([r.status, r.body]).toEqual([200, expect.stringContaining("<CompleteMultipartUploadResult")]);
  }

  it("removes the orphans, says how many in one line, and keeps every blob a record names: all objects read back byte for byte", async () => {
    const first = await start(dir, [BUCKET]);
    let state;
    try {
      state = await writeState(first.emu);
    } finally {
      await first.emu.stop();
    }
    const blobs = join(dir, "blobs");
    // What a crash leaves: bytes stored whose record was never saved (an object's, a part's), and
    // an object's old bytes its new saved record no longer names.
    const orphans = [blobName("o"), blobName("p"), blobName("o")];
    for (const o of orphans) await writeFile(join(blobs, o), "left by a crash");
    // A blob a record names, both planted by hand: a record saved just before the crash.
    const planted = blobName("o");
    const plantedBody = hex(64);
    await writeFile(join(blobs, planted), plantedBody);
    const objectsDir = join(dir, "meta", "objects", BUCKET);
    const record = JSON.parse(await readFile(join(objectsDir, recordName("empty")), "utf8")) as Record<string, unknown>;
    await writeFile(join(objectsDir, recordName("planted")), JSON.stringify({ ...record, key: "planted", size: plantedBody.length, blobId: planted, etag: "0123", contentMd5: undefined, crc64: undefined }));
    state.objects.set("planted", plantedBody);
    // Files of other names are not the emulator's blobs: kept.
    await writeFile(join(blobs, "notes.txt"), "mine");
    const before = await treeFiles(dir);

    const second = await start(dir);
    try {
      expect(await treeFiles(dir)).toEqual(before.filter((f) => !orphans.map((o) => `blobs/${o}`).includes(f)));
      expect(second.lines).toEqual(["stowage-emulator: data dir: removed 3 blob files that no saved object, part or upload named (left by a crash)"]);
      for (const [key, body] of state.objects) {
        const [status, got] = await get(second.emu, key);
        expect([key, status, got.length, got === body]).toEqual([key, 200, body.length, true]);
      }
      // The upload in progress kept its parts: it completes with their bytes.
      const listed = await cosRequest(second.emu, { method: "GET", bucket: BUCKET, key: "unfinished", query: [["uploadId", state.uploadId]] });
      const etags = [...listed.body.matchAll(/<ETag>([^<]+)<\/ETag>/g)].map((m) => m[1]!);
      expect(etags).toHaveLength(2);
      await completeUpload(second.emu, "unfinished", state.uploadId, etags);
      const [status, got] = await get(second.emu, "unfinished");
      expect([status, got === state.parts.join("")]).toEqual([200, true]);
    } finally {
      await second.emu.stop();
    }

    // A start with nothing to remove says nothing.
    const third = await start(dir);
    await third.emu.stop();
    expect(third.lines).toEqual([]);
  });

  it("a record it cannot read keeps every blob (the one it names is unknown), and says so", async () => {
    const first = await start(dir, [BUCKET]);
    expect((await cosRequest(first.emu, { method: "PUT", bucket: BUCKET, key: "k", body: "kept" })).status).toBe(200);
    await first.emu.stop();
    const orphan = blobName("o");
    await writeFile(join(dir, "blobs", orphan), "maybe named by the broken record");
    await writeFile(join(dir, "meta", "objects", BUCKET, recordName("broken")), '{"key":"broken","blobId":');
    const before = await treeFiles(dir);
    const again = await start(dir);
    try {
      expect(await treeFiles(dir)).toEqual(before);
      const broken = join(dir, "meta", "objects", BUCKET, recordName("broken"));
      expect(again.lines).toEqual([expect.stringMatching(/^stowage-emulator: data dir: blobs no record names were not looked for: record .* cannot be read \(.+\)$/)]);
      expect(again.lines[0]).toContain(`record ${broken} cannot be read (`);
      expect(await get(again.emu, "k")).toEqual([200, "kept"]);
    } finally {
      await again.emu.stop();
    }
  });

  it("removes nothing outside the data dir: a blob-named link is left with its target, and a blobs dir that is a link is not swept", async () => {
    const outside = join(root, "outside");
    await mkdir(outside);
    const target = blobName("o");
    await writeFile(join(outside, target), "not the emulator's");
    const first = await start(dir, [BUCKET]);
    expect((await cosRequest(first.emu, { method: "PUT", bucket: BUCKET, key: "k", body: "kept" })).status).toBe(200);
    await first.emu.stop();

    // A link named as a blob, to a file outside: neither is removed.
    const link = blobName("o");
    await symlink(join(outside, target), join(dir, "blobs", link));
    const second = await start(dir);
    await second.emu.stop();
    expect(second.lines).toEqual([]);
    expect((await readdir(join(dir, "blobs"))).sort()).toContain(link);
    expect(await readFile(join(outside, target), "utf8")).toBe("not the emulator's");

    // `blobs` itself a link to a directory outside: nothing in it is removed, the line says why.
    await rm(join(dir, "blobs", link));
    for (const f of await readdir(join(dir, "blobs"))) await rename(join(dir, "blobs", f), join(outside, f));
    await rm(join(dir, "blobs"), { recursive: true });
    await symlink(outside, join(dir, "blobs"));
    const stale = blobName("p");
    await writeFile(join(outside, stale + ".tmp"), "partial");
    // Nor are temp files removed through a link under `meta`.
    const outsideUploads = join(root, "outside-uploads");
    await mkdir(outsideUploads);
    await writeFile(join(outsideUploads, "0123.json.0a1b2c3d.tmp"), "not the emulator's");
    await rm(join(dir, "meta", "uploads"), { recursive: true, force: true });
    await symlink(outsideUploads, join(dir, "meta", "uploads"));
    const before = (await readdir(outside)).sort();
    const third = await start(dir);
    try {
      expect((await readdir(outside)).sort()).toEqual(before);
      expect(await readdir(outsideUploads)).toEqual(["0123.json.0a1b2c3d.tmp"]);
      expect(third.lines).toEqual([`stowage-emulator: data dir: blobs no record names were not looked for: ${join(dir, "blobs")} is a symbolic link`]);
      // The emulator still serves through the link.
      expect(await get(third.emu, "k")).toEqual([200, "kept"]);
    } finally {
      await third.emu.stop();
    }
  });
});
