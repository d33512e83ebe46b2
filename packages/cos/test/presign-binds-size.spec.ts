// features.presignBindsSize (review-presign M1): COS signs a presign's Content-Length and Range, so the URL
// refuses another length or range; the flag says so.
import { randomUUID } from "node:crypto";
import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { newStorager, type PresignedRequest } from "@stowage/core";
import { startEmulator, type Emulator } from "@stowage/emulator";
import "../src/index.js";

const BUCKET = "presign-size-1250000000";
let emulator: Emulator;
beforeAll(async () => {
  emulator = await startEmulator({ provider: "cos", buckets: [BUCKET] });
});
afterAll(async () => {
  await emulator.stop();
});

/** Sends `p` with its headers but `drop`, plus `extra`, and `body` with its true Content-Length. */
function send(p: PresignedRequest, body: Buffer | undefined, drop: string[] = [], extra: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(p.headers)) if (!drop.includes(k.toLowerCase()) && k.toLowerCase() !== "content-length") headers[k] = v;
  if (body !== undefined) headers["content-length"] = String(body.length);
  const u = new URL(p.url);
  return new Promise((resolve, reject) => {
    const req = request({ host: u.hostname, port: u.port, method: p.method, path: u.pathname + u.search, headers: { ...headers, ...extra } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

describe("cos presign binds size and offset", () => {
  it("features.presignBindsSize is true", () => {
    expect(newStorager(emulator.connectionString(BUCKET, "/")).features.presignBindsSize).toBe(true);
  });

  it("a presigned write with size refuses another length and stores nothing; the signed length is stored", async () => {
    const store = newStorager(emulator.connectionString(BUCKET, `/${randomUUID()}/`));
    const put = await store.presign("write", "w.txt", { expires: 600, size: 13 });
    expect(put.headers["content-length"]).toBe("13");
    expect((await send(put, Buffer.from("fifteen bytes!!"))).status).toBe(403);
    await expect(store.stat("w.txt")).rejects.toMatchObject({ code: "ObjectNotExist" });
    expect((await send(put, Buffer.from("thirteen byte"))).status).toBe(200);
    expect((await store.stat("w.txt")).size).toBe(13);
  });

  it("a presigned read with offset and size refuses another range or none", async () => {
    const store = newStorager(emulator.connectionString(BUCKET, `/${randomUUID()}/`));
    await store.write("r.txt", "0123456789abc");
    const get = await store.presign("read", "r.txt", { expires: 600, offset: 2, size: 5 });
    expect(await send(get, undefined)).toEqual({ status: 206, body: "23456" });
    expect((await send(get, undefined, ["range"])).status).toBe(403);
    expect((await send(get, undefined, ["range"], { range: "bytes=0-12" })).status).toBe(403);
  });
});
