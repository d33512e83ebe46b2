import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { createHash, randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startEmulator, type Emulator } from "../src/index.js";

// qingstor-sdk ships no types; the tests use a loose view of it.
type Loose = any; // eslint-disable-line @typescript-eslint/no-explicit-any
const { QingStor, Config } = createRequire(import.meta.url)("qingstor-sdk") as { QingStor: new (cfg: Loose) => Loose; Config: new (opts: Loose) => Loose };

const BUCKET = "qs-sdk-test";
const AK = "QSEMULATORAK";
const SK = "qs-emulator-secret";

let emu: Emulator;
let tmp: string;
let bucket: Loose;

/** A bucket client; GET bodies come back as bytes. */
function client(secret = SK): Loose {
  const cfg = new Config({ access_key_id: AK, secret_access_key: secret, endpoint: `http://127.0.0.1:${emu.port}`, log_level: "error" });
  // Object GETs (not part listings) return bytes; everything else is JSON.
  cfg.getAxiosConfig = (op: { method: string; path: string; params: Record<string, string> }) =>
    op.method === "GET" && op.path.split("/").length > 2 && op.params.upload_id === undefined ? { responseType: "arraybuffer" } : {};
  return new QingStor(cfg);
}

/** The axios error's QingStor body. */
async function failure(p: Promise<unknown>): Promise<{ status: number; code?: string }> {
  try {
    await p;
  } catch (e) {
    const r = (e as { response?: { status: number; data?: unknown } }).response;
    if (r) {
      // object GETs ask axios for bytes, so their error bodies arrive undecoded
      const data = r.data instanceof ArrayBuffer || Buffer.isBuffer(r.data) ? JSON.parse(Buffer.from(r.data as ArrayBuffer).toString() || "{}") : r.data;
      return { status: r.status, code: (data as { code?: string } | undefined)?.code };
    }
    throw e;
  }
  throw new Error("expected the request to fail");
}

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), "qs-emu-"));
  process.env.QINGSTOR_CONFIG_PATH = join(tmp, "config.yaml"); // the SDK writes a default config file there
  emu = await startEmulator({ provider: "qingstor", buckets: [BUCKET], credentials: { accessKey: AK, secretKey: SK } });
  bucket = client().Bucket(BUCKET);
});

afterAll(async () => {
  await emu.stop();
  await rm(tmp, { recursive: true, force: true });
});

describe("qingstor-sdk against the emulator", () => {
  it("puts (201), heads, gets with range, and deletes (204) an object", async () => {
    const key = "dir/a b+c*(x)~!.txt";
    const body = Buffer.from("hello qingstor");
    const put = await bucket.putObject(key, { body, "content-type": "text/plain" });
    expect(put.status).toBe(201);
    expect(put.headers.etag).toBe(`"${createHash("md5").update(body).digest("hex")}"`);
    const head = await bucket.headObject(key);
    expect(head.status).toBe(200);
    expect(head.headers["content-length"]).toBe(String(body.length));
    expect(head.headers["content-type"]).toBe("text/plain");
    const get = await bucket.getObject(key);
    expect(Buffer.from(get.data).toString()).toBe("hello qingstor");
    const range = await bucket.getObject(key, { range: "bytes=6-13" });
    expect(range.status).toBe(206);
    expect(Buffer.from(range.data).toString()).toBe("qingstor");
    expect((await bucket.deleteObject(key)).status).toBe(204);
    expect((await bucket.deleteObject(key)).status).toBe(204);
    expect(await failure(bucket.getObject(key))).toEqual({ status: 404, code: "object_not_exists" });
  });

  it("lists with limit and next_marker", async () => {
    const keys = ["ls/a", "ls/b", "ls/c/1", "ls/c/2", "ls/d"];
    for (const k of keys) await bucket.putObject(k, { body: Buffer.from(k) });
    const names: string[] = [];
    const prefixes: string[] = [];
    let marker: string | undefined;
    let pages = 0;
    for (; pages < 10; pages++) {
      const r = await bucket.listObjects({ prefix: "ls/", delimiter: "/", limit: 2, marker });
      names.push(...r.data.keys.map((k: { key: string }) => k.key));
      prefixes.push(...r.data.common_prefixes);
      if (!r.data.has_more) break;
      marker = r.data.next_marker;
    }
    expect(pages).toBe(1);
    expect(names).toEqual(["ls/a", "ls/b", "ls/d"]);
    expect(prefixes).toEqual(["ls/c/"]);
  });

  it("uploads in parts (0-based, 4 MB minimum) and completes with a chosen ETag", async () => {
    const key = "big/mp.bin";
    const data = randomBytes(4 * 1024 * 1024 + 4096);
    const init = await bucket.initiateMultipartUpload(key, { "content-type": "application/x-test" });
    const upload_id = init.data.upload_id;
    const p0 = await bucket.uploadMultipart(key, { upload_id, part_number: "0", body: data.subarray(0, 4 * 1024 * 1024) });
    expect(p0.status).toBe(201);
    const p1 = await bucket.uploadMultipart(key, { upload_id, part_number: "1", body: data.subarray(4 * 1024 * 1024) });
    expect(p1.status).toBe(201);
    const parts = await bucket.listMultipart(key, { upload_id });
    expect(parts.data.object_parts.map((p: { part_number: number }) => p.part_number)).toEqual([0, 1]);
    const uploads = await bucket.listMultipartUploads({ prefix: "big/" });
    expect(uploads.data.uploads.map((u: { upload_id: string }) => u.upload_id)).toContain(upload_id);
    const etag = `"${createHash("md5").update(data).digest("hex")}"`;
    const done = await bucket.completeMultipartUpload(key, { upload_id, ETag: etag, object_parts: [{ part_number: 0 }, { part_number: 1 }] });
    expect(done.status).toBe(201);
    const head = await bucket.headObject(key);
    expect(head.headers.etag).toBe(etag);
    expect(head.headers["content-type"]).toBe("application/x-test");
    const get = await bucket.getObject(key);
    expect(Buffer.compare(Buffer.from(get.data), data)).toBe(0);
  });

  it("rejects parts under 4 MB and aborts (204)", async () => {
    const key = "big/small-parts.bin";
    const init = await bucket.initiateMultipartUpload(key);
    const upload_id = init.data.upload_id;
    await bucket.uploadMultipart(key, { upload_id, part_number: "0", body: Buffer.alloc(1024) });
    await bucket.uploadMultipart(key, { upload_id, part_number: "1", body: Buffer.alloc(1024) });
    expect(await failure(bucket.completeMultipartUpload(key, { upload_id, object_parts: [{ part_number: 0 }, { part_number: 1 }] }))).toEqual({
      status: 400,
      code: "entity_too_small",
    });
    expect((await bucket.abortMultipartUpload(key, { upload_id })).status).toBe(204);
    expect(await failure(bucket.listMultipart(key, { upload_id }))).toEqual({ status: 404, code: "upload_not_exists" });
  });

  it("appends (200) with position checks", async () => {
    const a = await bucket.appendObject("ap.log", { position: "0", body: Buffer.from("12345") });
    expect(a.status).toBe(200);
    expect(a.headers["x-qs-next-append-position"]).toBe("5");
    const b = await bucket.appendObject("ap.log", { position: "5", body: Buffer.from("6789") });
    expect(b.headers["x-qs-next-append-position"]).toBe("9");
    expect(await failure(bucket.appendObject("ap.log", { position: "3", body: Buffer.from("x") }))).toEqual({ status: 400, code: "invalid_argument" });
    const get = await bucket.getObject("ap.log");
    expect(Buffer.from(get.data).toString()).toBe("123456789");
  });

  it("copies, moves and fetches (201)", async () => {
    await bucket.putObject("cp/src file.txt", { body: Buffer.from("copy me") });
    const copy = await bucket.putObject("cp/copy.txt", { "x-qs-copy-source": `/${BUCKET}/cp/src file.txt` });
    expect(copy.status).toBe(201);
    const move = await bucket.putObject("cp/moved.txt", { "x-qs-move-source": `/${BUCKET}/cp/copy.txt` });
    expect(move.status).toBe(201);
    expect(await failure(bucket.headObject("cp/copy.txt"))).toEqual({ status: 404, code: undefined });
    expect(Buffer.from((await bucket.getObject("cp/moved.txt")).data).toString()).toBe("copy me");
    const req = bucket.getObjectRequest("cp/moved.txt");
    await req.signQuery(60);
    const fetched = await bucket.putObject("cp/fetched.txt", { "x-qs-fetch-source": req.operation.uri });
    expect(fetched.status).toBe(201);
    expect(Buffer.from((await bucket.getObject("cp/fetched.txt")).data).toString()).toBe("copy me");
  });

  it("deletes many objects at once", async () => {
    for (const k of ["md/1", "md/2"]) await bucket.putObject(k, { body: Buffer.from("x") });
    const r = await bucket.deleteMultipleObjects({ objects: [{ key: "md/1" }, { key: "md/2" }], quiet: false });
    expect(r.data.deleted.map((d: { key: string }) => d.key).sort()).toEqual(["md/1", "md/2"]);
    const left = await bucket.listObjects({ prefix: "md/" });
    expect(left.data.keys).toEqual([]);
  });

  it("serves presigned GET and PUT URLs to plain fetch", async () => {
    const putReq = bucket.putObjectRequest("pre/file name.txt", {});
    await putReq.signQuery(60);
    const put = await fetch(putReq.operation.uri, { method: "PUT", body: Buffer.from("presigned") });
    expect(put.status).toBe(201);
    const getReq = bucket.getObjectRequest("pre/file name.txt", { "response-content-type": "text/x-test" });
    await getReq.signQuery(60);
    const get = await fetch(getReq.operation.uri);
    expect(get.status).toBe(200);
    expect(get.headers.get("content-type")).toBe("text/x-test");
    expect(await get.text()).toBe("presigned");
    const bad = await fetch(getReq.operation.uri.replace("file", "fila"));
    expect(bad.status).toBe(401);
  });

  it("reports a wrong secret key as signature_not_matched", async () => {
    const bad = client("wrong").Bucket(BUCKET);
    expect(await failure(bad.putObject("nope.txt", { body: Buffer.from("x") }))).toEqual({ status: 401, code: "signature_not_matched" });
  });

  it("creates, lists, heads and deletes buckets", async () => {
    const qs = client();
    const b = qs.Bucket("fresh-bucket");
    expect((await b.put()).status).toBe(201);
    const list = await qs.listBuckets();
    expect(list.data.buckets.map((x: { name: string }) => x.name)).toContain("fresh-bucket");
    expect((await b.head()).status).toBe(200);
    await b.putObject("k", { body: Buffer.from("v") });
    expect(await failure(b.delete())).toEqual({ status: 409, code: "bucket_not_empty" });
    await b.deleteObject("k");
    expect((await b.delete()).status).toBe(204);
  });
});
