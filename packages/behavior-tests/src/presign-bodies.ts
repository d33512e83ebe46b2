import { expect } from "@jest/globals";
import type { Storager } from "@stowage/core";

/** The same three bytes as each kind of body `fetch` takes (it types strings and typed Blobs itself). */
function bodies(): Array<[string, Buffer | string | Blob]> {
  return [
    ["string", "abc"],
    ["typed Blob", new Blob(["abc"], { type: "application/pdf" })],
    ["Buffer", Buffer.from("abc")],
    ["untyped Blob", new Blob(["abc"])],
  ];
}

/** Sends a presigned request exactly as returned, with `body`; resolves with the answer (its body read). */
async function send(p: { method: string; url: string; headers: Record<string, string> }, body?: Buffer | string | Blob): Promise<Response> {
  const res = await fetch(p.url, { method: p.method, headers: p.headers, ...(body === undefined ? {} : { body }) });
  await res.arrayBuffer();
  return res;
}

/** A presigned PUT signs a Content-Type (`content_type`, else `application/octet-stream`) and takes every body type. */
async function putTakesEveryBody(open: (query: string) => Storager, ok: number): Promise<void> {
  const s = open("");
  for (const [name, body] of bodies()) {
    const p = await s.presign("write", "put", { expires: 60 });
    expect([name, (await send(p, body)).status]).toEqual([name, ok]);
    expect(p.headers["content-type"]).toBe("application/octet-stream");
    expect((await s.read("put")).toString()).toBe("abc");
    expect((await s.stat("put")).contentType).toBe("application/octet-stream");
  }
  const typed = await s.presign("write", "typed", { expires: 60, contentType: "text/csv" });
  expect(typed.headers["content-type"]).toBe("text/csv");
  expect((await send(typed, new Blob(["a,b"], { type: "application/pdf" }))).status).toBe(ok);
  expect((await s.stat("typed")).contentType).toBe("text/csv");
  await s.deleteMany(["put", "typed"]);
}

/** A presigned PUT signs `default_content_type` when the call gives none; a part signs `application/octet-stream`. */
async function putSignsDefault(open: (query: string) => Storager, ok: number): Promise<void> {
  const s = open("&default_content_type=text/markdown");
  const p = await s.presign("write", "doc.md", { expires: 60 });
  expect(p.headers["content-type"]).toBe("text/markdown");
  expect((await send(p, "# abc")).status).toBe(ok);
  expect((await s.stat("doc.md")).contentType).toBe("text/markdown");
  // A part has no content type of its own: the default is the upload's, set at initiate.
  const up = await s.createMultipart("mp.md");
  const part = await s.presign("writeMultipart", "mp.md", { expires: 60, multipartId: up.multipartId!, index: 0 });
  expect(part.headers["content-type"]).toBe("application/octet-stream");
  await s.delete("mp.md", { multipartId: up.multipartId! });
  await s.delete("doc.md");
}

/** A presigned part upload signs `application/octet-stream` and takes every body type. */
async function partTakesEveryBody(open: (query: string) => Storager, ok: number): Promise<void> {
  const s = open("");
  for (const [name, body] of bodies()) {
    const up = await s.createMultipart("mp.bin", { contentType: "text/plain" });
    const p = await s.presign("writeMultipart", "mp.bin", { expires: 60, multipartId: up.multipartId!, index: 0 });
    const res = await send(p, body);
    expect([name, res.status]).toEqual([name, ok]);
    expect(p.headers["content-type"]).toBe("application/octet-stream");
    const etag = res.headers.get("etag");
    expect(etag).not.toBeNull();
    await s.completeMultipart(up, [{ index: 0, size: 3, etag: etag! }]);
    expect((await s.read("mp.bin")).toString()).toBe("abc");
    expect((await s.stat("mp.bin")).contentType).toBe("text/plain");
  }
  await s.delete("mp.bin");
}

/**
 * Checks presigned uploads as a client sends them with `fetch`, on a service that signs
 * Content-Type (OSS, QingStor): a presigned PUT signs `content_type` (else
 * `application/octet-stream`, or `default_content_type`) and a part `application/octet-stream`,
 * returns it in `headers`, and sending exactly those headers works with every body type, each
 * answered with `ok` (the service's success status). `open(query)` opens a storager on a fresh,
 * empty work_dir with `query` appended to its connection string.
 */
export async function checkPresignedUploadBodies(open: (query: string) => Storager, ok: number): Promise<void> {
  await putTakesEveryBody(open, ok);
  await putSignsDefault(open, ok);
  await partTakesEveryBody(open, ok);
}
