import { createHash } from "node:crypto";
import { newBlobId, type InstallGuard, type ObjectStore } from "../store/object-store.js";
import type { ObjectAttributes, StoredObject } from "../store/types.js";
import { invalidTargetType, symlinkTargetNotExist } from "./errors.js";
import { OSS_CRC, ossEtag, ossObjectHeaders } from "./object-headers.js";

/** The header carrying a symlink's target key, URL-encoded (`/` kept), in PutSymlink and GetSymlink. */
export const SYMLINK_TARGET_HEADER = "x-oss-symlink-target";

/** A target key as OSS and ali-oss put it in {@link SYMLINK_TARGET_HEADER}: `encodeURIComponent`, `/` kept. */
export function encodeSymlinkTarget(key: string): string {
  return encodeURIComponent(key).replace(/%2F/g, "/");
}

/**
 * Stores `key` as a symlink to `target` (which need not exist), replacing
 * what is there (unless `guard` refuses). Its bytes are empty; its ETag is the MD5 of the target key.
 * @throws ProtocolError `NoSuchBucket`, what `guard` throws
 */
export async function installSymlink(store: ObjectStore, bucket: string, key: string, target: string, attrs: ObjectAttributes, guard?: InstallGuard): Promise<StoredObject> {
  store.bucket(bucket);
  const blobId = newBlobId("o");
  await store.options.blobs.put(blobId, []);
  const etag = createHash("md5").update(target, "utf8").digest("hex");
  return store.install(bucket, { ...attrs, key, size: 0, etag, lastModified: store.now(), kind: "normal", blobId, symlinkTarget: target }, guard);
}

/**
 * What a read through `link` serves: its target. OSS follows one link only.
 * @throws ProtocolError `SymlinkTargetNotExist` (404), `InvalidTargetType` (400, the target is a symlink too)
 */
export function symlinkTarget(store: ObjectStore, bucket: string, link: StoredObject): StoredObject {
  const target = store.bucket(bucket).objects.get(link.symlinkTarget!);
  if (target === undefined) throw symlinkTargetNotExist();
  if (target.symlinkTarget !== undefined) throw invalidTargetType();
  return target;
}

/**
 * GET/HEAD headers of a symlink, as OSS documents them for HeadObject:
 * Content-Length, ETag and Content-MD5 (and here the CRC-64) of the target,
 * Last-Modified the later of the two, everything else the link's own
 * (user metadata, storage class, content type, `x-oss-object-type: Symlink`). The restore state at
 * `now` is the target's (its state decides whether a read through the link is served).
 */
export function symlinkHeaders(link: StoredObject, target: StoredObject, now?: number): Record<string, string> {
  const h = ossObjectHeaders(link);
  const restore = now === undefined ? undefined : ossObjectHeaders(target, now)["x-oss-restore"];
  if (restore !== undefined) h["x-oss-restore"] = restore;
  h["etag"] = ossEtag(target.etag);
  h["last-modified"] = new Date(Math.max(link.lastModified, target.lastModified)).toUTCString();
  delete h["content-md5"];
  delete h[OSS_CRC];
  if (target.contentMd5 !== undefined) h["content-md5"] = target.contentMd5;
  if (target.crc64 !== undefined) h[OSS_CRC] = target.crc64;
  return h;
}
