// A client that hangs up while its request body is arriving (an aborted upload, a presigned PUT
// given up, Ctrl-C) or whose connection stop() closes mid-body is no failure of the emulator
// (review-longrun LOW 1): the request is dropped quietly, counted under byStatus.dropped, never
// logged as "internal error" nor counted as a 500 (a client that leaves during a `delay` fault is
// counted as dropped too). A real failure (a write the data dir refuses)
// still is.
import { afterEach, beforeEach, describe, expect, it, jest } from "@jest/globals";
import "@stowage/cos";
import { newStorager } from "@stowage/core";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startEmulator, type Emulator } from "../src/index.js";
import { cosRequest, errorCode } from "./raw-client.js";

const BUCKET = "gone-1250000000";
const MiB = 1024 * 1024;

/** Polls `check` every 10 ms for up to 5 s; true once it held. */
async function eventually(check: () => boolean): Promise<boolean> {
  for (let i = 0; i < 500; i++) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 10));
  }
  return check();
}

/** A PUT to `url` declaring 8 MiB and sending 256 KiB of it, destroyed once the emulator took it up (`operation` counted). */
function putAndHangUp(url: string, headers: Record<string, string>, emu: Emulator, operation: string): Promise<void> {
  const seen = emu.stats().byOperation[operation] ?? 0;
  return new Promise((resolve, reject) => {
    const req = request(url, { method: "PUT", headers: { ...headers, "content-length": String(8 * MiB) } });
    req.on("error", () => undefined);
    req.on("response", () => reject(new Error("the emulator answered a body it never got whole")));
    req.write(Buffer.alloc(256 * 1024));
    void eventually(() => (emu.stats().byOperation[operation] ?? 0) > seen).then(async () => {
      // The handler is reading the body (the request counted, the rest of its body never comes).
      await new Promise((r) => setTimeout(r, 50));
      req.destroy();
      resolve();
    });
  });
}

describe("a client gone mid-body", () => {
  let emu: Emulator;
  let dir: string;
  let lines: string[];
  beforeEach(async () => {
    lines = [];
    jest.spyOn(console, "error").mockImplementation((...args: unknown[]) => void lines.push(args.map(String).join(" ")));
    dir = await mkdtemp(join(tmpdir(), "emu-gone-"));
    emu = await startEmulator({ provider: "cos", dataDir: dir, buckets: [BUCKET] });
  });
  afterEach(async () => {
    await emu.stop();
    jest.restoreAllMocks();
    await rm(dir, { recursive: true, force: true });
  });

  it("presigned PUTs destroyed mid-body: no log line, no 500, counted as dropped; nothing stored", async () => {
    const store = newStorager(emu.connectionString(BUCKET));
    const p = await store.presign("write", "x", { expires: 60 });
    for (let i = 0; i < 3; i++) await putAndHangUp(p.url, p.headers, emu, "PutObject");
    expect(await eventually(() => emu.stats().byStatus["dropped"] === 3)).toBe(true);
    expect(emu.stats().byStatus["500"]).toBeUndefined();
    expect(lines).toEqual([]);
    const head = await cosRequest(emu, { method: "HEAD", bucket: BUCKET, key: "x" });
    expect(head.status).toBe(404);
  });

  it("a client that leaves during a delay fault is counted as dropped too", async () => {
    const store = newStorager(emu.connectionString(BUCKET));
    const p = await store.presign("read", "x", { expires: 60 });
    emu.setFaults([{ kind: "delay", ms: 60_000, operation: "GetObject" }]);
    const req = request(p.url, { headers: p.headers });
    req.on("error", () => undefined);
    req.end();
    expect(await eventually(() => emu.stats().byOperation["GetObject"] === 1)).toBe(true);
    req.destroy();
    expect(await eventually(() => emu.stats().byStatus["dropped"] === 1)).toBe(true);
    expect(lines).toEqual([]);
  });

  it("a raw UploadPart whose connection stop() closes mid-body: no log line", async () => {
    const init = await cosRequest(emu, { method: "POST", bucket: BUCKET, key: "big", query: [["uploads", undefined]] });
    expect(init.status).toBe(200);
    const uploadId = /<UploadId>([^<]+)<\/UploadId>/.exec(init.body)![1]!;
    const body = Buffer.alloc(2 * MiB);
    const part = cosRequest(emu, {
      method: "PUT",
      bucket: BUCKET,
      key: "big",
      query: [["partNumber", "1"], ["uploadId", uploadId]],
      body,
      hold: { bytes: 128 * 1024, release: new Promise(() => undefined) },
    }).catch(() => "no answer");
    expect(await eventually(() => (emu.stats().byOperation["UploadPart"] ?? 0) === 1)).toBe(true);
    await new Promise((r) => setTimeout(r, 50));
    const stats = emu.stats();
    await emu.stop();
    expect(await part).toBe("no answer");
    // stop() ends the request at once; let its rejection reach the dispatcher.
    await new Promise((r) => setTimeout(r, 50));
    expect(lines).toEqual([]);
    expect(stats.byStatus["500"]).toBeUndefined();
    emu = await startEmulator({ provider: "cos", dataDir: dir });
  });

  it("a real failure is still logged and counted as a 500, beside a client that left", async () => {
    const store = newStorager(emu.connectionString(BUCKET));
    const p = await store.presign("write", "y", { expires: 60 });
    await putAndHangUp(p.url, p.headers, emu, "PutObject");
    expect(await eventually(() => emu.stats().byStatus["dropped"] === 1)).toBe(true);
    // Upload records cannot be written: their directory's name is taken by a file.
    await writeFile(join(dir, "meta", "uploads"), "");
    const res = await cosRequest(emu, { method: "POST", bucket: BUCKET, key: "k", query: [["uploads", undefined]] });
    expect([res.status, errorCode(res)]).toEqual([500, "InternalError"]);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^stowage-emulator: internal error, answered 500 InternalError \(InitiateMultipartUpload on bucket gone-1250000000, request id [0-9a-f]+\): E[A-Z]+: /);
    expect(emu.stats().byStatus["500"]).toBe(1);
  });
});
