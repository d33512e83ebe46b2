import { createHash, type Hash } from "node:crypto";
import { Crc64, ErrorCode, raceAbort, storageError, throwIfAborted, type DriverBody, type StorageError } from "@stowage/core";
import { nextTurn, STEP_BYTES } from "./steps.js";

/** A body the driver has taken: its own copy of the bytes, with their MD5 and CRC-64. */
export interface TakenBody {
  data: Buffer;
  /** MD5 of `data` (16 bytes). */
  md5: Buffer;
  /** Decimal CRC-64/ECMA-182 of `data`. */
  crc64: string;
}

/**
 * Hashes a body as it comes in, letting the event loop run after every {@link STEP_BYTES}, and
 * keeps its chunks (or, for a Buffer body, fills `into`, the driver's own copy).
 */
class Intake {
  private readonly chunks: Buffer[] = [];
  private total = 0;
  private readonly md5: Hash = createHash("md5");
  private readonly crc = new Crc64();
  private sinceTurn = 0;

  constructor(
    private readonly body: DriverBody,
    private readonly signal: AbortSignal | undefined,
    private readonly into?: Buffer,
  ) {}

  /** Takes `chunk` (the driver's own copy: kept, or a view of `into`). @throws StorageError `InvalidArgument` (past `size`), `Aborted`. */
  async add(chunk: Buffer): Promise<void> {
    this.total += chunk.length;
    if (this.total > this.body.size) throw sizeMismatch(this.total, this.body.size);
    if (this.into === undefined) this.chunks.push(chunk);
    this.md5.update(chunk);
    this.crc.update(chunk);
    this.body.onProgress?.(this.total);
    throwIfAborted(this.signal);
    this.sinceTurn += chunk.length;
    if (this.sinceTurn >= STEP_BYTES && this.total < this.body.size) {
      this.sinceTurn = 0;
      await nextTurn();
      throwIfAborted(this.signal);
    }
  }

  /** The whole body. @throws StorageError `InvalidArgument` when it is shorter than `size`. */
  finish(): TakenBody {
    if (this.total !== this.body.size) throw sizeMismatch(this.total, this.body.size);
    const data = this.into ?? (this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.total));
    return { data, md5: this.md5.digest(), crc64: this.crc.digest() };
  }
}

/**
 * Takes a driver body into a Buffer the caller may keep (never the caller's own memory),
 * checking it has exactly `body.size` bytes, and hashes it on the way. Progress is reported as
 * bytes are taken. A large body is taken in steps of {@link STEP_BYTES} with a turn of the event
 * loop between them, so an abort (from a timer, or from `onProgress`) stops it part-way; a pending
 * read of a stream body stops at once when `signal` aborts (the stream is destroyed).
 * @throws StorageError `InvalidArgument` when the body is shorter or longer than its size; `Aborted`;
 *   what `onProgress` throws.
 */
export async function takeBody(body: DriverBody, signal?: AbortSignal): Promise<TakenBody> {
  throwIfAborted(signal);
  const { data, size } = body;
  if (Buffer.isBuffer(data)) {
    if (data.length !== size) throw sizeMismatch(data.length, size);
    if (size === 0) return new Intake(body, signal).finish();
    // Every byte of `copy` is written below before the body is kept.
    const copy = Buffer.allocUnsafe(size);
    const intake = new Intake(body, signal, copy);
    for (let at = 0; at < size; at += STEP_BYTES) {
      const end = Math.min(size, at + STEP_BYTES);
      data.copy(copy, at, at, end);
      await intake.add(copy.subarray(at, end));
    }
    return intake.finish();
  }
  const intake = new Intake(body, signal);
  let done = false;
  const iterator = data[Symbol.asyncIterator]() as AsyncIterator<Buffer | string>;
  try {
    for (;;) {
      const next = await raceAbort(iterator.next(), signal);
      if (next.done) break;
      await intake.add(Buffer.from(next.value));
    }
    const taken = intake.finish();
    done = true;
    return taken;
  } finally {
    if (!done) data.destroy();
  }
}

/**
 * Checks a taken body against a base64 Content-MD5, when one is given.
 * @throws StorageError `IntegrityMismatch`.
 */
export function checkContentMd5(body: TakenBody, contentMd5: string | undefined): void {
  if (contentMd5 === undefined) return;
  const actual = body.md5.toString("base64");
  if (actual !== contentMd5) {
    throw storageError(ErrorCode.IntegrityMismatch, `Content-MD5 ${contentMd5} does not match the body (${actual})`, {
      // Refused before anything is stored, as a cloud's 400 BadDigest: core then knows no part was kept with other bytes.
      statusCode: 400,
    });
  }
}

function sizeMismatch(actual: number, size: number): StorageError {
  const got = actual > size ? `more than ${size}` : `${actual}`;
  return storageError(ErrorCode.InvalidArgument, `body has ${got} bytes, expected exactly ${size}`);
}
