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
 * - `.` and `..` segments, empty inner segments (`a//b`), NUL and strings that are not
 *   well-formed UTF-16 (a lone surrogate, which no URL, XML body or file name can carry) are
 *   rejected.
 * - A key that no path resolves back to (written by another client: with `\`, an empty, `.` or
 *   `..` segment, or a lone surrogate) is not addressable; see {@link unaddressableReason}.
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

/** `String.prototype.isWellFormed` (Node 20; not in the ES2022 lib types): no lone surrogate. */
function isWellFormed(text: string): boolean {
  return (text as unknown as { isWellFormed(): boolean }).isWellFormed();
}

/** Refuses NUL and ill-formed UTF-16 in `text` (the caller's `what`, shown JSON-escaped). */
function checkCharacters(text: string, what: string): void {
  if (text.includes("\0")) invalid(`${what} must not contain NUL`);
  if (!isWellFormed(text)) invalid(`${what} ${JSON.stringify(text)} is not well-formed Unicode (it has a lone surrogate, which no key can hold)`);
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
 * @throws InvalidArgument for a non-string, a relative work_dir, NUL, a lone surrogate, `.`/`..`
 *   segments or empty inner segments.
 */
export function normalizeWorkDir(workDir: string): string {
  if (typeof workDir !== "string") invalid(`work_dir must be a string, got ${typeof workDir}`);
  checkCharacters(workDir, "work_dir");
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
 * - `what` names the path in messages (`path` unless given; createLink's target: `link target`).
 * @throws InvalidArgument for a non-string, NUL, a lone surrogate (not well-formed UTF-16),
 *   `.`/`..` or empty inner segments, the empty path without `dir`, a trailing `/` with `file`,
 *   or an absolute path outside `workDir`.
 */
export function resolvePath(workDir: string, path: string, options: { dir?: boolean; file?: boolean; what?: string } = {}): ResolvedPath {
  const wd = normalizeWorkDir(workDir);
  const dir = options.dir === true;
  const what = options.what ?? "path";
  if (typeof path !== "string") invalid(`${what} must be a string, got ${typeof path}`);
  checkCharacters(path, what);
  const shown = path.replace(/\\/g, "/");
  if (options.file === true && shown.endsWith("/")) invalid(`${what} ${JSON.stringify(shown)} ends with /: that names a directory, not an object`);
  let rel = shown;
  if (shown.startsWith("/")) {
    if (shown === wd || shown === wd.slice(0, -1)) rel = "";
    else if (shown.startsWith(wd)) rel = shown.slice(wd.length);
    else invalid(`${what} ${JSON.stringify(shown)} is outside work_dir ${JSON.stringify(wd)}`);
  }
  if (rel === "") {
    if (!dir) invalid(shown === "" ? `${what} must not be empty` : `${what} ${JSON.stringify(shown)} is the work_dir itself, not an object`);
    return { key: wd.slice(1), path: shown === "" || shown.endsWith("/") ? shown : shown + "/" };
  }
  const segments = rel.split("/");
  if (segments[segments.length - 1] === "") segments.pop();
  checkSegments(segments, what, shown);
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

/**
 * Why no path addresses `key`, a key listed below `workDir` (written by another client), or
 * `undefined` when its path ({@link keyToPath}) resolves back to it. A key with `\` would
 * resolve to the `/` one, so reading or deleting its listed path would touch another object;
 * keys with an empty (`a//b`, a leading `/`), `.` or `..` segment, NUL or a lone surrogate are
 * refused by every operation. A dir key (ending in `/`) is checked as a directory.
 * @throws InvalidArgument when `key` is not below `workDir` (or `workDir` is invalid).
 */
export function unaddressableReason(workDir: string, key: string): string | undefined {
  const path = keyToPath(workDir, key);
  if (!isWellFormed(path)) return "lone surrogate";
  if (path.includes("\\")) return "backslash";
  if (path.includes("\0")) return "NUL";
  if (path === "") return undefined;
  const segments = path.split("/");
  if (segments[segments.length - 1] === "") segments.pop();
  if (segments.includes("")) return "empty segment";
  const dot = segments.find((s) => s === "." || s === "..");
  if (dot !== undefined) return `"${dot}" segment`;
  try {
    return resolvePath(workDir, path, { dir: path.endsWith("/") }).key === key ? undefined : "resolves to another key";
  } catch {
    return "refused as a path";
  }
}
