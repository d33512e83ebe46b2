import type { DriverListPage, DriverListRequest, RawObject, StorageDriver } from "../driver/storage-driver.js";
import type { StorageFeatures } from "../features.js";
import { ErrorCode } from "../errors/error-code.js";
import { storageError } from "../errors/storage-error.js";
import type { ObjectInfo } from "../object/object-info.js";
import type { ListMode } from "../options.js";
import { unwrapListToken, wrapListToken, type ListTokenScope } from "../listing/list-token.js";
import { keyToPath, resolvePath, unaddressableReason } from "../path/paths.js";
import type { ListPage } from "../storager.js";
import type { OperationScope } from "./storager-context.js";
import { UnlistedKeys } from "./unlisted-keys.js";
import { ownEntry } from "../errors/own-entry.js";

/** The feature flag (and driver method) each list mode needs. */
const LIST_MODE_NEEDS: Record<string, [keyof StorageFeatures, (keyof StorageDriver)?]> = {
  dir: ["listDir"],
  prefix: ["listPrefix"],
  part: ["listMultipartUploads", "listUploads"],
};

/** Page size asked of a driver when the caller gives none. */
export const DEFAULT_LIST_LIMIT = 1000;

interface ListRequest {
  mode?: ListMode;
  limit?: number;
  token?: string;
  startAfter?: string;
  signal?: AbortSignal;
  [pair: string]: unknown;
}

/**
 * One page of `path`'s entries. `dir` mode lists one level (sub-dirs end with
 * `/`), `prefix` mode every object whose key starts with the path, `part` mode
 * the in-progress multipart uploads under it. `startAfter` (prefix mode) places
 * the first page after that path; a token continues from where it says.
 *
 * Tokens are the driver's continuation tokens wrapped by {@link wrapListToken}: a `nextToken` is
 * good only for the listing that returned it (same service, bucket, path and mode); any other
 * string, a token of a former version (a bare key) included, is refused before anything is sent.
 *
 * Keys no path addresses (another client's keys with `\`, an empty, `.` or `..` segment, NUL
 * or a lone surrogate, dir entries such as `x//` included) are left out, so a page may hold
 * fewer entries (tokens are the driver's, unaffected); so are the bytes of another client's key
 * ending in `/` that holds some (its path names a directory: a prefix listing leaves it out, a dir
 * listing shows it as a `dir`, and it is reported when it is the marker of the directory listed). They are added to `unlisted` when given
 * (a listing of several pages reports them once, at its end), else reported at once by one
 * process warning (`STOWAGE_UNLISTED_KEYS`, see {@link UnlistedKeys}).
 * @throws CapabilityInsufficient, InvalidArgument (also `startAfter` outside prefix mode, a bad path, or a
 *   token this listing did not produce), PairUnsupported
 */
export async function listPage(scope: OperationScope, path: string, rawOptions: object | undefined, unlisted?: UnlistedKeys): Promise<ListPage> {
  scope.require("list");
  const options = scope.options("list", rawOptions) as ListRequest;
  const features = scope.driver.features;
  const mode = options.mode ?? (features.listDir ? "dir" : "prefix");
  const limit = Math.min(options.limit ?? DEFAULT_LIST_LIMIT, features.limits.listPageMaximum ?? Number.MAX_SAFE_INTEGER);
  const prefix = listPrefix(scope.workDir, path, mode);
  const needs = ownEntry(LIST_MODE_NEEDS, mode);
  if (needs === undefined) throw storageError(ErrorCode.InvalidArgument, `list mode must be dir, prefix or part, not ${JSON.stringify(mode)}`);
  scope.require("list", ...needs);
  const request: DriverListRequest = { prefix, limit };
  if (options.startAfter !== undefined && mode !== "prefix") {
    throw storageError(ErrorCode.InvalidArgument, `startAfter applies to prefix listings, not to mode ${JSON.stringify(mode)}`);
  }
  const tokenScope: ListTokenScope = { service: scope.service, bucket: scope.ctx.config.name ?? "", mode, prefix };
  if (options.token) request.token = unwrapListToken(tokenScope, options.token);
  else if (options.startAfter !== undefined) request.startAfter = resolvePath(scope.workDir, options.startAfter).key;
  const driverOptions: { signal?: AbortSignal } = {};
  if (options.signal) driverOptions.signal = options.signal;

  let page: DriverListPage;
  if (mode === "dir") page = await scope.driver.listPage({ ...request, delimiter: "/" }, driverOptions);
  else if (mode === "prefix") page = await scope.driver.listPage(request, driverOptions);
  else page = await scope.driver.listUploads!(request, driverOptions);
  const items: ObjectInfo[] = [];
  const skipped = unlisted ?? new UnlistedKeys();
  for (const raw of page.items) {
    // A key outside the prefix asked for is the service's fault (or a damaged answer), not the caller's.
    if (typeof raw.key !== "string" || !raw.key.startsWith(prefix)) {
      throw storageError(ErrorCode.Unexpected, `the service listed a key outside the prefix asked for: ${JSON.stringify(raw.key)}`, { retryable: true });
    }
    // Another client's `x/` key that holds bytes: its path names a directory, so no path reads
    // them. A prefix listing (of objects) and the listing of that directory leave it out; never silently.
    const holdsBytes = raw.mode === "dir" && (raw.size ?? 0) > 0;
    if (holdsBytes && (mode === "prefix" || raw.key === prefix)) skipped.add(raw.key, `ends in "/" (a directory) but holds ${raw.size} bytes`);
    // Not entries: the dir marker of the listed directory itself, and such a key in a prefix listing.
    if ((mode === "dir" && raw.key === prefix) || (mode === "prefix" && holdsBytes)) continue;
    const reason = unaddressableReason(scope.workDir, raw.key);
    if (reason === undefined) items.push(toObjectInfo(scope.workDir, raw));
    else skipped.add(raw.key, reason, mode === "part");
  }
  if (unlisted === undefined) skipped.report(scope.service, scope.driver.name, scope.workDir, path);
  return page.nextToken ? { items, nextToken: wrapListToken(tokenScope, page.nextToken) } : { items };
}

/**
 * The key prefix a listing of `path` in `mode` starts from: `path` resolved as every operation
 * resolves it (so `x//` is refused, never listed as `x/`), as a directory in dir mode or when it
 * ends with `/`.
 */
function listPrefix(workDir: string, path: string, mode: ListMode): string {
  if (typeof path !== "string") throw storageError(ErrorCode.InvalidArgument, `path must be a string, got ${path === null ? "null" : typeof path}`);
  const normalized = path.replace(/\\/g, "/");
  // "" is the work_dir (so is the work_dir's own absolute path, with or without its "/"); "/" is the
  // bucket's root, as for every other operation: the work_dir only when that is "/".
  const isWorkDir = normalized === "" || normalized + "/" === workDir;
  return resolvePath(workDir, path, { dir: isWorkDir || mode === "dir" || normalized.endsWith("/") }).key;
}

/** A driver's object with its key turned into a work_dir-relative path. */
export function toObjectInfo(workDir: string, raw: RawObject): ObjectInfo {
  const { key, ...rest } = raw;
  return { path: keyToPath(workDir, key), ...rest };
}
