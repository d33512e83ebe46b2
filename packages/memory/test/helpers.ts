import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import { expect } from "@jest/globals";
import { isStorageError, type DriverBody, type ErrorCode } from "@stowage/core";

/** A Buffer body. */
export function buf(text: string | Buffer): DriverBody {
  const data = typeof text === "string" ? Buffer.from(text) : text;
  return { data, size: data.length };
}

/** A stream body yielding `data` in `chunk`-byte pieces. */
export function streamBody(data: Buffer, chunk = 7): DriverBody {
  const pieces: Buffer[] = [];
  for (let at = 0; at < data.length; at += chunk) pieces.push(data.subarray(at, at + chunk));
  return { data: Readable.from(pieces), size: data.length };
}

/** Everything a stream yields. */
export async function drain(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(Buffer.from(c as Buffer));
  return Buffer.concat(chunks);
}

/** Expects `promise` to reject with a StorageError of `code`. */
export async function expectCode(promise: Promise<unknown>, code: ErrorCode): Promise<void> {
  let error: unknown;
  try {
    await promise;
  } catch (e) {
    error = e;
  }
  expect(error).toBeDefined();
  if (!isStorageError(error, code)) throw new Error(`expected ${code}, got ${String(error)}`);
}

/** Base64 MD5. */
export function md5(data: Buffer | string): string {
  return createHash("md5").update(data).digest("base64");
}
