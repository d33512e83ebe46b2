/**
 * Presigned OSS requests as a client sends them with `fetch`: a ranged read past the end is a 416
 * (x-oss-range-behavior is signed), and a presigned PUT or part upload works with every body type
 * `fetch` takes (it types strings and typed Blobs by itself unless the request names a Content-Type).
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { newStorager, type Storager } from "@stowage/core";
import { startEmulator, type Emulator } from "@stowage/emulator";
import "../src/index.js";

const BUCKET = "presign-bodies";
const VERSIONS = [["v1", ""], ["v4", "&signature_version=v4"]] as const;
let emulator: Emulator;

beforeAll(async () => {
  emulator = await startEmulator({ provider: "oss", buckets: [BUCKET] });
});
afterAll(async () => {
  await emulator.stop();
});

function open(extra: string): Storager {
  return newStorager(`${emulator.connectionString(BUCKET, `/${randomUUID()}/`)}${extra}`);
}

/** The same three bytes as each kind of body `fetch` takes. */
function bodies(): Array<[string, Buffer | string | Blob]> {
  return [
    ["string", "abc"],
    ["typed Blob", new Blob(["abc"], { type: "application/pdf" })],
    ["Buffer", Buffer.from("abc")],
    ["untyped Blob", new Blob(["abc"])],
  ];
}

describe.each(VERSIONS)("oss presign (%s)", (_version, extra) => {
  it("a presigned ranged read signs x-oss-range-behavior: a range at or past the end is a 416, not the whole object", async () => {
    const s = open(extra);
    await s.write("ten", "0123456789");
    for (const range of [{ offset: 10 }, { offset: 15 }, { offset: 12, size: 2 }]) {
      const p = await s.presign("read", "ten", { expires: 60, ...range });
      const res = await fetch(p.url, { method: p.method, headers: p.headers });
      await res.arrayBuffer();
      expect([range, res.status]).toEqual([range, 416]);
      expect(p.headers).toMatchObject({ "x-oss-range-behavior": "standard" });
    }
    for (const [range, bytes] of [[{ offset: 8 }, "89"], [{ offset: 8, size: 5 }, "89"], [{ offset: 2, size: 3 }, "234"]] as const) {
      const p = await s.presign("read", "ten", { expires: 60, ...range });
      const res = await fetch(p.url, { method: p.method, headers: p.headers });
      expect([res.status, await res.text()]).toEqual([206, bytes]);
    }
    const whole = await s.presign("read", "ten", { expires: 60 });
    expect(whole.headers).toEqual({});
    await s.delete("ten");
  });

  it("a presigned PUT signs a Content-Type (content_type, else application/octet-stream) and takes every body type", async () => {
    const s = open(extra);
    for (const [name, body] of bodies()) {
      const p = await s.presign("write", "put", { expires: 60 });
      const res = await fetch(p.url, { method: p.method, headers: p.headers, body });
      await res.arrayBuffer();
      expect([name, res.status]).toEqual([name, 200]);
      expect(p.headers["content-type"]).toBe("application/octet-stream");
      expect((await s.read("put")).toString()).toBe("abc");
      expect((await s.stat("put")).contentType).toBe("application/octet-stream");
    }
    const typed = await s.presign("write", "typed", { expires: 60, contentType: "text/csv" });
    expect(typed.headers["content-type"]).toBe("text/csv");
    const res = await fetch(typed.url, { method: typed.method, headers: typed.headers, body: new Blob(["a,b"], { type: "application/pdf" }) });
    await res.arrayBuffer();
    expect(res.status).toBe(200);
    expect((await s.stat("typed")).contentType).toBe("text/csv");
    await s.deleteMany(["put", "typed"]);
  });

  it("a presigned PUT signs default_content_type when the call gives none; a part signs application/octet-stream", async () => {
    const s = open(`${extra}&default_content_type=text/markdown`);
    const p = await s.presign("write", "doc.md", { expires: 60 });
    expect(p.headers["content-type"]).toBe("text/markdown");
    const res = await fetch(p.url, { method: p.method, headers: p.headers, body: "# abc" });
    await res.arrayBuffer();
    expect(res.status).toBe(200);
    expect((await s.stat("doc.md")).contentType).toBe("text/markdown");
    // A part has no content type of its own: the default is the upload's, set at initiate.
    const up = await s.createMultipart("mp.md");
    const part = await s.presign("writeMultipart", "mp.md", { expires: 60, multipartId: up.multipartId!, index: 0 });
    expect(part.headers["content-type"]).toBe("application/octet-stream");
    await s.delete("mp.md", { multipartId: up.multipartId! });
    await s.delete("doc.md");
  });

  it("a presigned part upload signs Content-Type application/octet-stream and takes every body type", async () => {
    const s = open(extra);
    for (const [name, body] of bodies()) {
      const up = await s.createMultipart("mp.bin", { contentType: "text/plain" });
      const p = await s.presign("writeMultipart", "mp.bin", { expires: 60, multipartId: up.multipartId!, index: 0 });
      const res = await fetch(p.url, { method: p.method, headers: p.headers, body });
      await res.arrayBuffer();
      expect([name, res.status]).toEqual([name, 200]);
      expect(p.headers["content-type"]).toBe("application/octet-stream");
      const etag = res.headers.get("etag");
      expect(etag).not.toBeNull();
      await s.completeMultipart(up, [{ index: 0, size: 3, etag: etag! }]);
      expect((await s.read("mp.bin")).toString()).toBe("abc");
      expect((await s.stat("mp.bin")).contentType).toBe("text/plain");
    }
    await s.delete("mp.bin");
  });
});
