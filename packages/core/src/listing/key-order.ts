import { ErrorCode } from "../errors/error-code.js";
import { storageError } from "../errors/storage-error.js";

/**
 * Orders keys by Unicode code point, which is the byte order of their UTF-8
 * form (the order object stores list in). Plain `<` compares UTF-16 code
 * units and puts U+E000–U+FFFF after astral characters; this does not.
 * @throws nothing
 */
export function compareKeys(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return rank(x) - rank(y);
  }
  return a.length - b.length;
}

/** Moves surrogates (astral code points) above the rest of the BMP. */
function rank(unit: number): number {
  if (unit >= 0xd800 && unit <= 0xdfff) return unit + 0x2000;
  return unit >= 0xe000 ? unit - 0x800 : unit;
}

/** An in-progress upload as listings order it: by key, then by id. */
export interface UploadRef {
  key: string;
  id: string;
}

/** Orders uploads by key, then id (the order of a multipart-uploads listing). @throws nothing */
export function compareUploads(a: UploadRef, b: UploadRef): number {
  return compareKeys(a.key, b.key) || compareKeys(a.id, b.id);
}

/** The continuation token after upload `u`. @throws nothing */
export function uploadToken(u: UploadRef): string {
  return JSON.stringify([u.key, u.id]);
}

/**
 * The upload a token from {@link uploadToken} points after.
 * @throws InvalidArgument for a token that did not come from uploadToken.
 */
export function parseUploadToken(token: string): UploadRef {
  try {
    const value: unknown = JSON.parse(token);
    if (Array.isArray(value) && value.length === 2 && typeof value[0] === "string" && typeof value[1] === "string") {
      return { key: value[0], id: value[1] };
    }
  } catch {
    // fall through
  }
  throw storageError(ErrorCode.InvalidArgument, "invalid list token for multipart uploads");
}
