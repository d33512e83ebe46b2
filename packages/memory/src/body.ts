import { ErrorCode, md5Base64, raceAbort, storageError, throwIfAborted, type DriverBody, type StorageError } from "@stowage/core";

/**
 * Reads a driver body into a Buffer the caller may keep (never the caller's
 * own memory), checking it has exactly `body.size` bytes. Stream bodies report
 * progress; a pending read stops at once when `signal` aborts (the stream is destroyed).
 * @throws StorageError `InvalidArgument` when the body is shorter or longer than its size; `Aborted`.
 */
export async function readBody(body: DriverBody, signal?: AbortSignal): Promise<Buffer> {
  throwIfAborted(signal);
  const { data, size } = body;
  if (Buffer.isBuffer(data)) {
    if (data.length !== size) throw sizeMismatch(data.length, size);
    return Buffer.from(data);
  }
  const chunks: Buffer[] = [];
  let total = 0;
  let done = false;
  const iterator = data[Symbol.asyncIterator]() as AsyncIterator<Buffer | string>;
  try {
    for (;;) {
      const next = await raceAbort(iterator.next(), signal);
      if (next.done) break;
      const chunk = Buffer.from(next.value);
      total += chunk.length;
      if (total > size) throw sizeMismatch(total, size);
      chunks.push(chunk);
      body.onProgress?.(total);
    }
    if (total !== size) throw sizeMismatch(total, size);
    done = true;
  } finally {
    if (!done) data.destroy();
  }
  return Buffer.concat(chunks, total);
}

/**
 * Checks `data` against a base64 Content-MD5, when one is given.
 * @throws StorageError `IntegrityMismatch`.
 */
export function checkContentMd5(data: Buffer, contentMd5: string | undefined): void {
  if (contentMd5 === undefined) return;
  const actual = md5Base64(data);
  if (actual !== contentMd5) {
    throw storageError(ErrorCode.IntegrityMismatch, `Content-MD5 ${contentMd5} does not match the body (${actual})`);
  }
}

function sizeMismatch(actual: number, size: number): StorageError {
  const got = actual > size ? `more than ${size}` : `${actual}`;
  return storageError(ErrorCode.InvalidArgument, `body has ${got} bytes, expected exactly ${size}`);
}
