import { createHash, randomBytes } from "node:crypto";
import { checkPartIndex, crc64Decimal, ErrorCode, sameEtag, storageError, type DriverPartsPage, type DriverWriteResult, type Part } from "@stowage/core";
import { refuseOccupied } from "./if-not-exists.js";
import { assignAttributes, fileEntry, type ContentHashes, type EntryAttributes, type MemoryStore, type MemoryUpload } from "./store.js";

/** Parts per {@link listUploadParts} page. */
export const PARTS_PAGE_SIZE = 1000;

/** Starts an upload to `key` that keeps `attributes` for the completed object; returns its id. */
export function createUpload(store: MemoryStore, key: string, attributes: EntryAttributes): string {
  store.checkFileSlot(key);
  const id = randomBytes(16).toString("hex");
  const upload: MemoryUpload = { key, id, created: new Date(), parts: new Map() };
  assignAttributes(upload, attributes);
  store.uploads.set(id, upload);
  return id;
}

/**
 * The upload `id` of `key`.
 * @throws StorageError `ObjectNotExist` when there is no such upload for this key.
 */
export function findUpload(store: MemoryStore, key: string, id: string): MemoryUpload {
  const upload = store.uploads.get(id);
  if (upload === undefined || upload.key !== key) throw storageError(ErrorCode.ObjectNotExist, "no such multipart upload");
  return upload;
}

/**
 * Stores part `index` (0-based; replaces an earlier upload of the same index).
 * @throws StorageError `ObjectNotExist` (no upload), `InvalidArgument` (bad index).
 */
export function putPart(store: MemoryStore, key: string, id: string, index: number, data: Buffer, hashes?: ContentHashes): Part {
  const upload = findUpload(store, key, id);
  checkPartIndex(index);
  const etag = `"${(hashes?.md5 ?? createHash("md5").update(data).digest()).toString("hex")}"`;
  const part = { index, size: data.length, etag, crc64: hashes?.crc64 ?? crc64Decimal(data), lastModified: new Date(), data };
  upload.parts.set(index, part);
  return publicPart(part);
}

/**
 * Concatenates `parts` (in the given order) into the object at `key` and ends the upload.
 * Parts uploaded but not named are discarded. With `ifNotExists`, nothing is stored where something
 * exists at `key` (if-not-exists.ts), and the upload is kept.
 * @throws StorageError `ObjectNotExist` (no upload), `InvalidArgument` (no parts, a gap, a part never uploaded),
 *   `Conflict` (a part's etag or size differs from the stored one; with `ifNotExists`, something exists at `key`),
 *   `ObjectModeInvalid` (a dir at `key`).
 */
export function completeUpload(store: MemoryStore, key: string, id: string, parts: readonly Part[], ifNotExists = false): DriverWriteResult {
  const upload = findUpload(store, key, id);
  if (ifNotExists) refuseOccupied(store, key);
  checkContiguous(parts);
  const chunks: Buffer[] = [];
  for (const part of parts) {
    const stored = upload.parts.get(part.index);
    if (stored === undefined) throw storageError(ErrorCode.InvalidArgument, `part ${part.index} was never uploaded`);
    if (!sameEtag(stored.etag, part.etag) || stored.size !== part.size) {
      throw storageError(ErrorCode.Conflict, `part ${part.index} does not match the uploaded part (etag ${stored.etag}, size ${stored.size})`);
    }
    chunks.push(stored.data);
  }
  store.checkFileSlot(key);
  const entry = fileEntry("file", Buffer.concat(chunks), upload);
  store.set(key, entry);
  store.uploads.delete(id);
  return { etag: entry.etag, crc64: entry.crc64 };
}

/** Ends the upload without creating an object; nothing happens when it does not exist. */
export function abortUpload(store: MemoryStore, key: string, id: string): void {
  if (store.uploads.get(id)?.key === key) store.uploads.delete(id);
}

/**
 * One page of the upload's parts, by index, after the index in `token`.
 * @throws StorageError `ObjectNotExist` (no upload), `InvalidArgument` (bad token).
 */
export function listUploadParts(store: MemoryStore, key: string, id: string, token: string | undefined): DriverPartsPage {
  const upload = findUpload(store, key, id);
  const after = token === undefined || token === "" ? -1 : Number(token);
  if (!Number.isSafeInteger(after)) throw storageError(ErrorCode.InvalidArgument, "invalid list token for parts");
  const indexes = [...upload.parts.keys()].filter((i) => i > after).sort((a, b) => a - b);
  const items = indexes.slice(0, PARTS_PAGE_SIZE).map((i) => publicPart(upload.parts.get(i)!));
  if (indexes.length <= PARTS_PAGE_SIZE) return { items };
  return { items, nextToken: String(items[items.length - 1]!.index) };
}

/**
 * Checks that `parts` is not empty and numbered 0, 1, 2... without gaps.
 * @throws StorageError `InvalidArgument`.
 */
export function checkContiguous(parts: readonly Part[]): void {
  if (parts.length === 0) throw storageError(ErrorCode.InvalidArgument, "completing a multipart upload needs at least one part");
  parts.forEach((part, i) => {
    if (part.index !== i) throw storageError(ErrorCode.InvalidArgument, `parts must be numbered 0, 1, 2... without gaps; found ${part.index} at position ${i}`);
  });
}

function publicPart(part: Part): Part {
  const out: Part = { index: part.index, size: part.size, etag: part.etag };
  if (part.crc64 !== undefined) out.crc64 = part.crc64;
  if (part.lastModified !== undefined) out.lastModified = new Date(part.lastModified);
  return out;
}
