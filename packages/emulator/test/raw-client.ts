/**
 * Test helper: raw signed requests to an emulator, written from protocols.md
 * (COS q-sign, OSS V1, QingStor with `x-qs-date`), so tests control every
 * header a SDK would fill in or refuse to send.
 */
import { createHash, createHmac } from "node:crypto";
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import type { Emulator } from "../src/index.js";

/** What came back. */
export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One request. `query` values of `undefined` are bare flags (`?uploads`). */
export interface RawRequest {
  method: string;
  bucket: string;
  key?: string;
  query?: [string, string | undefined][];
  headers?: Record<string, string>;
  body?: string | Buffer;
}

const enc = (s: string): string => encodeURIComponent(s).replace(/[!'()*]/g, (c) => "%" + c.charCodeAt(0).toString(16).toUpperCase());
const encKey = (k: string): string => k.split("/").map(enc).join("/");
const queryString = (q: [string, string | undefined][]): string => q.map(([k, v]) => (v === undefined ? enc(k) : `${enc(k)}=${enc(v)}`)).join("&");

function send(emu: Emulator, method: string, path: string, headers: Record<string, string>, body?: string | Buffer): Promise<RawResponse> {
  const url = new URL(emu.endpoint);
  const https = url.protocol === "https:";
  return new Promise((resolve, reject) => {
    const opts = { host: url.hostname, port: Number(url.port), method, path, headers, ...(https ? { ca: emu.ca } : {}) };
    const req = (https ? httpsRequest : httpRequest)(opts, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

function withLength(h: Record<string, string>, body: string | Buffer | undefined): Record<string, string> {
  return body === undefined || h["content-length"] !== undefined ? h : { ...h, "content-length": String(Buffer.byteLength(body)) };
}

/** COS, path style, every header and parameter signed. */
export function cosRequest(emu: Emulator, r: RawRequest): Promise<RawResponse> {
  const cred = emu.credential;
  const query = r.query ?? [];
  const h = withLength({ host: `127.0.0.1:${emu.port}`, ...lower(r.headers) }, r.body);
  const names = Object.keys(h).sort();
  const params = query.map(([k, v]) => [k.toLowerCase(), v ?? ""] as const).sort(([a], [b]) => (a < b ? -1 : 1));
  const now = Math.floor(Date.now() / 1000);
  const keyTime = `${now - 60};${now + 900}`;
  const path = `/${r.bucket}/${r.key ?? ""}`;
  const httpString = [r.method.toLowerCase(), path, params.map(([k, v]) => `${enc(k)}=${enc(v)}`).join("&"), names.map((n) => `${enc(n)}=${enc(h[n]!)}`).join("&"), ""].join("\n");
  const stringToSign = `sha1\n${keyTime}\n${createHash("sha1").update(httpString).digest("hex")}\n`;
  const signKey = createHmac("sha1", cred.secretKey).update(keyTime).digest("hex");
  const signature = createHmac("sha1", signKey).update(stringToSign).digest("hex");
  h.authorization = `q-sign-algorithm=sha1&q-ak=${cred.accessKey}&q-sign-time=${keyTime}&q-key-time=${keyTime}&q-header-list=${names.join(";")}&q-url-param-list=${params.map(([k]) => k).join(";")}&q-signature=${signature}`;
  const q = queryString(query);
  return send(emu, r.method, `/${r.bucket}/${encKey(r.key ?? "")}${q ? "?" + q : ""}`, h, r.body);
}

const OSS_SUBRESOURCES = new Set(["append", "position", "uploads", "uploadId", "partNumber", "delete", "bucketInfo"]);

/** OSS V1, path style; bucket `""` addresses the service (GetService). */
export function ossRequest(emu: Emulator, r: RawRequest): Promise<RawResponse> {
  const cred = emu.credential;
  const query = r.query ?? [];
  const h = withLength({ host: `127.0.0.1:${emu.port}`, "x-oss-date": new Date().toUTCString(), ...lower(r.headers) }, r.body);
  const ossHeaders = Object.keys(h)
    .filter((k) => k.startsWith("x-oss-"))
    .sort()
    .map((k) => `${k}:${h[k]!.trim()}\n`)
    .join("");
  const subs = query
    .filter(([k]) => OSS_SUBRESOURCES.has(k))
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([k, v]) => (v === undefined ? k : `${k}=${v}`));
  const root = r.bucket === "" ? "/" : `/${r.bucket}/`; // bucket "": the service (GetService)
  const resource = `${root}${r.key ?? ""}${subs.length ? "?" + subs.join("&") : ""}`;
  const stringToSign = `${r.method}\n${h["content-md5"] ?? ""}\n${h["content-type"] ?? ""}\n${h["x-oss-date"]}\n${ossHeaders}${resource}`;
  h.authorization = `OSS ${cred.accessKey}:${createHmac("sha1", cred.secretKey).update(stringToSign).digest("base64")}`;
  const q = queryString(query);
  return send(emu, r.method, `${root}${encKey(r.key ?? "")}${q ? "?" + q : ""}`, h, r.body);
}

const QS_SUBRESOURCES = new Set(["append", "position", "uploads", "upload_id", "part_number", "delete"]);

/** QingStor, path style, `x-qs-date` (so the Date line is empty). */
export function qsRequest(emu: Emulator, r: RawRequest): Promise<RawResponse> {
  const cred = emu.credential;
  const query = r.query ?? [];
  const h = withLength({ host: `127.0.0.1:${emu.port}`, "x-qs-date": new Date().toUTCString(), ...lower(r.headers) }, r.body);
  const path = `/${r.bucket}${r.key === undefined ? "" : "/" + encKey(r.key)}`;
  const qsHeaders = Object.keys(h)
    .filter((k) => k.startsWith("x-qs-"))
    .sort()
    .map((k) => `${k}:${h[k]!.trim()}\n`)
    .join("");
  const subs = query
    .filter(([k]) => QS_SUBRESOURCES.has(k))
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([k, v]) => (v === undefined ? k : `${k}=${v}`));
  const stringToSign = `${r.method}\n${h["content-md5"] ?? ""}\n${h["content-type"] ?? ""}\n\n${qsHeaders}${path}${subs.length ? "?" + subs.join("&") : ""}`;
  h.authorization = `QS ${cred.accessKey}:${createHmac("sha256", cred.secretKey).update(stringToSign).digest("base64")}`;
  const q = queryString(query);
  return send(emu, r.method, `${path}${q ? "?" + q : ""}`, h, r.body);
}

function lower(h: Record<string, string> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(h ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
}

/** `<Code>` of an XML error body, or `code` of a JSON one. */
export function errorCode(r: RawResponse): string | undefined {
  const xml = /<Code>([^<]*)<\/Code>/.exec(r.body);
  if (xml) return xml[1];
  try {
    return (JSON.parse(r.body) as { code?: string }).code;
  } catch {
    return undefined;
  }
}

/** Base64 MD5 of `data`. */
export const md5Base64 = (data: string | Buffer): string => createHash("md5").update(data).digest("base64");
/** Hex MD5 of `data`. */
export const md5Hex = (data: string | Buffer): string => createHash("md5").update(data).digest("hex");
