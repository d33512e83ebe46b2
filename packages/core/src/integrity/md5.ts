import crypto, { createHash, type Hash } from "node:crypto";
import { wrongType } from "../errors/wrong-type.js";

/** node's one-shot `crypto.hash` (Node ≥ 20.12): no Hash object per call. */
const oneShot = (crypto as unknown as { hash?: (algorithm: string, data: Uint8Array, encoding: "base64") => string }).hash;

/**
 * `data` when it is bytes: a Buffer, a Uint8Array or another ArrayBuffer view (of any realm).
 * @throws StorageError `InvalidArgument` naming `fn` for anything else (a string too: its bytes depend on an encoding).
 */
function bytesOf(fn: string, data: Uint8Array): Uint8Array {
  if (Buffer.isBuffer(data) || ArrayBuffer.isView(data)) return data;
  throw wrongType(fn, "data", "bytes (a Uint8Array)", data);
}

/**
 * Base64 MD5 of `data`, the form of a `Content-MD5` header (RFC 1864).
 * @throws StorageError `InvalidArgument` when `data` is not bytes (a Uint8Array, or another ArrayBuffer view); a string is refused too.
 */
export function md5Base64(data: Uint8Array): string {
  const bytes = bytesOf("md5Base64", data);
  return oneShot !== undefined ? oneShot("md5", bytes, "base64") : createHash("md5").update(bytes).digest("base64");
}

/**
 * Lower-case hex MD5 of `data` (the form of a simple upload's ETag on most services).
 * @throws StorageError `InvalidArgument` when `data` is not bytes (a Uint8Array, or another ArrayBuffer view); a string is refused too.
 */
export function md5Hex(data: Uint8Array): string {
  return createHash("md5").update(bytesOf("md5Hex", data)).digest("hex");
}

/**
 * Streaming MD5 over node:crypto. Call {@link Md5.update} any number of times,
 * then one digest method; digesting twice returns the same value.
 */
export class Md5 {
  private readonly hash: Hash = createHash("md5");
  private digestBytes: Buffer | undefined;

  /**
   * Adds `data` (strings as UTF-8) and returns `this`.
   * @throws StorageError `InvalidArgument` when `data` is neither a string nor bytes (a Uint8Array);
   *   TypeError once a digest was taken (a programming error: the hash is ended).
   */
  update(data: Uint8Array | string): this {
    if (this.digestBytes !== undefined) throw new TypeError("Md5.update after digest");
    this.hash.update(typeof data === "string" ? data : bytesOf("Md5.update", data));
    return this;
  }

  /** Base64 digest (Content-MD5 form). Ends the hash. @throws nothing */
  digestBase64(): string {
    return this.finish().toString("base64");
  }

  /** Lower-case hex digest. Ends the hash. @throws nothing */
  digestHex(): string {
    return this.finish().toString("hex");
  }

  private finish(): Buffer {
    this.digestBytes ??= this.hash.digest();
    return this.digestBytes;
  }
}
