import { ErrorCode } from "../errors/error-code.js";
import { storageError } from "../errors/storage-error.js";
import { withoutEtagConditions } from "../http/condition-headers.js";
import { checkEtagConditions } from "../object/etag-conditions.js";
import type { OperationScope } from "./storager-context.js";
import { closeBody } from "../io/body.js";

/** A read's options after validation, as far as the checks before its first GET use them. */
export interface ReadPreflightOptions {
  offset?: number;
  size?: number;
  signal?: AbortSignal;
  [pair: string]: unknown;
}

/** Links a read follows in a row when the driver states no `linkHopsMaximum` (as many as Linux). */
const DEFAULT_LINK_HOPS = 40;

/**
 * For a read of 0 bytes: stats `key`, follows links to what a read would read, refuses a directory,
 * and checks the read's `ifMatch` / `ifNoneMatch` against that object's ETag (`*` against its existence,
 * as a service does, also for an object without an ETag). A chain longer than
 * the driver's `linkHopsMaximum` fails as the driver's read of it fails (OSS follows one link and
 * answers a longer chain with `ObjectNotExist`; memory and QingStor with `InvalidArgument`).
 * @throws StorageError `ObjectNotExist`, `ObjectModeInvalid` (a directory), `Conflict` (a condition), `InvalidArgument` (too many links)
 */
export async function checkWhatWouldBeRead(scope: OperationScope, key: string, options: ReadPreflightOptions, signal: AbortSignal | undefined): Promise<void> {
  const { offset: _o, size: _s, onProgress: _p, readConcurrency: _c, readPartSize: _r, ...rest } = options;
  const driverOptions = withoutEtagConditions(rest);
  const maxHops = scope.driver.features.limits.linkHopsMaximum ?? DEFAULT_LINK_HOPS;
  let info = await scope.driver.stat(key, driverOptions);
  for (let hops = 0; info.mode === "link" && info.linkTarget !== undefined; hops++) {
    if (hops === maxHops) await failAsReadWould(scope, key, driverOptions, maxHops);
    info = await scope.driver.stat(info.linkTarget.slice(1), signal ? { ...driverOptions, signal } : driverOptions);
  }
  if (info.mode === "dir") throw storageError(ErrorCode.ObjectModeInvalid, "this path is a directory");
  // The object exists (stat found it) whether or not it has an ETag: `*` matches it either way.
  checkEtagConditions(info.etag, options, true);
}

/**
 * A path ending in `/` names a directory, never a file, on every driver: its read fails the same way
 * whatever the offset and size, before any GET (a service would answer a `dir/` marker with its
 * empty body, an implied directory with 404). Stat decides which error: `ObjectModeInvalid` when
 * the directory exists (a marker, or keys under it), stat's `ObjectNotExist` when nothing is there.
 * @throws StorageError `ObjectModeInvalid` (a directory), `ObjectNotExist`, and stat's other errors
 */
export async function refuseDirectoryPath(scope: OperationScope, key: string, options: ReadPreflightOptions): Promise<never> {
  const { offset: _o, size: _s, onProgress: _p, readConcurrency: _c, readPartSize: _r, ...rest } = options;
  await scope.driver.stat(key, withoutEtagConditions(rest));
  throw storageError(ErrorCode.ObjectModeInvalid, "this path is a directory");
}

/**
 * A link chain is longer than the driver follows: opens the driver's read of `key`, which fails
 * with the driver's own error for such a chain, and throws that. Should it open after all, the
 * stream is closed unread and the chain refused.
 * @throws StorageError what the driver's read throws, else `InvalidArgument`
 */
async function failAsReadWould(scope: OperationScope, key: string, driverOptions: ReadPreflightOptions, maxHops: number): Promise<never> {
  const opened = await scope.driver.read(key, {}, driverOptions);
  closeBody(opened.stream);
  throw storageError(ErrorCode.InvalidArgument, `more than ${maxHops} links in a row`);
}
