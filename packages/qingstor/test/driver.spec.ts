import { createHash, randomBytes, randomUUID } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { createStorager, mergePairs, newServicer, newStorager, parseEndpoint, type Storager } from "@stowage/core";
import { startEmulator, type Emulator } from "@stowage/emulator";
import { checkPresignedStorageClass } from "@stowage/behavior-tests";
import { zoneAddress } from "../src/addressing.js";
import { QingStorClient } from "../src/client.js";
import { qingstorService, type QingStorOptions } from "../src/index.js";
import { QingStorServiceDriver } from "../src/servicer.js";
import { QingStorStorageDriver } from "../src/storager.js";
import { startFetchSource } from "./fetch-source.js";

const BUCKET = "driver-bucket";
const MiB = 1024 * 1024;
const CREDS = { accessKeyId: "stowage-ak", secretAccessKey: "stowage-sk" };
let emulator: Emulator;

const sha = (b: Buffer): string => createHash("sha256").update(b).digest("hex");

beforeAll(async () => {
  emulator = await startEmulator({ provider: "qingstor", buckets: [BUCKET] });
});

afterAll(async () => {
  await emulator.stop();
});

function store(workDir = `/${randomUUID()}/`): Storager<QingStorOptions> {
  return newStorager<QingStorOptions>(emulator.connectionString(BUCKET, workDir));
}

/** A storager over a driver built directly, to set tuning the pairs do not expose. */
function tunedStorager(copyThreshold: number, copyPartSize: number): Storager {
  const client = new QingStorClient(zoneAddress("pek3a", parseEndpoint(`http:127.0.0.1:${emulator.port}`)), BUCKET, CREDS);
  const driver = new QingStorStorageDriver(client, BUCKET, "pek3a", true, { copyThreshold, copyPartSize });
  const config = { name: BUCKET, workDir: `/${randomUUID()}/` };
  return createStorager(driver, { definition: qingstorService, config, pairs: mergePairs(qingstorService), defaults: {}, loose: false });
}

describe("qingstor driver on the emulator", () => {
  it("a presigned PUT and Initiate sign default_storage_class; a presigned read ignores it", async () => {
    await checkPresignedStorageClass(emulator.connectionString(BUCKET, `/${randomUUID()}/`), "STANDARD_IA", "x-qs-storage-class");
  });

  it("copies above the threshold with part copies, keeping bytes, type, metadata and storage class", async () => {
    const s = tunedStorager(MiB, 4 * MiB);
    const data = randomBytes(4 * MiB + 99);
    await s.write("src.bin", data, { contentType: "application/x-big", metadata: { k: "v" }, storageClass: "STANDARD_IA" });
    emulator.resetStats();
    await s.copy("src.bin", "dst.bin");
    expect(emulator.stats().byOperation["UploadPartCopy"]).toBe(2);
    expect(emulator.stats().byOperation["CopyObject"]).toBeUndefined();
    const o = await s.stat("dst.bin");
    expect(o).toMatchObject({ size: data.length, contentType: "application/x-big", metadata: { k: "v" }, storageClass: "STANDARD_IA" });
    expect(o.etag).toMatch(/^"[0-9a-f]{32}-2"$/);
    expect(sha(await s.read("dst.bin"))).toBe(sha(data));
    await s.deleteMany(["src.bin", "dst.bin"]);
  });

  it("keeps a metadata name like an inherited member (__proto__) as the entry it is, through the wire and back", async () => {
    const s = store();
    await s.write("proto-meta", "x", { metadata: JSON.parse('{"__proto__":"p","constructor":"c"}') as Record<string, string> });
    expect(JSON.stringify((await s.stat("proto-meta")).metadata)).toBe('{"__proto__":"p","constructor":"c"}');
    await s.delete("proto-meta");
  });

  it("moves natively with x-qs-move-source (no copy, no delete)", async () => {
    const s = store();
    await s.write("from", "move me", { metadata: { a: "b" } });
    emulator.resetStats();
    await s.move("from", "to");
    expect(emulator.stats().byOperation).toMatchObject({ MoveObject: 1 });
    expect(emulator.stats().byOperation["CopyObject"]).toBeUndefined();
    expect(emulator.stats().byOperation["DeleteObject"]).toBeUndefined();
    expect((await s.read("to")).toString()).toBe("move me");
    expect((await s.stat("to")).metadata).toEqual({ a: "b" });
    await expect(s.stat("from")).rejects.toMatchObject({ code: "ObjectNotExist" });
    await s.delete("to");
  });

  it("refuses a move of a `d/` source with ObjectModeInvalid, sending no move (a missing `d/` is ObjectNotExist, as on every driver)", async () => {
    const s = store();
    await s.createDir("d");
    await s.write("d/in.txt", "below");
    await expect(s.move("d/", "e")).rejects.toMatchObject({ code: "ObjectModeInvalid" });
    await expect(s.move("nothing/", "e")).rejects.toMatchObject({ code: "ObjectNotExist" });
    expect((await s.stat("d/")).mode).toBe("dir");
    await expect(s.stat("e")).rejects.toMatchObject({ code: "ObjectNotExist" });
    await s.deleteMany(["d/in.txt"]);
    await s.delete("d", { mode: "dir" });
  });

  it("fetches into the work_dir key, not the bare path (go-storage bug)", async () => {
    const data = randomBytes(3000);
    const source = await startFetchSource((_req, res) => {
      res.writeHead(200, { "content-type": "application/x-fetched", "content-length": String(data.length) });
      res.end(data);
    });
    try {
      const dir = randomUUID();
      const s = store(`/${dir}/`);
      await s.fetch("got/it.bin", `${source.base}/x.bin`);
      expect(sha(await s.read("got/it.bin"))).toBe(sha(data));
      const root = store("/");
      expect((await root.stat(`${dir}/got/it.bin`)).size).toBe(3000);
      await expect(root.stat("got/it.bin")).rejects.toMatchObject({ code: "ObjectNotExist" });
      await s.delete("got/it.bin");
    } finally {
      await source.stop();
    }
  });

  it("stores the S3-style ETag on complete, and simple writes report the body's MD5", async () => {
    const s = newStorager(`${emulator.connectionString(BUCKET, `/${randomUUID()}/`)}&multipart_threshold=1MiB&part_size=4MiB`);
    const big = randomBytes(4 * MiB + 1);
    const result = await s.write("mp", big);
    expect(result.parts).toBe(2);
    expect((await s.stat("mp")).etag).toBe(result.etag);
    expect(result.etag).toMatch(/-2"$/);
    const small = randomBytes(100);
    expect((await s.write("sp", small)).etag).toBe(`"${createHash("md5").update(small).digest("hex")}"`);
    await s.deleteMany(["mp", "sp"]);
  });

  it("treats a prefix with keys below it as a dir even without a marker", async () => {
    const s = store();
    await s.write("implied/x/file", "x");
    expect((await s.stat("implied/x", { mode: "dir" })).mode).toBe("dir");
    await expect(s.stat("implied/y", { mode: "dir" })).rejects.toMatchObject({ code: "ObjectNotExist" });
    await s.delete("implied/x/file");
  });

  it("lists in dir mode without the dir's own marker and in prefix mode without dir markers, page by page", async () => {
    const s = store();
    await s.createDir("d/");
    await s.createDir("d/sub/");
    await s.write("d/a", "1");
    await s.write("d/sub/b", "2");
    const dir = [];
    for await (const o of s.list("d/", { mode: "dir", limit: 1 })) dir.push(`${o.path}:${o.mode}`);
    expect(dir).toEqual(["d/a:file", "d/sub/:dir"]);
    const flat = [];
    for await (const o of s.list("d/", { mode: "prefix", limit: 1 })) flat.push(o.path);
    expect(flat).toEqual(["d/a", "d/sub/b"]);
    await s.deleteMany(["d/a", "d/sub/b"]);
    await s.delete("d/sub/", { mode: "dir" });
    await s.delete("d/", { mode: "dir" });
  });

  it("refuses an append to a plain object with ObjectModeInvalid and a moved position with Conflict", async () => {
    const s = store();
    await s.write("plain", "x");
    await expect(s.writeAppend({ path: "plain", mode: "append", size: 1, appendOffset: 1 }, "more")).rejects.toMatchObject({ code: "ObjectModeInvalid" });
    const o = await s.createAppend("log", { contentType: "text/plain" });
    const stale = { ...o };
    await s.writeAppend(o, "abc");
    await expect(s.writeAppend(stale, "zzz")).rejects.toMatchObject({ code: "Conflict", statusCode: 400 });
    expect((await s.read("log")).toString()).toBe("abc");
    expect(await s.stat("log")).toMatchObject({ mode: "append", appendOffset: 3, contentType: "text/plain" });
    await s.deleteMany(["plain", "log"]);
  });

  it("refuses a wrong secret with PermissionDenied and keeps it out of the error", async () => {
    const s = newStorager(`qingstor://${BUCKET}/?credential=hmac:stowage-ak:WRONG-SECRET-123&endpoint=http:127.0.0.1:${emulator.port}`);
    const e = await s.write("x", "y").catch((x: unknown) => x as Error);
    expect(e).toMatchObject({ code: "PermissionDenied", statusCode: 401 });
    expect((e as { requestId?: string }).requestId).toBeTruthy();
    expect(String(e)).not.toContain("WRONG-SECRET-123");
    expect(JSON.stringify(e)).not.toContain("WRONG-SECRET-123");
  });
});

describe("qingstor servicer", () => {
  it("creates, lists and deletes buckets on the emulator", async () => {
    const srv = newServicer(`qingstor://?credential=hmac:stowage-ak:stowage-sk&endpoint=http:127.0.0.1:${emulator.port}&location=pek3a`);
    const name = `made-${Date.now()}`;
    const created = await srv.create(name);
    await created.write("hello", "bucket");
    const found: Array<[string, string | undefined]> = [];
    for await (const s of srv.list()) found.push([s.info.name, s.info.location]);
    expect(found).toEqual(expect.arrayContaining([[BUCKET, "pek3a"], [name, "pek3a"]]));
    await expect(srv.delete(name)).rejects.toMatchObject({ code: "Conflict" });
    await created.delete("hello");
    await srv.delete(name);
    await expect(srv.delete(name)).rejects.toMatchObject({ code: "ObjectNotExist" });
  });

  it("pages ListBuckets by offset and limit until count", async () => {
    const names = ["b-one", "b-two", "b-three", "b-four", "b-five"];
    const asked: string[] = [];
    const server = createServer((req, res) => {
      const url = new URL(req.url ?? "/", "http://x");
      asked.push(url.search);
      const offset = Number(url.searchParams.get("offset"));
      const limit = Number(url.searchParams.get("limit"));
      const buckets = names.slice(offset, offset + limit).map((name) => ({ name, location: "pek3b" }));
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ count: names.length, buckets }));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const driver = new QingStorServiceDriver(CREDS, parseEndpoint(`http:127.0.0.1:${(server.address() as AddressInfo).port}`), undefined, {}, 2);
      const seen: string[] = [];
      let token: string | undefined;
      for (let i = 0; i < 10; i++) {
        const page = await driver.list(token, {});
        seen.push(...page.items.map((b) => b.name));
        token = page.nextToken;
        if (token === undefined) break;
      }
      expect(seen).toEqual(names);
      expect(asked).toEqual(["?limit=2&offset=0", "?limit=2&offset=2", "?limit=2&offset=4"]);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
