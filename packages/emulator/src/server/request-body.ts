import { createHash } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { Crc64, crc64 } from "@stowage/core";
import { ProtocolError } from "../common/protocol-error.js";
import type { ReceivedBody } from "../store/types.js";

/** How a request body is received. */
export interface ReadBodyOptions {
  /** Keep no bytes and compute no digests (bench mode), but the MD5 with `md5WhenDiscarding`. */
  discard: boolean;
  /**
   * With `discard`, still compute the body's MD5 (keeping no bytes): QingStor's ETags are that MD5,
   * which its clients check against what they sent, so its discard mode answers with real ones.
   */
  md5WhenDiscarding?: boolean;
  /** Refuse bodies larger than this (bytes). */
  maxBytes?: number;
}

/** The refusal of a body larger than a request takes. */
const tooLarge = (): ProtocolError => new ProtocolError("EntityTooLarge", "Your proposed upload exceeds the maximum allowed object size.");

/**
 * Reads the whole request body, computing MD5 and CRC-64 as it arrives
 * unless discarding (then the MD5 only with `md5WhenDiscarding`, and no bytes kept). A declared `Content-Length` above `maxBytes` is refused before any of the
 * body is read, as the services refuse it from the header.
 * @throws ProtocolError `EntityTooLarge`
 */
export async function readBody(req: IncomingMessage, opts: ReadBodyOptions): Promise<ReceivedBody> {
  if (opts.maxBytes !== undefined && Number(req.headers["content-length"]) > opts.maxBytes) throw tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  const md5 = opts.discard && opts.md5WhenDiscarding !== true ? undefined : createHash("md5");
  const crc = opts.discard ? undefined : new Crc64();
  for await (const c of req) {
    const chunk = c as Buffer;
    size += chunk.length;
    if (opts.maxBytes !== undefined && size > opts.maxBytes) throw tooLarge();
    md5?.update(chunk);
    if (opts.discard) continue;
    chunks.push(chunk);
    crc!.update(chunk);
  }
  return { chunks, size, md5: md5?.digest(), crc64: crc?.value };
}

/** The body as one Buffer (for XML/JSON request documents). */
export function bodyBytes(body: ReceivedBody): Buffer {
  return body.chunks.length === 1 ? body.chunks[0]! : Buffer.concat(body.chunks);
}

/**
 * Checks a `Content-MD5` header (base64 of the digest) against the body.
 * Skipped when the body was not hashed.
 * @throws ProtocolError `BadDigest` on mismatch, `MalformedDigest` when not base64 of 16 bytes
 */
export function checkContentMd5(headerValue: string | undefined, body: ReceivedBody): void {
  if (headerValue === undefined || body.md5 === undefined) return;
  const given = Buffer.from(headerValue.trim(), "base64");
  if (given.length !== 16) throw new ProtocolError("MalformedDigest", "The Content-MD5 you specified is not valid.");
  if (!given.equals(body.md5)) {
    throw new ProtocolError("BadDigest", "The Content-MD5 you specified did not match what was received.", {
      ExpectedDigest: headerValue,
      CalculatedDigest: body.md5.toString("base64"),
    });
  }
}

/**
 * Flips one byte of a received body (fault injection: corruption after the
 * Content-MD5 check) and recomputes its digests, so the stored ETag and CRC
 * describe the corrupted bytes. `offset` defaults to the middle byte. A body whose bytes were not
 * kept (discard mode, even with its MD5) is left as it is.
 */
export function flipStoredByte(body: ReceivedBody, offset?: number): ReceivedBody {
  if (body.size === 0 || body.md5 === undefined || body.crc64 === undefined) return body;
  const data = Buffer.from(bodyBytes(body));
  const at = Math.min(data.length - 1, Math.max(0, offset ?? Math.floor(data.length / 2)));
  data[at] = data[at]! ^ 0xff;
  return { chunks: [data], size: data.length, md5: createHash("md5").update(data).digest(), crc64: crc64(data) };
}
