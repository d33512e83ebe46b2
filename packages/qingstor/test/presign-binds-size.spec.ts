// features.presignBindsSize (review-presign M1): QingStor returns a presign's Content-Length and Range
// among the headers to send but signs neither, so the URL does not bind them; the flag says so.
import { randomUUID } from "node:crypto";
import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { newStorager, type PresignedRequest } from "@stowage/core";
import { startEmulator, type Emulator } from "@stowage/emulator";
import "../src/index.js";

const BUCKET = "presign-size";
let emulator: Emulator;
beforeAll(async () => {
  emulator = await startEmulator({ provider: "qingstor", buckets: [BUCKET] });
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

describe("qingstor presign does not bind size and offset", () => {
  it("features.presignBindsSize is false", () => {
    expect(newStorager(emulator.connectionString(BUCKET, "/")).features.presignBindsSize).toBe(false);
  });

  it("a presigned write's size is a header to send, not a limit: another length is stored", async () => {
    const store = newStorager(emulator.connectionString(BUCKET, `/${randomUUID()}/`));
    const put = await store.presign("write", "w.txt", { expires: 600, size: 13 });
    expect(put.headers["content-length"]).toBe("13");
    expect((await send(put, Buffer.from("fifteen bytes!!"))).status).toBe(201);
    expect((await store.stat("w.txt")).size).toBe(15);
  });

  it("a presigned read's range is a header to send, not a limit: without it the whole object is served", async () => {
    const store = newStorager(emulator.connectionString(BUCKET, `/${randomUUID()}/`));
    await store.write("r.txt", "0123456789abc");
    const get = await store.presign("read", "r.txt", { expires: 600, offset: 2, size: 5 });
    expect(await send(get, undefined)).toEqual({ status: 206, body: "23456" });
    expect(await send(get, undefined, ["range"])).toEqual({ status: 200, body: "0123456789abc" });
  });
});
