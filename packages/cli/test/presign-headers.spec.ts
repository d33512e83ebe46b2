/**
 * `stowage presign` and the object headers: `--cache-control`, `--content-disposition`,
 * `--content-encoding` and `--expires-header` (the Expires header: `--expires` is the URL's
 * lifetime) sign what a presigned write or createMultipart stores, the returned headers carry them,
 * and sending the request as returned stores them; `--response-cache-control`,
 * `--response-content-encoding`, `--response-content-language` and `--response-expires` go in a
 * presigned read's query, and the service answers with them. A value no header can carry, or a
 * date the flag cannot read, is a usage error. In process, against the COS emulator.
 */
import { describe, expect, it } from "@jest/globals";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { ObjectInfo } from "@stowage/core";
import { bytes } from "./helpers.js";
import { useWorkspace } from "./workspace.js";
import { useEmulator } from "./emulators.js";
import { inProcess } from "./cli-run.js";

const BUCKET = "presign-headers-1250000000";
const MiB = 1024 * 1024;
/** The flags of a presigned write or createMultipart, and what the object then holds. */
const FLAGS = ["--cache-control", "public, max-age=60", "--content-disposition", 'attachment; filename="w.txt"', "--content-encoding", "gzip", "--expires-header", "2027-01-01"];
const STORED = { cacheControl: "public, max-age=60", contentDisposition: 'attachment; filename="w.txt"', contentEncoding: "gzip", httpExpires: "Fri, 01 Jan 2027 00:00:00 GMT" };
/** The same, as the returned request's headers (names lower-cased). */
const SIGNED = { "cache-control": STORED.cacheControl, "content-disposition": STORED.contentDisposition, "content-encoding": "gzip", expires: STORED.httpExpires };

interface Request {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
}

const ws = useWorkspace();
const emu = useEmulator({ provider: "cos", buckets: [BUCKET] });
const run = inProcess(ws, { env: () => ({ STOWAGE_PROFILE_EMU: emu.emulator.connectionString(BUCKET, "/p/") }) });

/** The request `presign --json <args>` prints. */
async function presigned(args: string[]): Promise<Request> {
  const r = await run(["presign", "--json", ...args]);
  expect([args.join(" "), r.code, r.stderr]).toEqual([args.join(" "), 0, ""]);
  return JSON.parse(r.stdout) as Request;
}

/** `headers` with lower-cased names. */
const lower = (headers: Record<string, string>): Record<string, string> => Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));

/** Sends `req` as returned (less what fetch sets itself: host, content-length). */
function send(req: Request, body?: Buffer | string): Promise<Response> {
  const headers = Object.fromEntries(Object.entries(req.headers).filter(([k]) => !/^(host|content-length)$/i.test(k)));
  return fetch(req.url, { method: req.method, headers, body: body ?? req.body });
}

/** What `stat --json` shows of the four headers. */
async function headersOf(loc: string): Promise<Partial<ObjectInfo>> {
  const r = await run(["stat", "--json", loc]);
  expect([loc, r.code, r.stderr]).toEqual([loc, 0, ""]);
  const info = JSON.parse(r.stdout) as ObjectInfo;
  return { cacheControl: info.cacheControl, contentDisposition: info.contentDisposition, contentEncoding: info.contentEncoding, httpExpires: info.httpExpires };
}

describe("presign and the object headers", () => {
  it("write: the flags are signed and returned as headers; sending the request as returned stores them", async () => {
    const req = await presigned(["--method", "write", ...FLAGS, "emu:w.txt"]);
    expect(lower(req.headers)).toMatchObject(SIGNED);
    // Without --json too: signed headers make it print the whole request.
    const bare = await run(["presign", "--method", "write", "--cache-control", "no-store", "emu:w.txt"]);
    expect(lower((JSON.parse(bare.stdout) as Request).headers)).toMatchObject({ "cache-control": "no-store" });
    const res = await send(req, "written");
    expect(res.status).toBe(200);
    expect(await headersOf("emu:w.txt")).toEqual(STORED);
    // Sent without one of them, the signature does not match: nothing stored.
    const { expires: _dropped, ...fewer } = lower(req.headers);
    const refused = await send({ ...req, headers: fewer }, "other");
    expect(refused.status).toBe(403);
  });

  it("createMultipart: the upload's object gets them (the parts and the completion through presigned requests too)", async () => {
    const created = await send(await presigned(["--method", "createMultipart", ...FLAGS, "emu:big.bin"]));
    const uploadId = /<UploadId>([^<]+)<\/UploadId>/.exec(await created.text())?.[1];
    expect(uploadId).toBeTruthy();
    const chunks = [bytes(MiB, 5), bytes(1000, 6)];
    const parts = [];
    for (const [index, data] of chunks.entries()) {
      const res = await send(await presigned(["--method", "writeMultipart", "--multipart-id", uploadId!, "--index", String(index), "--size", String(data.length), "emu:big.bin"]), data);
      expect(res.status).toBe(200);
      parts.push({ index, size: data.length, etag: res.headers.get("etag") });
    }
    await writeFile(join(ws.work, "parts.json"), JSON.stringify(parts));
    const done = await send(await presigned(["--method", "completeMultipart", "--multipart-id", uploadId!, "--parts", "parts.json", "emu:big.bin"]));
    expect(done.status).toBe(200);
    expect(await headersOf("emu:big.bin")).toEqual(STORED);
  });

  it("read: the --response-* flags go in the URL's query, and the service answers with them", async () => {
    const put = await send(await presigned(["--method", "write", "emu:r.txt"]), "read me");
    expect(put.status).toBe(200);
    const r = await run([
      "presign",
      "--response-cache-control",
      "no-cache",
      "--response-content-encoding",
      "identity",
      "--response-content-language",
      "en",
      "--response-expires",
      "2027-01-01T08:00:00+08:00",
      "emu:r.txt",
    ]);
    expect([r.code, r.stderr]).toEqual([0, ""]);
    // No header to send: a bare URL.
    const url = new URL(r.stdout.trim());
    const query = Object.fromEntries(["response-cache-control", "response-content-encoding", "response-content-language", "response-expires"].map((k) => [k, url.searchParams.get(k)]));
    expect(query).toEqual({
      "response-cache-control": "no-cache",
      "response-content-encoding": "identity",
      "response-content-language": "en",
      "response-expires": "Fri, 01 Jan 2027 00:00:00 GMT",
    });
    const res = await fetch(url);
    expect([res.status, await res.text()]).toEqual([200, "read me"]);
    expect(["cache-control", "content-encoding", "content-language", "expires"].map((h) => res.headers.get(h))).toEqual([
      "no-cache",
      "identity",
      "en",
      "Fri, 01 Jan 2027 00:00:00 GMT",
    ]);
  });

  it("refuses a date it cannot read or a value no header carries (usage error, exit 2), and a flag the operation does not take", async () => {
    const cases: Array<[string[], string]> = [
      [["--method", "write", "--expires-header", "next week"], "option '--expires-header <http-date>' argument 'next week' is invalid. not a date"],
      [["--response-expires", "2027-13-45"], "option '--response-expires <http-date>' argument '2027-13-45' is invalid. not a date"],
      [["--method", "write", "--content-disposition", "inline; filename=\u00e9"], "Content-Disposition must be printable ASCII"],
      [["--response-content-language", "e\nn"], "is invalid. Content-Language"],
    ];
    for (const [args, message] of cases) {
      const r = await run(["presign", ...args, "emu:x.txt"]);
      expect([args.join(" "), r.code]).toEqual([args.join(" "), 2]);
      expect(r.stderr).toContain(message);
    }
    const wrong = await run(["presign", "--method", "read", "--cache-control", "no-store", "emu:x.txt"]);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain("presign --method read does not take --cache-control (only --method write, createMultipart)");
    const wrongRead = await run(["presign", "--method", "write", "--response-cache-control", "no-store", "emu:x.txt"]);
    expect(wrongRead.code).toBe(2);
    expect(wrongRead.stderr).toContain("presign --method write does not take --response-cache-control (only --method read)");
  });
});
