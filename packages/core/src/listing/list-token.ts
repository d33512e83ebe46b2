import { createHash } from "node:crypto";
import { ErrorCode } from "../errors/error-code.js";
import { storageError } from "../errors/storage-error.js";

/**
 * The listing a token continues: the service (driver type), the bucket, the list mode and the
 * full key prefix (work_dir included). A token is only good for the listing that produced it.
 */
export interface ListTokenScope {
  service: string;
  bucket: string;
  mode: string;
  prefix: string;
}

/** The version tag every public list token starts with. */
export const LIST_TOKEN_VERSION = "s1";

/**
 * The public `nextToken` for a driver's continuation token `inner` (see {@link unwrapListToken}):
 * `s1.<inner, JSON then base64url>.<check>`, where the check is a SHA-256 digest of the scope and
 * `inner`, so a token from another listing (another service, bucket, path or mode), an edited or
 * truncated one, and a key typed in as a token are all recognised. It is not a secret and not a
 * signature: it guards against mistakes, not against someone who forges one on purpose (who then
 * gets what the driver makes of `inner`, as before).
 * @throws never
 */
export function wrapListToken(scope: ListTokenScope, inner: string): string {
  return `${LIST_TOKEN_VERSION}.${Buffer.from(JSON.stringify(inner), "utf8").toString("base64url")}.${check(scope, inner)}`;
}

/**
 * The driver's continuation token inside a public token made by {@link wrapListToken} for the same
 * scope. Tokens made by Stowage before these were wrapped (bare keys, OSS continuation tokens) are
 * refused like any other string: start such a listing again.
 * @throws StorageError `InvalidArgument` for a token this listing did not produce: another format
 *   or version, damaged, or made by a listing of another service, bucket, path or mode.
 */
export function unwrapListToken(scope: ListTokenScope, token: string): string {
  const parts = token.split(".");
  if (parts.length !== 3 || parts[0] !== LIST_TOKEN_VERSION) {
    throw refused("not a nextToken that listPage returned (another format, or one from before Stowage checked its tokens)");
  }
  const body = parts[1]!;
  let inner: unknown;
  try {
    if (!/^[A-Za-z0-9_-]+$/.test(body)) throw new Error("not base64url");
    inner = JSON.parse(Buffer.from(body, "base64url").toString("utf8"));
  } catch {
    inner = undefined;
  }
  if (typeof inner !== "string" || inner === "" || wrapListToken(scope, inner) !== token) {
    throw refused("damaged, or the nextToken of a listing of another service, bucket, path or mode");
  }
  return inner;
}

function check(scope: ListTokenScope, inner: string): string {
  const text = JSON.stringify([LIST_TOKEN_VERSION, scope.service, scope.bucket, scope.mode, scope.prefix, inner]);
  return createHash("sha256").update(text, "utf8").digest("base64url").slice(0, 22);
}

function refused(why: string): Error {
  return storageError(ErrorCode.InvalidArgument, `invalid list token: ${why}; list again without a token`);
}
