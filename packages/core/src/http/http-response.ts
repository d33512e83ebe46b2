import type { IncomingHttpHeaders, IncomingMessage } from "node:http";
import { PassThrough, type Readable } from "node:stream";
import { ErrorCode } from "../errors/error-code.js";
import { storageError } from "../errors/storage-error.js";
import { abortError } from "../io/abort.js";
import { headerValue, type HttpRequest } from "./http-request.js";
import { networkError } from "./network-error.js";

/** What every response exposes: status, headers and the service's request id. */
export interface HttpResponseHead {
  readonly request: HttpRequest;
  readonly status: number;
  /** Lower-case names, as Node gives them. */
  readonly headers: IncomingHttpHeaders;
  /** The service's request id (from the client's `requestIdHeader`), when sent. */
  readonly requestId: string | undefined;
  /** Attempts it took (1 = no retry). */
  readonly attempts: number;
  /** One header's value (several values joined with `, `). */
  header(name: string): string | undefined;
}

/** A response whose body has been read completely. */
export interface BufferedResponse extends HttpResponseHead {
  readonly body: Buffer;
}

/**
 * A response whose body is still on the wire. Read it once — with
 * {@link StreamingResponse.stream}, {@link StreamingResponse.buffer} or
 * {@link StreamingResponse.discard} — or the connection stays busy.
 */
export class StreamingResponse implements HttpResponseHead {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly requestId: string | undefined;

  constructor(
    readonly request: HttpRequest,
    private readonly message: IncomingMessage,
    readonly attempts: number,
    requestIdHeader: string | undefined,
    private readonly signal: AbortSignal | undefined,
  ) {
    this.status = message.statusCode ?? 0;
    this.headers = message.headers;
    this.requestId = requestIdHeader === undefined ? undefined : headerValue(message.headers, requestIdHeader);
  }

  header(name: string): string | undefined {
    return headerValue(this.headers, name);
  }

  /**
   * The body as a stream whose errors are StorageErrors (`ServiceInternal` for a
   * broken connection, `Aborted` after the signal fired), carrying the request id.
   * Destroying it releases the connection.
   */
  stream(): Readable {
    const source = this.message;
    const out = new PassThrough({ highWaterMark: 256 * 1024 });
    let failed = false;
    const fail = (e: unknown): void => {
      if (failed) return;
      failed = true;
      out.destroy(this.bodyError(e));
    };
    source.once("error", fail);
    source.once("aborted", () => fail(Object.assign(new Error("the connection closed before the whole body arrived"), { code: "ECONNRESET" })));
    source.once("close", () => {
      if (!source.complete) fail(Object.assign(new Error("the connection closed before the whole body arrived"), { code: "ECONNRESET" }));
    });
    out.once("close", () => {
      if (!source.complete) source.destroy();
    });
    source.pipe(out);
    return out;
  }

  /**
   * Reads the whole body.
   * @throws StorageError `ServiceInternal` (connection broke), `Aborted`, `Unexpected` (body over `max` bytes)
   */
  async buffer(max = Number.MAX_SAFE_INTEGER): Promise<Buffer> {
    const chunks: Buffer[] = [];
    let size = 0;
    try {
      for await (const chunk of this.message as AsyncIterable<Buffer>) {
        size += chunk.length;
        if (size > max) {
          this.message.destroy();
          throw storageError(ErrorCode.Unexpected, `response body exceeds ${max} bytes`, { retryable: false });
        }
        chunks.push(chunk);
      }
    } catch (e) {
      throw this.bodyError(e);
    }
    if (!this.message.complete) throw this.bodyError(Object.assign(new Error("the connection closed before the whole body arrived"), { code: "ECONNRESET" }));
    return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size);
  }

  /** Reads and drops the body (so the connection can be reused). Never throws. */
  async discard(): Promise<void> {
    const m = this.message;
    if (m.readableEnded || m.destroyed) return;
    // Even an empty body must be read to its end, or the socket never goes back to the pool.
    await new Promise<void>((resolve) => {
      m.once("end", resolve);
      m.once("close", resolve);
      m.once("error", () => resolve());
      m.resume();
    });
  }

  private bodyError(e: unknown) {
    if (this.signal?.aborted) return abortError(this.signal);
    const err = networkError(e, "response body");
    return err.requestId === undefined && this.requestId !== undefined ? err.withContext({ requestId: this.requestId, statusCode: this.status }) : err;
  }
}
