import type { StorageFeatures } from "../features.js";
import type { Part } from "../object/object-info.js";
import type { PresignOperation, RestoreTier } from "../options.js";
import type { PresignedRequest, RestoreResult } from "../storager-results.js";
import type { DriverBody, DriverCallOptions, DriverListPage, DriverListRequest, DriverPartsPage, DriverReadResult, DriverUploadsPage, DriverWriteResult, RawObject } from "./driver-types.js";

export * from "./driver-types.js";

/**
 * The primitives a driver implements. Core does everything else: path rules,
 * option validation and defaults, capability checks, paging, multipart
 * scheduling, CRC64 checking, progress, abort and error context. Each method
 * may throw only {@link StorageError}s (core wraps anything else as `Unexpected`).
 * Methods for operations the driver's features lack may be left out; a flag that is on needs its
 * methods (`multipart`: createMultipart, writePart, completeMultipart, abortMultipart, listParts and
 * statMultipart; `listMultipartUploads`: listUploads; `append`: createAppend and writeAppend), else core
 * refuses the operation with `CapabilityInsufficient` as if the flag were off.
 *
 * What core relies on from every method: `Aborted` once `options.signal` fired (core's own checks
 * rethrow it, where they take any other failure of a look as "not known"); a failure that is the
 * service's answer carries its `statusCode`, a local one (refused before sending, or a network
 * failure) none (core tells them apart: link walks, lost answers, parts stored wrong); `retryable`
 * on what another attempt may cure (`RequestThrottled`, `ServiceInternal`; a read's broken body is
 * resumed on it); `ObjectNotExist` for a bucket that does not exist. Each member's `@throws` names
 * the codes core reads from it; a driver may throw others (`PermissionDenied`, `InvalidArgument`
 * for what it cannot send...), which reach the caller as they are. A driver that is its own
 * service (memory, fs) has no HTTP answers: it sets `statusCode` where core and the behaviour suite
 * read one, 409 on the `Conflict` of `ifNotExists` and 412 / 304 on a failed `ifMatch` /
 * `ifNoneMatch` ({@link checkEtagConditions} throws exactly those), and leaves it out of its other
 * refusals (local ones, as far as core can tell).
 *
 * A body's `data` is never the driver's to keep: copy what it stores (see {@link DriverBody.data}).
 */
export interface StorageDriver {
  /**
   * The service's type: the definition's `type`, the scheme it registers (`"kv"` for `kv://`).
   * A storager's `info.service` and every error's `service` are this value; core does not compare
   * it with the scheme the storager was opened by.
   */
  readonly service: string;
  /**
   * Bucket or root name (`OpenConfig.name` is optional in its type even where `storagerRequires`
   * names it: take `config.name ?? ""`).
   */
  readonly name: string;
  readonly location?: string | undefined;
  /**
   * What the service can do (`defineFeatures({...})`): core checks every call against it. Leave
   * `loosePair` out: it says how a storager was opened (`enable_loose_pair`), and core sets it.
   * `virtualDir`: true for a flat key space (keys are strings; a directory is a `d/` marker or
   * implied by keys below it; core itself refuses a `delete` of a `d/` directory without
   * `mode: "dir"`), false for a tree whose driver enforces directories (see {@link StorageDriver.delete}).
   */
  readonly features: Readonly<StorageFeatures>;
  /**
   * Why this storager cannot append, where `features.append` is false for how it was opened (COS
   * opened to encrypt, QingStor with an SSE-C key), in words core adds to the `CapabilityInsufficient`
   * of `createAppend`, `writeAppend` and `commitAppend`; undefined (or absent) otherwise.
   */
  readonly appendsOff?: string | undefined;

  /**
   * The object at `key`, as it is (a link is reported as `mode: "link"` with its `linkTarget`, not
   * followed). A `d/` key is a directory (`mode: "dir"`) where its marker exists or, on a `virtualDir`
   * storage, keys lie below it (only the marker with `options.markerOnly`); where `d` names the
   * directory `d/` (memory, fs) a stat of `d` may answer it. Honours the pairs it is given:
   * `ifMatch` / `ifNoneMatch` (a caller's `stat`), an SSE-C key.
   * @throws ObjectNotExist when nothing is there: core takes exactly this code for "missing" (delete's
   *   directory checks, copy and move source checks, link walks, lost answers judged), Conflict when
   *   `ifMatch` / `ifNoneMatch` does not hold, Aborted
   */
  stat(key: string, options: DriverCallOptions): Promise<RawObject>;
  /**
   * Opens `key` (following links, as far as the storage does) for reading, or `range` of it on a
   * `readRange` storage: a range that starts at or past the end is an empty body, no error.
   * Resolves once the service answered, with the body and what the answer says of the object
   * (see {@link DriverReadResult}: core checks and resumes by it). The stream yields exactly the
   * bytes asked for, or errors (a retryable StorageError, or the socket's own error) rather than
   * ending early. Honours `ifMatch` / `ifNoneMatch`: core passes a read's conditions on every
   * request it makes, ranged ones and resumes included, and checks none itself but for a read of 0 bytes.
   * @throws ObjectNotExist (nothing at `key`), ObjectModeInvalid (`key` names a directory: memory, fs),
   *   Conflict (`ifMatch` / `ifNoneMatch` does not hold; an object the service will not serve as it is:
   *   an archived one), Aborted
   */
  read(key: string, range: { offset?: number; size?: number }, options: DriverCallOptions): Promise<DriverReadResult>;
  /**
   * Stores `body` (exactly `body.size` bytes) at `key` in one request, replacing what is there
   * (`body.data` is the caller's memory, or from 1 MiB core's own copy, which core reuses for the
   * next write: copy what is kept); reports the ETag and, where the
   * service states it, the CRC-64 it stored (where `features.crc64` is on, core compares it with
   * its own and removes an object stored wrong; off, core ignores it). With `ifNotExists` the
   * storage decides atomically: core makes no check of its own before a single write.
   * @throws Conflict (`ifNotExists` and an object at `key`: nothing changed), IntegrityMismatch (the
   *   service refused `body.contentMd5`), ObjectModeInvalid (memory, fs: a directory at `key`, a file
   *   in the place of a parent), Aborted
   */
  write(key: string, body: DriverBody, options: DriverCallOptions): Promise<DriverWriteResult>;
  /**
   * Must succeed when the key does not exist. Core never passes the empty key (the root of a
   * bucket, whose DELETE would name the bucket); a driver refuses it too (`InvalidArgument`,
   * nothing sent). On a storage without `virtualDir` core leaves directories to it: a `d/` key
   * (or `d`, where `d` names `d/`) that is a directory is refused.
   * @throws ObjectNotExist only for a bucket that does not exist, InvalidArgument (the empty key),
   *   ObjectModeInvalid (memory, fs: a directory at `key`), Aborted
   */
  delete(key: string, options: DriverCallOptions): Promise<void>;
  /**
   * Deletes up to 1,000 keys (core batches; every key was checked, none is empty or a directory
   * path that a stat found to be a directory). After a failure no further delete starts. A failure
   * once something was sent carries `batch` (a BatchOutcome naming keys: failed ones with their
   * codes, deleted ones, ones never sent); without it every key of the call counts as failed.
   * A 200 answer that is no batch result (an error document, an empty or damaged body) is a
   * failure, never a success. `runBatchDelete` does all this.
   * @throws the first failure's code (a key's own, or the request's) with `batch`; InvalidArgument (an
   *   empty key, nothing sent), Unexpected (an answer that is no batch result, or names a key not sent), Aborted
   */
  deleteMany?(keys: string[], options: DriverCallOptions): Promise<void>;
  /**
   * One page of the keys under `request.prefix`, at most `request.limit`: with `delimiter`, one level
   * (the directories below as `dir` objects ending in `/`), else every key. `nextToken` on every
   * page but the last: only its absence ends a listing, so a page may be short, even empty, before
   * it. Every item's key starts with the prefix (core refuses a page with another as `Unexpected`).
   * Keys come in UTF-8 byte order ({@link compareKeys}), across pages too; a flat listing given
   * `startAfter` (and no token) starts after that key: core does not filter.
   * @throws ObjectNotExist only for a bucket that does not exist (a prefix with nothing under it is an
   *   empty last page), Unexpected (retryable: a page marked truncated that gives no way on, an answer
   *   that is no listing: never a short listing passed off as whole), Aborted
   */
  listPage(request: DriverListRequest, options: DriverCallOptions): Promise<DriverListPage>;
  /**
   * Server-side copy of `srcKey` (following a link to what it leads to) to `dstKey` (which never ends
   * with `/`; it may be `srcKey`), replacing what is there. Given attributes (feature `copyAttributes`;
   * never from defaults), the copy carries exactly those. With `ifNotExists` the storage decides
   * atomically, after core's own stat of `dstKey`. Reports progress to `options.onProgress`, which
   * throws when the caller's listener threw: let that fail the call.
   * A copy onto itself with no attributes changes nothing, its ETag included (the model-based
   * suite checks that).
   * @throws ObjectNotExist (nothing at `srcKey`: core then stats `srcKey/`, to tell a directory named
   *   without its `/`; also a `srcKey` ending in `/` where nothing is at or below it, even beside an
   *   object without the `/`), ObjectModeInvalid (a `srcKey` ending in `/` that is a directory: its
   *   marker, or keys below it; memory, fs: a directory at `dstKey`), Conflict (`ifNotExists` and an
   *   object at `dstKey`; the source changed during the copy: `copySourceChanged`; an archived
   *   source), IntegrityMismatch (the copy contradicts the source's checksum), Aborted
   */
  copy?(srcKey: string, dstKey: string, options: DriverCallOptions): Promise<void>;
  /**
   * Moves `srcKey` to `dstKey` (different keys; `dstKey` never ends with `/`), replacing what is there:
   * a link moves as a link. Otherwise as {@link StorageDriver.copy}, `ifNotExists` and `onProgress` included.
   * @throws as copy: ObjectNotExist (no source), ObjectModeInvalid, Conflict (`ifNotExists` and an object
   *   at `dstKey`; the source changed during the move, the source kept: `movedSourceUnchanged`), Aborted
   */
  move?(srcKey: string, dstKey: string, options: DriverCallOptions): Promise<void>;
  /**
   * Stores at `key` (never ending with `/`) what `url` (http or https: core checked) answers, as it
   * came. Reports progress to `options.onProgress` as {@link StorageDriver.copy} does.
   * @throws ObjectNotExist (the source answered 404), InvalidArgument (memory, fs: the source refused, 401 or
   *   403; a redirect loop), RequestThrottled, ServiceInternal (the source throttled, failed or broke off),
   *   Conflict (QingStor: a fetch into `key` under way), Aborted; never PermissionDenied for the
   *   source's refusal (that code means the storage refused the caller)
   */
  fetch?(key: string, url: string, options: DriverCallOptions): Promise<void>;
  /**
   * Makes `key` a symbolic link to `targetKey` (neither ends with `/`; they differ; the target
   * need not exist), replacing a link already there. Stat and list report links as
   * `mode: "link"` with `linkTarget` = `"/" + targetKey`. Core has refused a loop through the links there.
   * @throws ObjectModeInvalid (memory, fs: a directory at `key`), Aborted
   */
  createLink?(key: string, targetKey: string, options: DriverCallOptions): Promise<RawObject>;
  /**
   * `key` ends with `/`. Idempotent.
   * @throws ObjectModeInvalid (memory, fs: a file at `key` without its `/`, or in the place of a parent), Aborted
   */
  createDir?(key: string, options: DriverCallOptions): Promise<RawObject>;
  /**
   * `key` ends with `/`. Idempotent: succeeds when nothing is there. Where absent, core deletes the
   * marker with {@link StorageDriver.delete}.
   * @throws Conflict (not empty, where the storage refuses that), ObjectModeInvalid (a file at the key), Aborted
   */
  deleteDir?(key: string, options: DriverCallOptions): Promise<void>;
  /**
   * A signed request for `op` (each op only when its `presign*` feature flag is on). Core has
   * checked the options: `expires` within the service limit; `multipartId` for `writeMultipart`,
   * `listMultipart` and `completeMultipart`; a part `index` within the part count for
   * `writeMultipart`; for `completeMultipart`, `parts` numbered 0..n-1 and sorted; no option
   * that `op` does not take. Sends nothing, except what signing needs (a credential provider; QingStor's zone).
   * @throws PermissionDenied (a credential provider failed), InvalidArgument (COS, OSS: credentials that expire
   *   before the URL would), ServiceInternal (QingStor: its zone could not be detected), Aborted
   */
  presign?(op: PresignOperation, key: string, options: DriverCallOptions & { expires: number; parts?: readonly Part[] }): Promise<PresignedRequest>;

  /**
   * Creates an empty appendable object at `key` (replacing what is there) with the call's attributes.
   * @throws ObjectModeInvalid (memory, fs: a directory at `key`, a file in the place of a parent), Aborted
   */
  createAppend?(key: string, options: DriverCallOptions): Promise<RawObject>;
  /**
   * Appends at `offset` (`body.data` is the caller's memory: copy what is kept). `crc64`: the
   * whole object's CRC-64 after the append, only as the service reported it (or as the driver
   * knows it, having checked the object's bytes against `body.appendBaseCrc64`); core hands it back
   * as the object's, so never a computed guess. An append whose answer was lost is judged by the
   * object (`judgeLostAppend`), never re-sent blindly.
   * @throws Conflict (the object's length is not `offset`: the one check every storage makes, and
   *   core's only guard where nothing else is checked), ObjectModeInvalid (not an appendable object;
   *   memory, fs: not the bytes `body.appendBaseCrc64` describes), ObjectNotExist (memory, fs: no object),
   *   IntegrityMismatch (the service refused `body.contentMd5`), Aborted (saying whether it may have
   *   been applied: `abortedAppendError`)
   */
  writeAppend?(key: string, offset: number, body: DriverBody, options: DriverCallOptions): Promise<{ appendOffset: number; crc64?: string }>;
  /**
   * Finishes the appendable object at `key` (absent, or a no-op, where the service has no such step).
   * @throws ObjectNotExist, ObjectModeInvalid (memory, fs: they check the object), Aborted
   */
  commitAppend?(key: string, options: DriverCallOptions): Promise<void>;

  /**
   * Starts an upload at `key` with the call's attributes (and `ifNotExists`, for the Complete).
   * @throws ObjectModeInvalid (memory: a directory at `key`, a file in the place of a parent), Aborted
   */
  createMultipart?(key: string, options: DriverCallOptions): Promise<{ multipartId: string }>;
  /**
   * Uploads part `index` (0-based). Returns the part with the service's etag (and crc64 if it sends
   * one: compared with core's where `features.crc64` is on, else ignored).
   * `body.data` is the caller's memory or core's reused part buffer: copy what is kept.
   * Core sends a part again once after an `IntegrityMismatch`.
   * @throws ObjectNotExist (no such upload), IntegrityMismatch (with `statusCode`: the service refused
   *   `body.contentMd5`, nothing stored; without: the part it stored contradicts the bytes), Aborted
   */
  writePart?(key: string, multipartId: string, index: number, body: DriverBody, options: DriverCallOptions): Promise<Part>;
  /**
   * `parts` arrive sorted by index, numbered 0..n-1, checked against the upload's listed parts
   * (core checks). With `ifNotExists` the storage decides atomically; a retry refused after a
   * lost answer is judged by the object (`judgeRefusedComplete`).
   * @throws ObjectNotExist (no such upload), Conflict (`ifNotExists` and an object at `key`: nothing
   *   completed; a part unlike the uploaded one), Aborted
   */
  completeMultipart?(key: string, multipartId: string, parts: Part[], options: DriverCallOptions): Promise<DriverWriteResult>;
  /**
   * Must succeed when the upload does not exist.
   * @throws ObjectNotExist only for a bucket that does not exist (core then forgets the parts it
   *   recorded for the upload), Aborted
   */
  abortMultipart?(key: string, multipartId: string, options: DriverCallOptions): Promise<void>;
  /**
   * One page of the upload's parts (0-based `index`, size, ETag, and the CRC-64 where the service
   * lists one); `nextToken` on every page but the last.
   * @throws ObjectNotExist (no such upload: core's completeMultipart, resumed writes and
   *   `judgeRefusedComplete` take it as "gone"), Unexpected (a page marked truncated that gives no way on), Aborted
   */
  listParts?(key: string, multipartId: string, token: string | undefined, options: DriverCallOptions): Promise<DriverPartsPage>;
  /**
   * The upload as an object at `key` (core sets `mode: "part"` and `multipartId`).
   * @throws ObjectNotExist if the upload does not exist, Aborted
   */
  statMultipart?(key: string, multipartId: string, options: DriverCallOptions): Promise<RawObject>;
  /**
   * One page of the uploads in progress under `request.prefix` (each with its `multipartId`), paged as
   * {@link StorageDriver.listPage} pages.
   * @throws ObjectNotExist only for a bucket that does not exist, Unexpected (a page marked truncated
   *   that gives no way on), Aborted
   */
  listUploads?(request: DriverListRequest, options: DriverCallOptions): Promise<DriverUploadsPage>;
  /**
   * Restores archived object `key` (not ending with `/`) for `options.days` (core fills in the
   * default, 1, and has checked it against `limits.restoreDaysMaximum`) at `options.tier` (one of
   * the three, when given). Refuses an object in no archive class (`ObjectModeInvalid`) and a `days`
   * or `tier` its class does not take (`InvalidArgument`) where it can tell, before the request;
   * maps the service's "in progress" refusal to `Conflict`.
   * @throws ObjectNotExist, ObjectModeInvalid (no archive class, not a plain object), InvalidArgument (a
   *   `days` or `tier` the class does not take), Conflict (a restore under way), Aborted
   */
  restore?(key: string, options: DriverCallOptions & { days: number; tier?: RestoreTier }): Promise<RestoreResult>;
}
