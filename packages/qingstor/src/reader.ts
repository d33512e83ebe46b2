import { Readable } from "node:stream";
import { askedRange, ErrorCode, isStorageError, parseWholeNumber, pastTheEnd, rangeBody, withoutEtagConditions, type DriverCallOptions, type DriverReadResult, type RawObject } from "@stowage/core";
import type { QingStorClient } from "./client.js";
import { plainMd5 } from "./etag.js";
import { followLinks, type LinkHop } from "./links.js";
import { getObject } from "./requests.js";
import { objectFromHeaders } from "./responses.js";
import { usesSseC } from "./sse.js";
import { linkTargetOf } from "./virtual-link.js";

/** What {@link readObject} needs of the driver. */
export interface ReadContext {
  readonly client: QingStorClient;
  /** Report a plain-MD5 ETag as `md5`, and a CRC ETag's CRC-64 as `storedCrc64`, on whole reads (core checks the bytes). */
  readonly integrity: boolean;
  /** Follow go-storage's virtual links. */
  readonly virtualLinks: boolean;
  /** The driver's stat (HEAD), which reports virtual links as `link`s. */
  stat(key: string, options: DriverCallOptions): Promise<RawObject>;
}

/**
 * GetObject (with Range); 416 past the end reads nothing (without a Range, a 416 is no QingStor
 * answer: `Unexpected`). A whole read of a
 * normal object whose ETag is a plain MD5 (no Range sent, or a range whose answer covers the whole
 * object: `Content-Range: bytes 0-(n-1)/n`) reports it as `md5`, which core checks
 * against the bytes (across every piece of a resumed read) when the GET says the object is a
 * normal one (see {@link isNormalObject}). An object whose ETag is a Stowage CRC ETag (a multipart
 * object Stowage completed, etag.ts `crc64Etag`) reports that CRC-64 as `storedCrc64` on a whole
 * read, SSE-C or not, which core checks against the bytes (across every piece of a resumed read).
 * With virtual links,
 * an answer with link metadata is dropped and the target read instead, with the
 * same range and options, up to 8 links in a row: the object, ETag and MD5
 * returned are the target's answer, never the link's. A whole read of a link
 * costs two GETs; a ranged one three requests, as a zero-byte link refuses
 * every range (416) and only a HEAD tells it is a link.
 *
 * `If-Match` / `If-None-Match` go on every GET and compare what is finally read: through a link,
 * its target's ETag. QingStor compares them with the ETag of the key asked, so a GET of a link may
 * fail them (412 or 304) for the link's own ETag: with virtual links, such an answer costs a HEAD
 * without them, and a link is then followed (the target's GET decides); anything else keeps the error.
 * @throws StorageError `ObjectNotExist` (the key, or a link's target), `Conflict` (412 or 304: a condition did not hold), `InvalidArgument` (more than 8 links), `PermissionDenied` (SSE-C key), `Unexpected` (a 416 to a GET without a Range), ...
 */
export function readObject(ctx: ReadContext, key: string, range: { offset?: number; size?: number }, options: DriverCallOptions): Promise<DriverReadResult> {
  return followLinks(key, (at) => readOnce(ctx, at, range, options));
}

/** One GetObject of {@link readObject}: the answer, or the target to read when `key` is a virtual link. */
async function readOnce(ctx: ReadContext, key: string, range: { offset?: number; size?: number }, options: DriverCallOptions): Promise<DriverReadResult | LinkHop> {
  const call = getObject(key, range, options, ctx.client.secure);
  let res;
  try {
    res = await ctx.client.send(call, { signal: options.signal, accept: (s) => (s >= 200 && s < 300) || s === 416 });
  } catch (e) {
    if (!isConditionFailure(e)) throw e;
    const target = await linkTargetAt(ctx, key, options).catch(() => undefined);
    if (target === undefined) throw e;
    return { follow: target };
  }
  // Past the end of a ranged read (or a zero-byte link); without a Range it is no answer of QingStor's.
  if (await pastTheEnd(res)) {
    const target = await linkTargetAt(ctx, key, options);
    return target === undefined ? { stream: Readable.from([]) } : { follow: target };
  }
  const target = ctx.virtualLinks ? linkTargetOf(key, res.headers) : undefined;
  if (target !== undefined) {
    await res.discard();
    return { follow: target };
  }
  // A 206 must be for the range asked; a 200 (Range ignored) is cut down to it.
  const { stream, object, past } = rangeBody(res, range, () => objectFromHeaders(key, res.status, res.headers));
  if (past) return { stream, object };
  const ranged = askedRange(res);
  const md5 = plainMd5(object.etag);
  const encrypted = usesSseC(options) || object.system?.["encryptionCustomerAlgorithm"] !== undefined;
  const whole = ranged ? coversWholeObject(res.status, res.header("content-range"), range, object.size) : res.status === 200;
  const crc64 = object.crc64;
  if (crc64 !== undefined) {
    // A Stowage CRC ETag (a multipart object): the CRC-64 of its plain bytes, whatever the encryption.
    return ctx.integrity && whole ? { stream, object, storedCrc64: crc64 } : { stream, object };
  }
  if (ctx.integrity && whole && md5 !== undefined && object.mode === "file" && !encrypted && isNormalObject(object)) {
    return { stream, object, md5 };
  }
  return { stream, object };
}

/**
 * True when the answer to a ranged GET delivers the whole object, so its MD5 can be vouched for as
 * for a read without Range: a 206 whose `Content-Range` is `bytes 0-(n-1)/n` (a range asked as
 * `{ size: n }` or `{ offset: 0, size: >= n }`), or a 200 (Range ignored) that the slice leaves whole.
 * Both numbers must be exact (up to 2^53 - 1): anything larger is not read as a whole object.
 */
function coversWholeObject(status: number, contentRange: string | undefined, range: { offset?: number; size?: number }, size: number | undefined): boolean {
  if (status === 200) return (range.offset ?? 0) === 0 && size !== undefined && (range.size === undefined || range.size >= size);
  if (status !== 206 || contentRange === undefined) return false;
  const m = /^\s*bytes\s+0-(\d+)\/(\d+)\s*$/i.exec(contentRange);
  if (m === null) return false;
  // Exact numbers only: two values above 2^53 - 1 could round to ones that look whole.
  const last = parseWholeNumber(m[1]);
  const total = parseWholeNumber(m[2]);
  return last !== undefined && total !== undefined && total > 0 && last === total - 1;
}

/**
 * True when the GET said the object is a normal one (a single PUT, or a copy of one), whose
 * plain-MD5 ETag is the MD5 of its bytes; an appendable object's ETag is not. QingStor documents
 * `x-qs-object-type` for HEAD only: a GET without it is not checked against its ETag (asking a
 * HEAD while the GET's body waits would cost a second connection and a round trip per read), so
 * such a read is checked by its length only.
 */
function isNormalObject(object: RawObject): boolean {
  const type = object.system?.["objectType"];
  return type !== undefined && String(type).toLowerCase() === "normal";
}

/** A 412 or 304: a condition of the GET did not hold. */
function isConditionFailure(e: unknown): boolean {
  return isStorageError(e, ErrorCode.Conflict) && (e.statusCode === 412 || e.statusCode === 304);
}

/**
 * The target of `key` when it is a virtual link (a HEAD without the conditions, which compare what a
 * read finally reads), else undefined; always undefined without virtual links or for a `dir/` key.
 * @throws StorageError from the HEAD
 */
async function linkTargetAt(ctx: ReadContext, key: string, options: DriverCallOptions): Promise<string | undefined> {
  if (!ctx.virtualLinks || key.endsWith("/")) return undefined;
  const o = await ctx.stat(key, withoutEtagConditions(options));
  return o.mode === "link" ? o.linkTarget!.slice(1) : undefined;
}
