import type { Readable } from "node:stream";

/** The bytes of `body`, read to its end (rejects as the stream fails). */
export async function drain(body: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of body) chunks.push(Buffer.from(c as Uint8Array));
  return Buffer.concat(chunks);
}

/** Reads `stream` to its end, keeping the bytes that arrived before a failure, and the failure. */
export async function drainKeeping(stream: Readable): Promise<{ bytes: Buffer; error: unknown }> {
  const chunks: Buffer[] = [];
  try {
    for await (const c of stream) chunks.push(Buffer.from(c as Uint8Array));
    return { bytes: Buffer.concat(chunks), error: undefined };
  } catch (e) {
    return { bytes: Buffer.concat(chunks), error: e };
  }
}
