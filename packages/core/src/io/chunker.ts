import { ErrorCode } from "../errors/error-code.js";
import { storageError } from "../errors/storage-error.js";

/**
 * Re-cuts `source` into parts of exactly `partSize` bytes (the last may be
 * smaller; an empty source yields nothing). A part that lies inside one source
 * chunk is a view of it; bytes are copied only to join pieces of several
 * chunks. At most one part's worth of bytes is held between yields.
 *
 * @throws StorageError `InvalidArgument` when `partSize` is not a positive integer;
 *   anything the source throws.
 */
export async function* chunkBody(source: AsyncIterable<Buffer>, partSize: number): AsyncGenerator<Buffer, void, undefined> {
  if (!Number.isSafeInteger(partSize) || partSize <= 0) {
    throw storageError(ErrorCode.InvalidArgument, `part size must be a positive integer, got ${partSize}`);
  }
  let pieces: Buffer[] = [];
  let held = 0;
  for await (const input of source) {
    let chunk = input;
    while (chunk.length > 0) {
      if (held === 0 && chunk.length >= partSize) {
        const part = chunk.length === partSize ? chunk : chunk.subarray(0, partSize);
        chunk = chunk.subarray(partSize);
        yield part;
        continue;
      }
      const take = Math.min(partSize - held, chunk.length);
      pieces.push(take === chunk.length ? chunk : chunk.subarray(0, take));
      held += take;
      chunk = chunk.subarray(take);
      if (held === partSize) {
        const part = pieces.length === 1 ? pieces[0]! : Buffer.concat(pieces, held);
        pieces = [];
        held = 0;
        yield part;
      }
    }
  }
  if (held > 0) yield pieces.length === 1 ? pieces[0]! : Buffer.concat(pieces, held);
}
