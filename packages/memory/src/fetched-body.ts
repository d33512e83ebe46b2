import { abortError, ArrivalProgress, ErrorCode, openUrl, storageError, throwIfAborted, type ObjectHeaders, type ProgressListener } from "@stowage/core";

/**
 * A URL's body, read whole as the server sent it (a `Content-Encoding` never decoded), and the
 * Content-Type and {@link ObjectHeaders} its server sent (those a write would take: core's `openUrl`).
 */
export interface FetchedBody {
  data: Buffer;
  contentType?: string;
  headers: ObjectHeaders;
}

/** What the `onProgress` listener threw, told apart from the body's own failures. */
class ListenerThrew {
  constructor(readonly thrown: unknown) {}
}

/**
 * GETs `url` and reads its body whole. `onProgress` gets `{ bytes, total }` as bytes arrive
 * (`total`: the Content-Length when the server sent one, raised to the bytes read if more came)
 * and `{ bytes: size, total: size }` once the body is complete (before anything is stored). A
 * listener that throws stops the download (the body is destroyed) with what it threw. A body that
 * breaks off before its end (the connection closed early) is a retryable `ServiceInternal`, as on fs.
 * @throws StorageError `InvalidArgument` (also the source's 401/403), `ObjectNotExist`, `RequestThrottled`,
 *   `ServiceInternal` (5xx, a network failure, a body cut off: retryable), `Aborted`, `Unexpected` (as core's `openUrl`), what `onProgress` throws.
 */
export async function fetchBody(url: string, signal: AbortSignal | undefined, onProgress: ProgressListener | undefined): Promise<FetchedBody> {
  const { body, size, contentType, headers } = await openUrl(url, signal);
  const chunks: Buffer[] = [];
  const progress = onProgress === undefined ? undefined : new ArrivalProgress(size, onProgress);
  let bytes = 0;
  try {
    // Leaving the loop by a throw destroys the body (and its request).
    for await (const chunk of body) {
      const piece = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
      chunks.push(piece);
      bytes += piece.length;
      try {
        progress?.add(piece.length);
      } catch (e) {
        throw new ListenerThrew(e);
      }
    }
  } catch (e) {
    if (signal?.aborted) throw abortError(signal);
    if (e instanceof ListenerThrew) throw e.thrown;
    throw storageError(ErrorCode.ServiceInternal, "the source URL's body broke off before its end", { cause: e, retryable: true });
  }
  throwIfAborted(signal);
  progress?.finish();
  const data = Buffer.concat(chunks, bytes);
  return contentType === undefined ? { data, headers } : { data, contentType, headers };
}
