import { typeName } from "./wrong-type.js";

// How an error shows the path(s) it is about. A path comes from the caller, who may pass anything
// (a bigint, an object with a cycle, a list of a million keys): showing it must never throw, nor
// grow with it. A string is shown as a JSON string; anything else by its kind only.

/** Paths an error's message shows of a call over many (deleteMany); `StorageError.path` keeps them all. */
export const SHOWN_PATHS = 3;

/** Paths `StorageError.toJSON()` carries of a call over many; `StorageError.path` keeps them all. */
export const JSON_PATHS = 100;

/** One path as a message shows it: a string as JSON, anything else as its kind in parentheses (`(bigint)`). */
function showOne(path: unknown): string {
  return typeof path === "string" ? JSON.stringify(path) : `(${typeName(path)})`;
}

/**
 * `path` as a message's context shows it: a string as JSON, a list as a JSON-like list of its first
 * {@link SHOWN_PATHS} entries and a count of the rest, anything else (a wrong type given as a path)
 * as its kind, e.g. `(bigint)`, never its value.
 * @throws nothing.
 */
export function showPath(path: unknown): string {
  try {
    if (!Array.isArray(path)) return showOne(path);
    const shown = Array.from(path.slice(0, SHOWN_PATHS), showOne).join(",");
    return path.length <= SHOWN_PATHS ? `[${shown}]` : `[${shown},… ${path.length - SHOWN_PATHS} more]`;
  } catch {
    // Only an exotic object (a revoked Proxy) gets here.
    return "(unknown)";
  }
}

/**
 * `path` as `StorageError.toJSON()` carries it: a string as is, a list of its first {@link JSON_PATHS}
 * entries (`count` then says how many there are in all), each a string or, for a wrong type given as a
 * path, its kind in parentheses; anything else its kind. Always something `JSON.stringify` takes.
 * @throws nothing.
 */
export function jsonPath(path: unknown): { path: string | string[]; count?: number } {
  const one = (p: unknown): string => (typeof p === "string" ? p : `(${typeName(p)})`);
  try {
    if (!Array.isArray(path)) return { path: one(path) };
    const first = Array.from(path.slice(0, JSON_PATHS), one);
    return path.length > JSON_PATHS ? { path: first, count: path.length } : { path: first };
  } catch {
    return { path: "(unknown)" };
  }
}
