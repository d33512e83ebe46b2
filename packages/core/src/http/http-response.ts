import type { IncomingHttpHeaders, IncomingMessage } from "node:http";
import { Readable } from "node:stream";
import { ErrorCode } from "../errors/error-code.js";
import { storageError } from "../errors/storage-error.js";
import { abortError } from "../io/abort.js";
import { headerValue, type HttpRequest } from "./http-request.js";
import { errnoOf, networkError } from "./network-error.js";

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
  /**
   * True when an earlier attempt failed after it may have reached the service and acted (a network
   * failure once the request was sent, a 5xx other than throttling, or a 2xx that `validate`
   * refused, such as a 200 carrying an error document): what this answer says may be
   * that attempt's effect (e.g. "no such upload" to a retried Complete that had completed it).
   */
  readonly earlierAttemptMayHaveApplied: boolean;
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

  /** @throws nothing */
  constructor(
    readonly request: HttpRequest,
    private readonly message: IncomingMessage,
    readonly attempts: number,
    readonly earlierAttemptMayHaveApplied: boolean,
    requestIdHeader: string | undefined,
    private readonly signal: AbortSignal | undefined,
  ) {
    this.status = message.statusCode ?? 0;
    this.headers = message.headers;
    this.requestId = requestIdHeader === undefined ? undefined : headerValue(message.headers, requestIdHeader);
  }

  /** @throws nothing */
  header(name: string): string | undefined {
    return headerValue(this.headers, name);
  }

  /**
   * The body as a stream whose errors are StorageErrors (`ServiceInternal` for a
   * broken connection, `Aborted` after the signal fired), carrying the request id.
   * Read it to its end or destroy it: that releases the connection. One left paused holds its
   * connection until the client's paused-body bound closes it (retryable `ServiceInternal`,
   * `ESTOWAGE_PAUSED_TIMEOUT`).
   * @throws nothing: the body's failures are the stream's errors
   */
  stream(): Readable {
    return new ResponseBody(this.message, (e) => this.bodyError(e));
  }

  /**
   * What `read` makes of the answer's head (its status and headers). When `read` throws (a header
   * no value can be read from, such as a size above 2^53 - 1), the body is destroyed first, not
   * left holding its connection, and the error thrown.
   * @throws what `read` throws
   */
  fromHead<T>(read: () => T): T {
    try {
      return read();
    } catch (e) {
      this.message.destroy();
      throw e;
    }
  }

  /**
   * Reads the whole body.
   * @throws StorageError `ServiceInternal` (connection broke), `Aborted`, `Unexpected` (body over `max` bytes)
   */
  async buffer(max = Number.MAX_SAFE_INTEGER): Promise<Buffer> {
    const m = this.message;
    if (m.readableEnded || m.destroyed) return this.bufferRest(max);
    return new Promise<Buffer>((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const done = (error: unknown): void => {
        m.removeListener("data", onData);
        m.removeListener("end", onEnd);
        m.removeListener("error", done);
        m.removeListener("close", onEnd);
        if (error !== undefined) reject(this.bodyError(error));
        else resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
      };
      const onData = (chunk: Buffer): void => {
        size += chunk.length;
        if (size > max) {
          m.destroy();
          done(storageError(ErrorCode.Unexpected, `response body exceeds ${max} bytes`, { retryable: false }));
          return;
        }
        chunks.push(chunk);
      };
      // 'close' without a complete message: the connection broke mid-body.
      const onEnd = (): void => done(m.complete ? undefined : cutShort());
      m.on("data", onData);
      m.once("end", onEnd);
      m.once("error", done);
      m.once("close", onEnd);
    });
  }

  /** {@link StreamingResponse.buffer} of a message that already ended or was destroyed (by iteration, which knows how it ended). */
  private async bufferRest(max: number): Promise<Buffer> {
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
    if (!this.message.complete) throw this.bodyError(cutShort());
    return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size);
  }

  /** Reads and drops the body (so the connection can be reused). @throws nothing */
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

/** The error of a connection that closed before the whole body arrived. */
function cutShort(): Error {
  return Object.assign(new Error("the connection closed before the whole body arrived"), { code: "ECONNRESET" });
}

/**
 * A response body as its own Readable: forwards the message's chunks with
 * backpressure, turns its failures (and a close before the end) into the
 * error `mapError` builds, and destroys the message when destroyed early.
 */
class ResponseBody extends Readable {
  private failed = false;

  constructor(
    private readonly message: IncomingMessage,
    private readonly mapError: (e: unknown) => Error,
  ) {
    super({ highWaterMark: 256 * 1024 });
    // A body can fail before its reader listens (a driver still awaiting between taking the body
    // and handing it on) or after its reader let go: that must not be an unhandled 'error' event,
    // which ends the process. A reader gets the error through its own listener as before.
    this.on("error", () => undefined);
    message.on("data", this.forward);
    message.once("end", () => this.push(null));
    message.once("error", (e) => this.fail(e));
    // Destroyed by the transport with its own reason (a body left paused too long): that reason.
    message.once("aborted", () => this.fail(errnoOf(message.errored)?.startsWith("ESTOWAGE_") === true ? message.errored : cutShort()));
    message.once("close", () => {
      if (!message.complete) this.fail(cutShort());
    });
  }

  override _read(): void {
    this.message.resume();
  }

  private readonly forward = (chunk: Buffer): void => {
    if (!this.push(chunk)) this.message.pause();
  };

  override _destroy(error: Error | null, done: (error?: Error | null) => void): void {
    const m = this.message;
    if (!m.readableEnded) {
      if (m.complete) {
        // All of it arrived: drained unread, so its socket goes back to the pool.
        m.off("data", this.forward);
        m.resume();
      } else {
        // Still on the wire (a paused reader's socket only times out after the long paused bound):
        // closed now, or the socket would be held until then.
        m.destroy();
      }
    }
    done(error);
  }

  private fail(e: unknown): void {
    if (this.failed || this.destroyed) return;
    this.failed = true;
    this.destroy(this.mapError(e));
  }
}
