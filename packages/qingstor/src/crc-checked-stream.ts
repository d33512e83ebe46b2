import { finished, Transform, type Readable, type TransformCallback } from "node:stream";
import { Crc64, crc64Equal, ErrorCode, storageError } from "@stowage/core";

/**
 * `source` passed on unchanged while its bytes are hashed with CRC-64/ECMA-182. When it ends after
 * exactly `size` bytes (any number when `size` is unknown) that do not hash to `expected`, the stream
 * fails with `IntegrityMismatch` instead of ending; its last chunk is held back until the check
 * passed, so a reader that stops once it has `size` bytes sees the failure first. A source that
 * fails, or ends short or long, is passed on as it is (core's length check and resume judge it;
 * the bytes of a resumed read are then not CRC-checked here). Destroying the returned stream
 * destroys `source`.
 *
 * Core checks a driver's `crc64` only for services whose feature `crc64` is on; QingStor's is off
 * (the service returns none), so the driver checks the CRC ETags Stowage stored itself.
 * @throws nothing itself; the stream errors with `IntegrityMismatch`, or with `source`'s error.
 */
export function crcCheckedStream(source: Readable, expected: string, size: number | undefined): Readable {
  const hash = new Crc64();
  let bytes = 0;
  let held: Buffer | undefined;
  const out = new Transform({
    transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
      hash.update(chunk);
      bytes += chunk.length;
      if (held !== undefined) this.push(held);
      held = chunk;
      done();
    },
    flush(done: TransformCallback): void {
      const last = held;
      held = undefined;
      const actual = hash.digest();
      if ((size === undefined || bytes === size) && !crc64Equal(actual, expected)) {
        done(storageError(ErrorCode.IntegrityMismatch, `crc64 mismatch: the object's CRC ETag says ${expected}, the ${bytes} bytes received hash to ${actual}`));
        return;
      }
      if (last !== undefined) this.push(last);
      done();
    },
  });
  finished(source, (e) => {
    if (e) out.destroy(e);
  });
  out.once("close", () => {
    if (!source.destroyed) source.destroy();
  });
  source.pipe(out);
  return out;
}
