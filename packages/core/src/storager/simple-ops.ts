import { ErrorCode } from "../errors/error-code.js";
import { isStorageError, storageError } from "../errors/storage-error.js";
import type { ObjectInfo, Part } from "../object/object-info.js";
import type { PresignOperation, ProgressListener } from "../options.js";
import { throwIfAborted } from "../io/abort.js";
import { checkHttpUrl } from "../io/open-url.js";
import { checkPartIndex } from "../multipart/part-plan.js";
import { OBJECT_HEADERS } from "../object/object-headers.js";
import type { PresignedRequest } from "../storager.js";
import { toObjectInfo } from "./list-objects.js";
import { sortParts } from "./multipart-ops.js";
import { progressRelay } from "./progress-reporter.js";
import { withDefaulted } from "./defaulted-pairs.js";
import { refuseExisting } from "./if-not-exists.js";
import { objectStatPairs, refuseLinkLoop, refuseMoveOntoTarget } from "./link-checks.js";
import { asStorageError, destinationConflict, relocateError, sourceError } from "./relocate-checks.js";
import type { OperationScope } from "./storager-context.js";
import { ownEntry } from "../errors/own-entry.js";

/**
 * Metadata of `path` (or of its directory, or of an upload). The returned
 * path echoes the caller's form; directories end with `/`. A directory whose key only its `/`
 * takes over `limits.keyMaximum` cannot exist: ObjectNotExist, without asking the service.
 * @throws ObjectNotExist, InvalidArgument
 */
export async function statObject(scope: OperationScope, path: string, rawOptions: object | undefined): Promise<ObjectInfo> {
  scope.require("stat");
  const options = scope.options("stat", rawOptions) as { mode?: string; multipartId?: string };
  const dir = checkDirMode("stat", options.mode);
  if (options.multipartId !== undefined) {
    const resolved = scope.resolve(path, { dir });
    scope.require("stat", "multipart", "statMultipart");
    const raw = await scope.driver.statMultipart!(resolved.key, options.multipartId, options);
    return { ...toObjectInfo(scope.workDir, raw), path: resolved.path, mode: "part", multipartId: options.multipartId };
  }
  const resolved = scope.resolveExisting(path, { dir });
  if (resolved === undefined) throw storageError(ErrorCode.ObjectNotExist, `no such directory: its key, with the "/", would be longer than ${scope.service} allows`);
  const raw = await scope.driver.stat(resolved.key, options);
  // A directory ends with `/`, however it was asked for (fs and memory answer a dir for `d`).
  const shown = (dir || raw.mode === "dir") && !resolved.path.endsWith("/") ? resolved.path + "/" : resolved.path;
  return { ...toObjectInfo(scope.workDir, raw), path: shown };
}

/**
 * Server-side copy or move of one object. An `onProgress` listener reaches the driver through
 * {@link progressRelay}; the pairs filled in from open-time defaults are named to it
 * (`DriverCallOptions.defaulted`). Where core can tell which side failed, the message says so
 * (`source: no such object`, `destination: an object exists at this path`; `path` keeps both): a
 * missing source, a directory source (`d/`, or `d` for `d/`: `ObjectModeInvalid` with the same
 * message on every storage), a directory at the destination (memory, fs) are told apart by one or
 * two stats, only after such a failure (relocate-checks.ts `relocateError`). With `ifNotExists` the destination is
 * stat'ed first; when an object is there, the source is stat'ed before the refusal (relocate-checks.ts
 * `sourceError`), so a missing source is `ObjectNotExist` (a directory one `ObjectModeInvalid`) rather than `Conflict`.
 * On a storage with links, a move is first checked not to put a link onto what it leads to
 * (link-checks.ts `refuseMoveOntoTarget`). These stats of core carry the call's SSE-C pairs
 * (link-checks.ts `objectStatPairs`: an encrypted link or destination answers only to its key).
 * @throws ObjectNotExist, ObjectModeInvalid (a directory source), InvalidArgument (same source and destination on move,
 *   a link moved onto what it leads to), Conflict (`ifNotExists`: an object at the destination, the source there),
 *   the code of a stat of a move's source (or of a link it leads through) that failed otherwise, on a storage with
 *   links (`PermissionDenied`...: nothing moved), Unexpected (the onProgress listener threw)
 */
export async function relocate(scope: OperationScope, op: "copy" | "move", src: string, dst: string, rawOptions: object | undefined): Promise<void> {
  scope.require(op, op, op);
  const options = withProgressRelay(copyAttributesOf(scope, withDefaulted(scope.options(op, rawOptions), rawOptions)));
  const from = scope.resolve(src).key;
  const to = scope.resolve(dst, { file: true }).key;
  if (op === "move" && from === to) throw storageError(ErrorCode.InvalidArgument, "move source and destination are the same object");
  const signal = options["signal"] as AbortSignal | undefined;
  // Core's own stats carry the call's SSE-C pairs (an encrypted link, or destination, answers only to its key).
  const pairs = objectStatPairs(scope.ctx.pairs, op, options);
  if (op === "move" && scope.driver.features.createLink) await refuseMoveOntoTarget(scope.driver, from, to, pairs, signal);
  // The store decides (COS, OSS: forbid-overwrite; fs: link(); memory): a stat first fails early, and
  // narrows the window where a service would ignore the condition (COS documents none on a single copy).
  // Before that refusal, the source: a missing one is ObjectNotExist whatever the destination.
  if (options["ifNotExists"] === true && from !== to) {
    try {
      await refuseExisting(scope.driver, to, signal ? { ...pairs, signal } : pairs);
    } catch (e) {
      if (!isStorageError(e, ErrorCode.Conflict)) throw e;
      throw (await sourceError(scope.driver, op, from, signal)) ?? destinationConflict(e);
    }
  }
  try {
    await scope.driver[op]!(from, to, options);
  } catch (e) {
    // Anything but a StorageError is thrown as it is (the storager makes it Unexpected).
    const failure = asStorageError(e);
    throw failure === undefined ? e : await relocateError(scope.driver, op, from, to, failure, signal);
  }
}

/** The pairs a copy takes that set the copy's attributes (`copyAttributes`). */
const COPY_ATTRIBUTES: readonly string[] = ["contentType", "metadata", "storageClass", ...OBJECT_HEADERS.map(([field]) => field)];

/**
 * A copy's (or move's) options without the attributes open-time defaults filled in (a default
 * content type never turns a copy into a replacing one); the call's own need `copyAttributes`.
 * @throws StorageError `PairUnsupported` (attributes given to a storage without `copyAttributes`)
 */
function copyAttributesOf(scope: OperationScope, options: Record<string, unknown> & { defaulted: readonly string[] }): Record<string, unknown> {
  const dropped = options.defaulted.filter((k) => COPY_ATTRIBUTES.includes(k));
  const out: Record<string, unknown> = { ...options, defaulted: options.defaulted.filter((k) => !dropped.includes(k)) };
  for (const k of dropped) delete out[k];
  const given = COPY_ATTRIBUTES.filter((k) => out[k] !== undefined);
  if (given.length > 0 && !scope.driver.features.copyAttributes) {
    if (scope.ctx.loose) {
      for (const k of given) delete out[k];
    } else {
      throw storageError(ErrorCode.PairUnsupported, `copy cannot set ${given.join(", ")} on ${scope.driver.service} (it lacks the copyAttributes feature)`);
    }
  }
  return out;
}

/** `options` with its `onProgress` listener (if any) behind a {@link progressRelay}. */
function withProgressRelay(options: Record<string, unknown>): Record<string, unknown> {
  const relay = progressRelay(options["onProgress"] as ProgressListener | undefined);
  if (relay === undefined) return options;
  return { ...options, onProgress: relay };
}

/**
 * Has the service fetch an http(s) URL into `path`. An `onProgress` listener reaches the driver
 * through {@link progressRelay}.
 * @throws InvalidArgument (not an http or https URL), Unexpected (the onProgress listener threw)
 */
export async function fetchObject(scope: OperationScope, path: string, url: string, rawOptions: object | undefined): Promise<void> {
  scope.require("fetch", "fetch", "fetch");
  const options = withProgressRelay(scope.options("fetch", rawOptions));
  checkHttpUrl(url);
  await scope.driver.fetch!(scope.resolve(path, { file: true }).key, url, options);
}

/**
 * Creates directory `path` (idempotent). The returned path ends with `/`.
 * @throws ObjectModeInvalid (a file is in the way), InvalidArgument
 */
export async function createDir(scope: OperationScope, path: string, rawOptions: object | undefined): Promise<ObjectInfo> {
  scope.require("createDir", "createDir", "createDir");
  const options = scope.options("createDir", rawOptions);
  const resolved = scope.resolve(path, { dir: true });
  const raw = await scope.driver.createDir!(resolved.key, options);
  const shown = resolved.path.endsWith("/") ? resolved.path : resolved.path + "/";
  return { ...toObjectInfo(scope.workDir, raw), path: shown, mode: "dir" };
}

/**
 * Makes `path` a symbolic link to `target`. The returned object is the link. A target that
 * leads back to `path` through the links already there (`b → a` when making `a → b`) would close
 * a loop over what is at `path`: refused before anything changes (link-checks.ts
 * `refuseLinkLoop`: one stat of the target, and one per link it leads through, with the call's
 * SSE-C pairs, then without).
 * @throws InvalidArgument (a directory path or target, a link to itself or to a chain of links that
 *   leads back to it or through more than 40 links, a target outside the work_dir)
 */
export async function createLink(scope: OperationScope, path: string, target: string, rawOptions: object | undefined): Promise<ObjectInfo> {
  scope.require("createLink", "createLink", "createLink");
  const options = scope.options("createLink", rawOptions);
  const link = scope.resolve(path);
  const to = scope.resolve(target, { what: "link target" });
  if (link.key.endsWith("/") || to.key.endsWith("/")) throw storageError(ErrorCode.InvalidArgument, "a link and its target are objects, not directories (no trailing /)");
  if (link.key === to.key) throw storageError(ErrorCode.InvalidArgument, "a link cannot point to itself");
  await refuseLinkLoop(scope.driver, link.key, to.key, objectStatPairs(scope.ctx.pairs, "createLink", options), options["signal"] as AbortSignal | undefined);
  const raw = await scope.driver.createLink!(link.key, to.key, options);
  return { ...toObjectInfo(scope.workDir, raw), path: link.path, mode: "link", linkTarget: "/" + to.key };
}

const PRESIGN_FEATURE = {
  read: "presignRead",
  write: "presignWrite",
  delete: "presignDelete",
  createMultipart: "presignCreateMultipart",
  writeMultipart: "presignWriteMultipart",
  listMultipart: "presignListMultipart",
  completeMultipart: "presignCompleteMultipart",
} as const;

/** Options of `presign` that only some of its operations take. */
const PRESIGN_ONLY: Record<string, readonly PresignOperation[]> = {
  offset: ["read"],
  responseContentType: ["read"],
  responseContentDisposition: ["read"],
  responseCacheControl: ["read"],
  responseContentEncoding: ["read"],
  responseContentLanguage: ["read"],
  responseExpires: ["read"],
  size: ["read", "write", "writeMultipart"],
  contentType: ["write", "createMultipart"],
  cacheControl: ["write", "createMultipart"],
  contentDisposition: ["write", "createMultipart"],
  contentEncoding: ["write", "createMultipart"],
  httpExpires: ["write", "createMultipart"],
  storageClass: ["write", "createMultipart"],
  contentMd5: ["write", "writeMultipart"],
  multipartId: ["delete", "writeMultipart", "listMultipart", "completeMultipart"],
  index: ["writeMultipart"],
  parts: ["completeMultipart"],
};

/** 9999-12-31T23:59:59Z in seconds since the epoch: the last instant a four-digit year can write. */
const LAST_WRITABLE_SECOND = 253_402_300_799;

/** Operations whose presigned request works on one upload: `multipartId` is required. */
const PRESIGN_NEEDS_UPLOAD: readonly PresignOperation[] = ["writeMultipart", "listMultipart", "completeMultipart"];

/**
 * A signed request for `op` on `path`, valid for `expires` seconds. What the URL binds is the
 * driver's signature's (see `Storager.presign`).
 * @throws CapabilityInsufficient, InvalidArgument (bad op, an expiry past the service's maximum or the year 9999, an option `op` does not take, a part index
 *   out of range, parts not numbered 0..n-1; from the driver, e.g. OSS V1 and QingStor: an `&` in a value they sign unescaped),
 *   PairUnsupported (an unknown option, `metadata`, `ifNotExists`, an option the storage lacks), PairRequired (no expires;
 *   writeMultipart, listMultipart or completeMultipart without multipartId; writeMultipart without index; completeMultipart
 *   without parts), PermissionDenied (a credential provider failed), Aborted, ServiceInternal (from the driver)
 */
export async function presign(scope: OperationScope, op: PresignOperation, path: string, rawOptions: object | undefined): Promise<PresignedRequest> {
  const feature = ownEntry(PRESIGN_FEATURE, op);
  if (feature === undefined) throw storageError(ErrorCode.InvalidArgument, `presign supports ${Object.keys(PRESIGN_FEATURE).join(", ")}, not ${JSON.stringify(op)}`);
  scope.require("presign", feature, "presign");
  // `parts` is a call argument, not a pair: checked here, passed on sorted.
  const { parts, ...pairs } = (rawOptions ?? {}) as { parts?: unknown } & Record<string, unknown>;
  const options = scope.options("presign", pairs) as { expires: number; multipartId?: string; index?: number; signal?: AbortSignal };
  // Signing sends nothing, but an aborted call is refused as on every other operation.
  throwIfAborted(options.signal);
  // What the caller passed, not open-time defaults (a default content type must not fail a presigned read).
  const given = (rawOptions ?? {}) as Record<string, unknown>;
  for (const [name, ops] of Object.entries(PRESIGN_ONLY)) {
    if (given[name] !== undefined && !ops.includes(op)) {
      throw storageError(ErrorCode.InvalidArgument, `presign ${op} does not take option "${name}" (only ${ops.join(", ")})`);
    }
  }
  if (PRESIGN_NEEDS_UPLOAD.includes(op) && options.multipartId === undefined) {
    throw storageError(ErrorCode.PairRequired, `presign ${op} needs option "multipartId"`);
  }
  if (op === "writeMultipart") {
    if (options.index === undefined) throw storageError(ErrorCode.PairRequired, 'presign writeMultipart needs option "index"');
    checkPartIndex(options.index, scope.driver.features.limits.multipartNumberMaximum);
  }
  const max = scope.driver.features.limits.presignExpiresMaximum;
  if (max !== undefined && options.expires > max) {
    throw storageError(ErrorCode.InvalidArgument, `presign expiry ${options.expires}s exceeds the service's ${max}s`);
  }
  // Past the last second of year 9999 no date can be written (HTTP dates, ISO 8601), and far before
  // 2^53 s the signed timestamp would lose its last digits: such an expiry is a mistake, not a wish.
  if (Date.now() / 1000 + options.expires > LAST_WRITABLE_SECOND) {
    throw storageError(ErrorCode.InvalidArgument, `presign expiry ${options.expires}s would end after the year 9999`);
  }
  // A URL that writes creates an object: not at a directory path.
  const { key } = scope.resolve(path, { file: op === "write" || op === "createMultipart" || op === "writeMultipart" || op === "completeMultipart" });
  const sent = withDefaulted(options, pairs);
  if (op !== "completeMultipart") return scope.driver.presign!(op, key, sent);
  if (parts === undefined) throw storageError(ErrorCode.PairRequired, 'presign completeMultipart needs option "parts"');
  return scope.driver.presign!(op, key, { ...sent, parts: sortParts(checkedParts(parts)) });
}

/** `value` as a list of parts, each with a whole index, a size and an ETag. */
function checkedParts(value: unknown): Part[] {
  if (!Array.isArray(value)) throw storageError(ErrorCode.InvalidArgument, "presign completeMultipart: parts must be an array of parts");
  for (const part of value as unknown[]) {
    const p = part as Partial<Part> | null;
    const ok =
      typeof p === "object" && p !== null && Number.isSafeInteger(p.index) && Number.isSafeInteger(p.size) && (p.size as number) >= 0 && typeof p.etag === "string" && p.etag !== "";
    if (!ok) throw storageError(ErrorCode.InvalidArgument, "presign completeMultipart: every part needs a whole index, a size and an etag");
  }
  return value as Part[];
}

/** True for `mode: "dir"`, false without a mode. @throws StorageError `InvalidArgument` (another mode) */
export function checkDirMode(op: string, mode: string | undefined): boolean {
  if (mode === undefined) return false;
  if (mode === "dir") return true;
  throw storageError(ErrorCode.InvalidArgument, `${op} accepts mode "dir" only, not ${JSON.stringify(mode)}`);
}
