import { createHash } from "node:crypto";
import { Crc64 } from "@stowage/core";
import { ProtocolError } from "../common/protocol-error.js";
import type { ReceivedBody } from "../store/types.js";

/** What the fetch source returned. */
export interface FetchedSource {
  body: ReceivedBody;
  contentType?: string;
  lastModified?: number;
}

const MAX_FETCH = 5 * 1024 ** 3;

/**
 * Downloads `x-qs-fetch-source` (http or https; redirects followed). The
 * source must send Content-Length.
 * @throws ProtocolError `NoSuchKey` (source 404), `InvalidArgument` (bad URL, no length), `ServiceUnavailable` (upstream failure)
 */
export async function fetchSource(url: string, discard: boolean): Promise<FetchedSource> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ProtocolError("InvalidArgument", "x-qs-fetch-source is not a valid URL.");
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") throw new ProtocolError("InvalidArgument", "x-qs-fetch-source must be http or https.");
  let res: Response;
  try {
    res = await fetch(parsed, { redirect: "follow", signal: AbortSignal.timeout(60_000) });
  } catch {
    throw new ProtocolError("ServiceUnavailable", "The fetch source could not be reached.");
  }
  if (res.status === 404) throw new ProtocolError("NoSuchKey", "The fetch source does not exist.");
  if (res.status < 200 || res.status > 299 || res.body === null) throw new ProtocolError("ServiceUnavailable", `The fetch source answered ${res.status}.`);
  const length = Number(res.headers.get("content-length") ?? "NaN");
  if (!Number.isSafeInteger(length) || length > MAX_FETCH) throw new ProtocolError("InvalidArgument", "The fetch source must return a Content-Length.");
  const chunks: Buffer[] = [];
  const md5 = createHash("md5");
  const crc = new Crc64();
  let size = 0;
  for await (const c of res.body as unknown as AsyncIterable<Uint8Array>) {
    const b = Buffer.from(c.buffer, c.byteOffset, c.byteLength);
    size += b.length;
    if (discard) continue;
    chunks.push(b);
    md5.update(b);
    crc.update(b);
  }
  const lm = res.headers.get("last-modified");
  return {
    body: discard ? { chunks: [], size } : { chunks, size, md5: md5.digest(), crc64: crc.value },
    contentType: res.headers.get("content-type") ?? undefined,
    lastModified: lm ? Date.parse(lm) : undefined,
  };
}
