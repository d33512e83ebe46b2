import { ErrorCode, isStorageError, storageError, userInfoSpan } from "@stowage/core";

// How locations appear in messages: hints for fs strings without a directory, long pair values
// shortened, and errors of a profile's connection string naming the profile.

/**
 * What to write instead of `<type>://<name>` (no path): three slashes, unless the name shows a
 * relative, home or Windows directory or a host (`.`, `..`, `~`, `C:`, `localhost`), which three
 * slashes would turn into a directory under `/` that was never meant.
 * @throws nothing
 */
export function workDirHint(type: string, name: string): string {
  if (name === "." || name === ".." || name.startsWith("~") || /^[A-Za-z]:/.test(name) || name.toLowerCase() === "localhost") {
    return `${type} needs an absolute POSIX directory, ${type}:///abs/dir (relative paths, ~ and Windows drives are not expanded)`;
  }
  return `did you mean ${name === "" ? `${type}:///<absolute directory>` : `${type}:///${name}`} (three slashes)?`;
}

/** Pair values longer than this are shortened in a location's display. */
const LONG_VALUE = 48;

/**
 * `text` (a location as typed, secrets already redacted) with each pair value longer than
 * {@link LONG_VALUE} cut to its start and its length (`tls_ca=-----BEGIN%20CERTIFICATE…(1234 chars)`):
 * a percent-encoded PEM would otherwise fill the screen. It shows no character that was not
 * there, so it never undoes a redaction.
 * @throws nothing
 */
export function shortenPairs(text: string): string {
  const q = text.indexOf("?");
  if (q < 0) return text;
  const pairs = text.slice(q + 1).split("&").map((pair) => {
    const eq = pair.indexOf("=");
    const value = pair.slice(eq + 1);
    return value.length <= LONG_VALUE ? pair : `${pair.slice(0, eq + 1)}${value.slice(0, 24)}…(${value.length} chars)`;
  });
  return `${text.slice(0, q + 1)}${pairs.join("&")}`;
}

/**
 * `e` with `origin` (where a profile's connection string came from) in front of its message, same
 * code; anything but a StorageError is returned as it is.
 * @throws nothing
 */
export function fromProfile(origin: string | undefined, e: unknown): unknown {
  if (origin === undefined || !isStorageError(e)) return e;
  return storageError(e.code, `${origin}: ${e.detail}`, {
    ...(e.op === undefined ? {} : { op: e.op }),
    ...(e.service === undefined ? {} : { service: e.service }),
    cause: e,
  });
}

/**
 * An unknown-pair error for a connection string whose query starts right after a name character
 * (`fs:///d/what?.txt`), with the hint that a `?` in a key is written `%3F`; anything else as it is.
 * @throws nothing
 */
export function withCutHint(e: unknown): unknown {
  if (!isStorageError(e, ErrorCode.ConnectionStringInvalid) || !e.detail.startsWith("unknown pair") || e.detail.includes("after the secret pair")) return e;
  return storageError(e.code, `${e.detail} (a "?" ends the path of a connection string: write a "?" that is part of a key as %3F)`, {
    ...(e.op === undefined ? {} : { op: e.op }),
    ...(e.service === undefined ? {} : { service: e.service }),
    cause: e,
  });
}

/**
 * A path as it is written in a connection string: `%`, `?` and control characters percent-encoded, so it reads back the same.
 * @throws nothing
 */
export function connectionPath(path: string): string {
  // eslint-disable-next-line no-control-regex
  return path.replace(/[%?\u0000-\u001f\u007f]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")}`);
}

/**
 * Refuses a name holding URL user information (`cos://AK:SK@bucket/`, `oss://TOKEN@bucket/`,
 * `fs://AK:SK@/dir/`): credentials go in the `credential` pair. The name is never echoed whole:
 * the message masks the password as `stowage profiles` does (`AK:***@bucket`), and a user part
 * without one, which may be a token, whole (`***@bucket`). Refused before any driver sees the name,
 * whose own checks would quote it.
 *
 * `path` (the connection string's path part, decoded) is read by structure: a password may hold
 * `/` (AWS-style secret keys do), so a name there holding `:` (a Windows drive, `C:`, aside) with an
 * `@` anywhere in its work_dir is user information up to the last `@`
 * (`cos://AKID:wJal/K7MD@bucket/dir/`, shown `cos://AKID:***@bucket`), refused too.
 * @throws ConnectionStringInvalid
 */
export function refuseUserInfo(type: string, name: string | undefined, path?: { name?: string | undefined; workDir?: string | undefined }): void {
  const pathName = path?.name ?? "";
  const workDir = path?.workDir ?? "";
  if (pathName.includes(":") && !/^[A-Za-z]:$/.test(pathName) && workDir.includes("@")) {
    const user = pathName.slice(0, pathName.indexOf(":"));
    const host = workDir.slice(workDir.lastIndexOf("@") + 1).split("/", 1)[0]!;
    throwUserInfo(type, `${user.includes("@") ? "" : `${user}:`}***@${host}`);
  }
  const at = name?.lastIndexOf("@") ?? -1;
  if (name === undefined || at < 0) return;
  const user = name.slice(0, at);
  const colon = user.indexOf(":");
  throwUserInfo(type, `${colon < 0 ? "***" : `${user.slice(0, colon)}:***`}@${name.slice(at + 1)}`);
}

/**
 * Refuses a connection string `conn` (as written, before any pair is read) holding URL user
 * information whose password may hold `/`, `?` or `&`: its name (up to the first `/` or `?`) holds
 * `:` (or `%3A`; a Windows drive, `C:`, aside) and an `@` (or `%40`) comes after it anywhere
 * (`cos://AKID:wJal/K7?MDQX/bPx@bucket/d/`, whose `?` would start pairs, the password's tail quoted
 * as an unknown pair). Shown as `stowage profiles` shows it: `cos://AKID:***@bucket`, the host read
 * after the last `@` before the pairs that follow it (one after which the text up to the next `?`
 * holds no `=` or `&`). Nothing of the password is quoted.
 * @throws ConnectionStringInvalid
 */
export function refuseRawUserInfo(conn: string): void {
  const span = userInfoSpan(conn);
  if (span === undefined) return;
  const type = conn.slice(0, span.start).trim().replace(/:\/\/$/, "").toLowerCase();
  const user = conn.slice(span.start, span.afterColon).replace(/(?::|%3a)$/i, "");
  const host = conn.slice(span.at + (conn[span.at] === "@" ? 1 : 3)).split(/[/?]/, 1)[0]!;
  throwUserInfo(type, `${/@|%40/i.test(user) ? "" : `${user}:`}***@${host}`);
}

/** The refusal of {@link refuseUserInfo}, naming the location as `<type>://<masked>`. @throws ConnectionStringInvalid */
function throwUserInfo(type: string, masked: string): never {
  throw storageError(
    ErrorCode.ConnectionStringInvalid,
    `${type}://${masked}: a connection string takes no user or password before the ${type === "fs" ? "directory" : "name"} ` +
      '(credentials go in the "credential" pair: see docs/connection-strings.md); nothing was opened',
  );
}
