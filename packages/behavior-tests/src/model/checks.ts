import { expect } from "@jest/globals";
import { crc64Decimal, isStorageError, md5Base64, type ErrorCode, type ObjectInfo, type Storager } from "@stowage/core";
import { collect, sha256 } from "../fixtures.js";
import { entryLine, type ModelObject, type StoreModel } from "./store-model.js";

/** How a call ended: its value, or what it threw. */
export type Outcome<T> = { ok: true; value: T } | { ok: false; error: unknown };

/**
 * Runs `fn` and records how it ended. A synchronous throw is a failure of its own: every
 * Storager call must reject (or, for streams, error), never throw.
 * @throws Error when `fn` throws synchronously
 */
export async function attempt<T>(what: string, fn: () => Promise<T>): Promise<Outcome<T>> {
  let pending: Promise<T>;
  try {
    pending = fn();
  } catch (e) {
    throw new Error(`${what}: threw synchronously instead of rejecting: ${describeValue(e)}`);
  }
  try {
    return { ok: true, value: await pending };
  } catch (error) {
    return { ok: false, error };
  }
}

function describeValue(value: unknown): string {
  if (isStorageError(value)) return `${value.code}: ${value.message}`;
  if (value instanceof Error) return `${value.name}: ${value.message}`;
  if (Buffer.isBuffer(value)) return `<${value.length} bytes>`;
  try {
    const text = JSON.stringify(value);
    return text === undefined ? String(value) : text.length > 300 ? text.slice(0, 300) + "…" : text;
  } catch {
    return String(value);
  }
}

/**
 * Asserts that `got` is what the model expects: a success when `code` is undefined, else a
 * StorageError with that code. Returns the value of a success.
 * @throws Error describing what was expected and what came instead
 */
export function expectOutcome<T>(what: string, got: Outcome<T>, code: ErrorCode | undefined): T {
  if (code === undefined) {
    if (!got.ok) throw new Error(`${what}: the model expects success, the storager failed with ${describeValue(got.error)}`);
    return got.value;
  }
  if (got.ok) throw new Error(`${what}: the model expects ${code}, the storager succeeded with ${describeValue(got.value)}`);
  if (!isStorageError(got.error) || got.error.code !== code) throw new Error(`${what}: the model expects ${code}, the storager failed with ${describeValue(got.error)}`);
  return undefined as T;
}

/** Asserts `actual` equals `expected` (as JSON-like values), naming `what` in the failure. @throws Error with jest's diff */
export function expectSame(what: string, actual: unknown, expected: unknown): void {
  try {
    expect(actual).toEqual(expected);
  } catch (e) {
    throw new Error(`${what}:\n${(e as Error).message}`);
  }
}

/** Asserts two byte sequences are equal (length and SHA-256, so failures print short). @throws Error when they differ */
export function expectBytes(what: string, actual: Buffer, expected: Buffer): void {
  if (actual.length !== expected.length || sha256(actual) !== sha256(expected)) {
    const show = (b: Buffer): string => (b.length <= 64 ? JSON.stringify(b.toString("utf8")) : `<${b.length} bytes, sha256 ${sha256(b).slice(0, 16)}>`);
    throw new Error(`${what}: read ${show(actual)}, the model holds ${show(expected)}`);
  }
}

/** An ETag as compared: no quotes, lower case (services differ in how they write the same tag). */
export function bareEtag(etag: string | undefined): string | undefined {
  return etag?.replace(/"/g, "").toLowerCase();
}

/** User metadata as compared: none and `{}` are the same. */
function metadataOf(m: Record<string, string> | undefined): Record<string, string> | undefined {
  return m === undefined || Object.keys(m).length === 0 ? undefined : m;
}

/**
 * Asserts the hashes `info` states (those it states: both are optional) are those of `data`:
 * `crc64` (CRC-64/ECMA-182, decimal) and `contentMd5` (base64 MD5).
 * @throws Error when one differs
 */
export function checkHashes(what: string, info: ObjectInfo, data: Buffer): void {
  const actual: Record<string, unknown> = {};
  const expected: Record<string, unknown> = {};
  if (info.crc64 !== undefined) {
    actual["crc64"] = info.crc64;
    expected["crc64"] = crc64Decimal(data);
  }
  if (info.contentMd5 !== undefined) {
    actual["contentMd5"] = info.contentMd5;
    expected["contentMd5"] = md5Base64(data);
  }
  expectSame(`${what} hashes`, actual, expected);
}

/**
 * Asserts what stat returned for the object the model holds at `path`: path, mode, size, hashes, an
 * append object's `appendOffset` (its size), content type, metadata and storage class where the
 * storage keeps them, and the ETag the write that stored it answered with (when both state one).
 * @throws Error when one differs
 */
export function checkStat(model: StoreModel, what: string, info: ObjectInfo, path: string, obj: ModelObject): void {
  checkHashes(what, info, obj.data);
  const actual: Record<string, unknown> = { path: info.path, mode: info.mode, size: info.size };
  const expected: Record<string, unknown> = { path, mode: model.modeOf(obj, "stat"), size: obj.data.length };
  if (info.mode === "append") {
    actual["appendOffset"] = info.appendOffset;
    expected["appendOffset"] = obj.data.length;
  }
  if (model.features.contentType) {
    actual["contentType"] = info.contentType;
    expected["contentType"] = model.contentTypeOf(obj);
  }
  if (model.features.userMetadata) {
    actual["metadata"] = metadataOf(info.metadata);
    expected["metadata"] = metadataOf(obj.metadata);
  }
  if (model.features.storageClass) {
    actual["storageClass"] = info.storageClass;
    expected["storageClass"] = model.storageClassOf(obj);
  }
  if (obj.etag !== undefined && info.etag !== undefined) {
    actual["etag"] = bareEtag(info.etag);
    expected["etag"] = bareEtag(obj.etag); // the write's answer
  }
  expectSame(what, actual, expected);
}

/**
 * The checks after every step: the whole work_dir listed in prefix mode (paths, modes, sizes),
 * its top level in dir mode and, where the storage lists them, the in-progress uploads, all as
 * the model says.
 * @throws Error when one differs; StorageError when a listing fails
 */
export async function checkListings(model: StoreModel, store: Storager, after: string): Promise<void> {
  const objects = await collect(store.list("", { mode: "prefix" }));
  expectSame(`after ${after}: list("", prefix)`, objects.map(entryLine).sort(), model.prefixListing(""));
  for (const o of objects) checkHashes(`after ${after}: list("", prefix) entry ${JSON.stringify(o.path)}`, o, model.files.get(o.path)!.data);
  const top = await collect(store.list("", { mode: "dir" }));
  expectSame(`after ${after}: list("", dir)`, top.map(entryLine).sort(), model.dirListing(""));
  if (model.features.multipart && model.features.listMultipartUploads) {
    const uploads = await collect(store.list("", { mode: "part" }));
    expectSame(`after ${after}: list("", part)`, uploads.map((u) => `${u.path} ${u.multipartId}`).sort(), model.uploadListing(""));
  }
}

/**
 * The checks at the end of a run: every object stat'ed (its ETag the one its listing shows) and
 * read whole, every directory listed in dir mode.
 * @throws Error when one differs; StorageError when a call fails
 */
export async function checkEverything(model: StoreModel, store: Storager): Promise<void> {
  const listed = new Map((await collect(store.list("", { mode: "prefix" }))).map((o) => [o.path, o]));
  for (const [key, obj] of model.files) {
    const info = await store.stat(key);
    checkStat(model, `final stat(${JSON.stringify(key)})`, info, key, obj);
    const entry = listed.get(key);
    if (entry?.etag !== undefined && info.etag !== undefined) expectSame(`final stat(${JSON.stringify(key)}) etag vs its listing's`, bareEtag(info.etag), bareEtag(entry.etag));
    expectBytes(`final read(${JSON.stringify(key)})`, await store.read(key), obj.data);
  }
  for (const dir of model.knownDirs()) {
    const items = await collect(store.list(dir, { mode: "dir" }));
    expectSame(`final list(${JSON.stringify(dir)}, dir)`, items.map(entryLine).sort(), model.dirListing(dir));
  }
}
