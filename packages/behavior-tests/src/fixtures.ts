import { createHash, randomBytes, randomUUID } from "node:crypto";
import { Readable } from "node:stream";
import { expect } from "@jest/globals";
import { isStorageError, type ErrorCode, type StorageError } from "@stowage/core";

/** `size` random bytes (explicit sizes only: 0 is a case of its own, never drawn at random). */
export function randomData(size: number): Buffer {
  return size === 0 ? Buffer.alloc(0) : randomBytes(size);
}

/** A fresh unique name (a UUID), usable as one path segment. */
export function uniqueName(): string {
  return randomUUID();
}

/** Hex SHA-256 of `data`, so that failed comparisons print short. */
export function sha256(data: Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

/** Base64 MD5 of `data` (RFC 1864 Content-MD5). */
export function md5Base64(data: Uint8Array): string {
  return createHash("md5").update(data).digest("base64");
}

/** Asserts two byte sequences are equal (length first, then SHA-256, to keep failures readable). */
export function expectSameBytes(actual: Uint8Array, expected: Uint8Array): void {
  expect(actual.length).toBe(expected.length);
  expect(sha256(actual)).toBe(sha256(expected));
}

/** Collects every item of an async iterable (bounded: fails past `max` items). */
export async function collect<T>(iterable: AsyncIterable<T>, max = 10_000): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) {
    out.push(item);
    if (out.length > max) throw new Error(`iteration yielded more than ${max} items`);
  }
  return out;
}

/** Reads a stream to its end. */
export async function streamToBuffer(stream: AsyncIterable<unknown>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}

/** A Readable over `data` in chunks of `chunkSize` (an unknown-length body). */
export function chunkedReadable(data: Buffer, chunkSize = 16 * 1024): Readable {
  let at = 0;
  return new Readable({
    read() {
      if (at >= data.length) {
        this.push(null);
        return;
      }
      const end = Math.min(data.length, at + chunkSize);
      this.push(data.subarray(at, end));
      at = end;
    },
  });
}

/** An async generator over `data` in chunks (the `AsyncIterable<Uint8Array>` body form). */
export async function* chunkedIterable(data: Buffer, chunkSize = 16 * 1024): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < data.length; at += chunkSize) yield new Uint8Array(data.subarray(at, at + chunkSize));
}

/**
 * A Readable that yields `data` slowly (one chunk per timer tick) and calls
 * `onPulled(bytes)` after each chunk; used to abort a write half-way.
 * Bounded: it ends after `data.length` bytes whatever happens.
 */
export function slowReadable(data: Buffer, chunkSize: number, onPulled: (bytes: number) => void): Readable {
  let at = 0;
  return new Readable({
    read() {
      if (at >= data.length) {
        this.push(null);
        return;
      }
      setTimeout(() => {
        if (this.destroyed) return;
        const end = Math.min(data.length, at + chunkSize);
        this.push(data.subarray(at, end));
        at = end;
        onPulled(at);
      }, 2);
    },
  });
}

function describeValue(value: unknown): string {
  if (value instanceof Error) return `${value.name}: ${value.message}`;
  try {
    const text = JSON.stringify(value);
    return text === undefined ? String(value) : text.length > 200 ? text.slice(0, 200) + "…" : text;
  } catch {
    return String(value);
  }
}

/**
 * Calls `fn` and asserts it rejects with a {@link StorageError} of `code`.
 * A synchronous throw fails too: every Storager call must reject, not throw.
 */
export async function expectError(fn: () => unknown, code: ErrorCode): Promise<StorageError> {
  let pending: unknown;
  try {
    pending = fn();
  } catch (e) {
    throw new Error(`expected a rejection with ${code}, but the call threw synchronously: ${describeValue(e)}`);
  }
  let result: unknown;
  try {
    result = await pending;
  } catch (e) {
    if (!isStorageError(e)) throw new Error(`expected StorageError ${code}, got ${describeValue(e)}`);
    if (e.code !== code) throw new Error(`expected StorageError ${code}, got ${e.code}: ${e.message}`);
    return e;
  }
  throw new Error(`expected a rejection with ${code}, but the call resolved with ${describeValue(result)}`);
}

/**
 * Calls `fn` and asserts it throws, synchronously (a refusal at open or of an argument), a
 * {@link StorageError} of `code` whose message shows none of `hidden` (the secrets it was given).
 */
export function expectThrown(fn: () => unknown, code: ErrorCode, hidden: readonly string[] = []): StorageError {
  try {
    fn();
  } catch (e) {
    if (!isStorageError(e)) throw e;
    expect(e.code).toBe(code);
    for (const text of hidden) expect(e.message).not.toContain(text);
    return e;
  }
  throw new Error(`expected ${code}, nothing was thrown`);
}

/** Asserts that iterating what `iterable()` returns fails with a {@link StorageError} of `code` (creating it must not throw). */
export async function expectIterationError(iterable: () => AsyncIterable<unknown>, code: ErrorCode): Promise<StorageError> {
  let it: AsyncIterable<unknown>;
  try {
    it = iterable();
  } catch (e) {
    throw new Error(`expected the iteration to fail with ${code}, but the call threw synchronously: ${describeValue(e)}`);
  }
  return expectError(() => collect(it), code);
}

/** Resolves with the error a stream emits, or rejects if it ends cleanly. */
export function streamError(stream: NodeJS.ReadableStream | NodeJS.WritableStream): Promise<unknown> {
  return new Promise((resolve, reject) => {
    stream.on("error", resolve);
    stream.on("end", () => reject(new Error("the stream ended without an error")));
    stream.on("finish", () => reject(new Error("the stream finished without an error")));
    if ("resume" in stream && typeof stream.resume === "function") stream.resume();
  });
}

/** Asserts `e` is a {@link StorageError} with `code`. */
export function expectStorageErrorCode(e: unknown, code: ErrorCode): void {
  if (!isStorageError(e)) throw new Error(`expected StorageError ${code}, got ${describeValue(e)}`);
  expect(e.code).toBe(code);
}
