import { ErrorCode, isStorageError, type DriverCallOptions, type RawObject } from "@stowage/core";
import type { OssClient } from "./client.js";
import { OSS_TYPE } from "./config.js";
import { ossErrorFromResponse } from "./errors.js";
import { isOverwriteRefusal } from "./if-not-exists.js";
import { getSymlink, headObject, putSymlink } from "./requests.js";
import { errorDocument, isSymlinkType, linkFromHeaders, objectFromHeaders } from "./responses.js";

/** HEAD answers that may come from a symlink rather than a missing or refused key. */
const accepted = (status: number): boolean => (status >= 200 && status < 300) || status === 404 || status === 400;

/**
 * Whether a refused HEAD may be a symlink: 404 `SymlinkTargetNotExist` (a dangling
 * link), 400 `InvalidTargetType` (a link to a link), or a 404 without a code (no
 * `x-oss-err` header: it cannot be told apart from a missing key). 404 `NoSuchKey`
 * is a missing key, with no second request.
 */
export function mayBeSymlink(status: number, ossCode: string | undefined): boolean {
  if (status === 404) return ossCode === undefined || ossCode === "SymlinkTargetNotExist";
  return status === 400 && ossCode === "InvalidTargetType";
}

/**
 * GetSymlink: `key` as a `link` object, or undefined when nothing is there
 * (`NoSuchKey`) or it is no symlink (`NotSymlink`).
 * @throws StorageError `PermissionDenied`, `Aborted`, ...
 */
export async function readSymlink(client: OssClient, key: string, options: DriverCallOptions): Promise<RawObject | undefined> {
  try {
    const res = await client.sendBuffered(getSymlink(key), { signal: options.signal });
    return linkFromHeaders(key, res.headers);
  } catch (e) {
    if (isStorageError(e, ErrorCode.ObjectNotExist) || isStorageError(e, ErrorCode.ObjectModeInvalid)) return undefined;
    throw e;
  }
}

/**
 * Stat of an object key (not a `dir/` key). HeadObject answers for a symlink
 * with its target's size and ETag and `x-oss-object-type: Symlink`, or with
 * 404 `SymlinkTargetNotExist` when the target is missing (400
 * `InvalidTargetType` when it is a link): then GetSymlink names the target and
 * the key is reported as a `link`. An ordinary object costs one request, a
 * missing key one too when OSS sends the error code (`x-oss-err`), a link two.
 * `If-Match` / `If-None-Match` go on the HEAD, which OSS answers for a link with its target: the
 * conditions of a link's stat are its target's ETag, as for a read through the link. A 304 or 412
 * (no body, maybe `x-oss-err`) is `Conflict`, with no GetSymlink; a dangling link is reported
 * whatever the conditions (its HEAD finds no target to compare them with).
 * @throws StorageError `ObjectNotExist`, `Conflict` (412, or 304 not modified), `PermissionDenied`, `Aborted`, ...
 */
export async function statObject(client: OssClient, key: string, options: DriverCallOptions): Promise<RawObject> {
  const res = await client.sendBuffered(headObject(key, options), { signal: options.signal, accept: accepted });
  if (res.status < 300) {
    if (!isSymlinkType(res.headers)) return objectFromHeaders(key, res.status, res.headers);
    return (await readSymlink(client, key, options)) ?? objectFromHeaders(key, res.status, res.headers);
  }
  const doc = await errorDocument(res.body, res.headers);
  const refused = ossErrorFromResponse(res, doc).withContext({ service: OSS_TYPE });
  if (!mayBeSymlink(res.status, doc?.code)) throw refused;
  const link = await readSymlink(client, key, options);
  if (link === undefined) throw refused;
  return link;
}

/**
 * PutSymlink: `key` becomes a symlink to `targetKey` (which need not exist), replacing an object
 * or link there, unless `options.ifNotExists` (a move's): then `x-oss-forbid-overwrite: true`, and
 * an object at `key` refuses it (409 `FileAlreadyExists`, `Conflict`, never retried). Such a 409 to
 * a retry whose earlier attempt may have been applied (a lost answer) is that attempt's own link
 * when GetSymlink finds `key` a link to `targetKey`: then the link is returned.
 * @throws StorageError `InvalidArgument` (a bad key), `Conflict` (`ifNotExists`: an object exists), `PermissionDenied`, `Aborted`, ...
 */
export async function createSymlink(client: OssClient, key: string, targetKey: string, options: DriverCallOptions): Promise<RawObject> {
  const forbid = options.ifNotExists === true;
  const call = putSymlink(key, targetKey, forbid ? { ifNotExists: true } : {});
  const res = await client.sendBuffered(call, { signal: options.signal, accept: (s) => (s >= 200 && s < 300) || (forbid && s === 409) });
  if (res.status === 409) {
    const doc = await errorDocument(res.body, res.headers);
    const refused = ossErrorFromResponse(res, doc).withContext({ service: OSS_TYPE });
    if (!res.earlierAttemptMayHaveApplied || !isOverwriteRefusal(res.status, doc?.code)) throw refused;
    const there = await readSymlink(client, key, { signal: options.signal }).catch((e: unknown) => {
      if (isStorageError(e, ErrorCode.Aborted)) throw e;
      return undefined;
    });
    if (there?.linkTarget !== "/" + targetKey) throw refused;
    return there;
  }
  const link: RawObject = { key, mode: "link", linkTarget: "/" + targetKey };
  const etag = res.header("etag");
  if (etag !== undefined) link.etag = etag;
  return link;
}
