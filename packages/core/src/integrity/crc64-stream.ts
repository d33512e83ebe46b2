import { Transform, type TransformCallback } from "node:stream";
import { ErrorCode } from "../errors/error-code.js";
import { storageError } from "../errors/storage-error.js";
import { Crc64, crc64Equal } from "./crc64.js";

/** Options of {@link Crc64PassThrough}. */
export interface Crc64PassThroughOptions {
  /** Decimal CRC64 the bytes must hash to; checked when the input ends. */
  expected?: string;
  /** Builds the error the stream fails with on a mismatch (default: `IntegrityMismatch`). */
  onMismatch?: (actual: string) => Error;
}

/**
 * A Transform that passes bytes through unchanged while hashing them with
 * CRC-64/XZ and counting them. {@link Crc64PassThrough.crc64} and
 * {@link Crc64PassThrough.bytes} are final once the writable side has finished
 * ('finish'/'end'). With `expected`, a mismatch makes the stream emit 'error'
 * instead of ending cleanly.
 *
 * @throws StorageError `IntegrityMismatch` (as a stream 'error') when `expected` differs, unless `onMismatch` supplies another error.
 */
export class Crc64PassThrough extends Transform {
  private readonly hash = new Crc64();
  private count = 0;
  private readonly expected: string | undefined;
  private readonly onMismatch: ((actual: string) => Error) | undefined;

  /** @throws nothing */
  constructor(options: Crc64PassThroughOptions = {}) {
    super();
    this.expected = options.expected;
    this.onMismatch = options.onMismatch;
  }

  /** Decimal CRC64 of the bytes seen so far (the whole stream once it has ended). */
  get crc64(): string {
    return this.hash.digest();
  }

  /** Number of bytes seen so far. */
  get bytes(): number {
    return this.count;
  }

  /** @throws nothing */
  override _transform(chunk: Buffer | string, encoding: BufferEncoding, done: TransformCallback): void {
    const buf = typeof chunk === "string" ? Buffer.from(chunk, encoding) : chunk;
    this.hash.update(buf);
    this.count += buf.length;
    done(null, buf);
  }

  /**
   * @throws nothing: a mismatch goes to `done` as the stream's error (`IntegrityMismatch`, or
   *   `onMismatch`'s); what `onMismatch` throws, Node makes the stream's error too.
   */
  override _flush(done: TransformCallback): void {
    const actual = this.hash.digest();
    if (this.expected !== undefined && !crc64Equal(this.expected, actual)) {
      done(
        this.onMismatch?.(actual) ??
          storageError(ErrorCode.IntegrityMismatch, `crc64 mismatch: expected ${this.expected}, got ${actual}`),
      );
      return;
    }
    done();
  }
}

