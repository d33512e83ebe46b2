import type { Storager } from "@stowage/core";

/**
 * Where the source read of a resumed copy may start: after the parts that the destination holds
 * whole (`partSize` bytes each, from part 0 on, with no gap) and lists with their CRC-64. Core
 * then takes those parts as stored (`resumeOffset`) instead of reading the source again to check
 * them; the caller passes the source's CRC-64 (`crc64`) so that parts of other bytes stop the
 * write before it completes. 0 when nothing can be skipped.
 * @throws StorageError from the listing (`ObjectNotExist` when the upload is gone), `Aborted`.
 */
export async function resumePoint(dst: Storager, path: string, multipartId: string, partSize: number, size: number, signal: AbortSignal): Promise<number> {
  const whole = new Map<number, boolean>();
  for await (const part of dst.listMultipart({ path, mode: "part", multipartId }, { signal })) {
    whole.set(part.index, part.size === partSize && part.crc64 !== undefined);
  }
  let count = 0;
  while (whole.get(count) === true && (count + 1) * partSize <= size) count++;
  return count * partSize;
}
