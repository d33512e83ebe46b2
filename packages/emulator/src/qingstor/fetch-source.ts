import { createHash } from "node:crypto";
import { checkHttpUrl, Crc64, ErrorCode, isStorageError, openUrl, type OpenedUrl } from "@stowage/core";
import { ProtocolError } from "../common/protocol-error.js";
import type { ReceivedBody } from "../store/types.js";

/** What the fetch source returned. */
export interface FetchedSource {
  body: ReceivedBody;
  contentType?: string;
  lastModified?: number;
}

const MAX_FETCH = 5 * 1024 ** 3;

/** The ProtocolError a failed GET of the fetch source answers with (the source's own status as QingStor maps it). */
function upstreamError(e: unknown): ProtocolError {
  if (isStorageError(e, ErrorCode.ObjectNotExist)) return new ProtocolError("NoSuchKey", "The fetch source does not exist.");
  // A source's 401/403 (InvalidArgument with that status) is its failure to serve, as any other status.
  const refused = isStorageError(e) && (e.statusCode === 401 || e.statusCode === 403);
  if (isStorageError(e, ErrorCode.InvalidArgument) && !refused) return new ProtocolError("InvalidArgument", "x-qs-fetch-source must be an http or https URL (redirects too).");
  return new ProtocolError("ServiceUnavailable", "The fetch source could not be read.");
}

/**
 * Downloads `x-qs-fetch-source` (http or https; redirects followed) with core's `openUrl`, which
 * keeps the bytes as the source sent them (a `Content-Encoding` is never decoded, as a service's
 * own fetch stores an object's bytes). The source must send Content-Length.
 * @throws ProtocolError `NoSuchKey` (source 404), `InvalidArgument` (bad URL, no length), `ServiceUnavailable` (upstream failure)
 */
export async function fetchSource(url: string, discard: boolean): Promise<FetchedSource> {
  try {
    checkHttpUrl(url);
  } catch {
    throw new ProtocolError("InvalidArgument", "x-qs-fetch-source must be a valid http or https URL.");
  }
  let opened: OpenedUrl;
  try {
    opened = await openUrl(url, AbortSignal.timeout(60_000));
  } catch (e) {
    throw upstreamError(e);
  }
  const length = opened.size;
  if (length === undefined || length > MAX_FETCH) {
    opened.body.destroy();
    throw new ProtocolError("InvalidArgument", "The fetch source must return a Content-Length.");
  }
  const chunks: Buffer[] = [];
  const md5 = createHash("md5");
  const crc = new Crc64();
  let size = 0;
  try {
    for await (const c of opened.body as AsyncIterable<Buffer>) {
      size += c.length;
      // Discard mode keeps no bytes but the MD5: it is the fetched object's ETag.
      md5.update(c);
      if (discard) continue;
      chunks.push(c);
      crc.update(c);
    }
  } catch {
    throw new ProtocolError("ServiceUnavailable", "The fetch source broke off.");
  }
  return {
    body: discard ? { chunks: [], size, md5: md5.digest() } : { chunks, size, md5: md5.digest(), crc64: crc.value },
    ...(opened.contentType === undefined ? {} : { contentType: opened.contentType }),
    ...(opened.lastModified === undefined ? {} : { lastModified: opened.lastModified }),
  };
}
