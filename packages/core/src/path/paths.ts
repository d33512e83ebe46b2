import { ErrorCode } from "../errors/error-code.js";
import { storageError } from "../errors/storage-error.js";

/**
 * Path rules (go-storage GSP-749):
 * - `work_dir` is absolute, Unix style and ends with `/` (default `/`).
 * - A path is relative to `work_dir`, or absolute and inside `work_dir`; both
 *   forms address the same object. `\` is read as `/`.
 * - A storage key is the full path without its leading `/` (`/a/b/` + `c.txt`
 *   → `a/b/c.txt`). Keys are otherwise byte-exact: spaces, `+`, `%`, `~` and
 *   unicode travel unchanged (no trimming, no unicode normalisation).
 * - `.` and `..` segments, empty inner segments (`a//b`) and NUL are rejected.
 */

/** What {@link resolvePath} returns. */
export interface ResolvedPath {
  /** Full storage key, no leading `/`; ends with `/` for directories. */
  key: string;
  /** The caller's path with `/` separators (relative or absolute, as given); ends with `/` for `dir` unless empty. */
  path: string;
}

function invalid(message: string): never {
  throw storageError(ErrorCode.InvalidArgument, message);
}

/** Checks the segments of a `/`-separated path; `what` names it in messages. */
function checkSegments(segments: readonly string[], what: string, shown: string): void {
  for (const segment of segments) {
    if (segment === "") invalid(`${what} ${JSON.stringify(shown)} has an empty segment ("//")`);
    if (segment === "." || segment === "..") invalid(`${what} ${JSON.stringify(shown)} has a "${segment}" segment`);
  }
}

/**
 * Normalises a work_dir: `\` becomes `/` and a trailing `/` is added; `""`
 * becomes `/`. A relative one (`data`, `./data`, `~/data`, `C:\data`) is
 * refused: it is never resolved against the current directory, where fs would
 * otherwise open a directory under `/` that the caller did not mean.
 * @throws InvalidArgument for a non-string, a relative work_dir, NUL, `.`/`..` segments or empty inner segments.
 */
export function normalizeWorkDir(workDir: string): string {
  if (typeof workDir !== "string") invalid(`work_dir must be a string, got ${typeof workDir}`);
  if (workDir.includes("\0")) invalid("work_dir must not contain NUL");
  let wd = workDir.replace(/\\/g, "/");
  if (wd === "") wd = "/";
  if (!wd.startsWith("/")) {
    invalid(`work_dir ${JSON.stringify(workDir)} must be absolute (start with "/"): it is not resolved against the current directory, so pass a full path (path.resolve(...))`);
  }
  if (!wd.endsWith("/")) wd += "/";
  if (wd !== "/") checkSegments(wd.slice(1, -1).split("/"), "work_dir", workDir);
  return wd;
}

/**
 * Turns a caller's path into a storage key below `workDir`.
 * - Relative paths are joined to `workDir`; absolute ones must lie inside it.
 * - The empty path (or `workDir` itself given absolutely) is only accepted with
 *   `dir: true`, and addresses the work_dir itself (key = work_dir minus its leading `/`).
 * - `dir: true` makes the key (and the returned path, unless empty) end with `/`.
 * - A trailing `/` on a non-dir path is kept in the key; with `file: true` (a path an operation
 *   creates an object at) it is refused: `x/` names a directory, which holds no bytes.
 * @throws InvalidArgument for a non-string, NUL, `.`/`..` or empty inner segments, the empty
 *   path without `dir`, a trailing `/` with `file`, or an absolute path outside `workDir`.
 */
export function resolvePath(workDir: string, path: string, options: { dir?: boolean; file?: boolean } = {}): ResolvedPath {
  const wd = normalizeWorkDir(workDir);
  const dir = options.dir === true;
  if (typeof path !== "string") invalid(`path must be a string, got ${typeof path}`);
  if (path.includes("\0")) invalid("path must not contain NUL");
  const shown = path.replace(/\\/g, "/");
  if (options.file === true && shown.endsWith("/")) invalid(`path ${JSON.stringify(shown)} ends with /: that names a directory, not an object to create`);
  let rel = shown;
  if (shown.startsWith("/")) {
    if (shown === wd || shown === wd.slice(0, -1)) rel = "";
    else if (shown.startsWith(wd)) rel = shown.slice(wd.length);
    else invalid(`path ${JSON.stringify(shown)} is outside work_dir ${JSON.stringify(wd)}`);
  }
  if (rel === "") {
    if (!dir) invalid(shown === "" ? "path must not be empty" : `path ${JSON.stringify(shown)} is the work_dir itself, not an object`);
    return { key: wd.slice(1), path: shown === "" || shown.endsWith("/") ? shown : shown + "/" };
  }
  const segments = rel.split("/");
  if (segments[segments.length - 1] === "") segments.pop();
  checkSegments(segments, "path", shown);
  let key = wd.slice(1) + rel;
  let out = shown;
  if (dir && !key.endsWith("/")) {
    key += "/";
    out += "/";
  }
  return { key, path: out };
}

/**
 * Turns a storage key back into a path relative to `workDir` (dir keys keep
 * their trailing `/`; the work_dir's own key gives `""`).
 * @throws InvalidArgument when the key is not below `workDir` (or `workDir` is invalid).
 */
export function keyToPath(workDir: string, key: string): string {
  const prefix = normalizeWorkDir(workDir).slice(1);
  if (typeof key !== "string") invalid(`key must be a string, got ${typeof key}`);
  if (!key.startsWith(prefix)) invalid(`key ${JSON.stringify(key)} is outside work_dir ${JSON.stringify("/" + prefix)}`);
  return key.slice(prefix.length);
}
