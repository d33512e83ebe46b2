import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import { expect } from "@jest/globals";
import { isStorageError, type DriverBody, type ErrorCode, type StorageError } from "@stowage/core";

/** The StorageError `promise` rejects with (fails the test when it resolves or rejects with anything else). */
export async function rejection(promise: Promise<unknown>): Promise<StorageError> {
  const e = await promise.then(
    () => undefined,
    (err: unknown) => err,
  );
  if (!isStorageError(e)) throw new Error(`expected a StorageError, got ${String(e)}`);
  return e;
}

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

/** Names in a directory, recursively (relative paths, hidden ones included). */
export async function tree(dir: string): Promise<string[]> {
  const { readdir } = await import("node:fs/promises");
  const entries = await readdir(dir, { recursive: true });
  return entries.map(String).sort();
}

/** Polls `condition` every 5 ms, at most `tries` times; throws if it never holds. */
export async function waitFor(condition: () => boolean | Promise<boolean>, tries = 1000): Promise<void> {
  for (let i = 0; i < tries; i++) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error("condition never held");
}
