import type { BigIntStats } from "node:fs";
import { lstat, stat } from "node:fs/promises";
import type { Part, RawObject } from "@stowage/core";
import { fsError, isErrno } from "./errors.js";

/**
 * A file's etag, the one function every fs ETag comes from (stat, list, read, write results,
 * multipart parts and complete, append objects): its modification time in nanoseconds, its size
 * and its inode number, in hex (`"<mtimeNs>-<size>-<ino>"`). Stable while the file is unchanged
 * (neither a rename nor a hard link changes any of the three). Every write through this driver
 * makes a new file, renamed into place, so its inode differs from the one it replaces (both exist
 * at the rename), and stamps it with a modification time of its own (write-time.ts), so a version
 * whose inode number was freed and used again within one tick of the kernel's file clock still
 * differs; an append moves the size. Not a content hash.
 */
export function etagOf(st: BigIntStats): string {
  return `"${st.mtimeNs.toString(16)}-${st.size.toString(16)}-${st.ino.toString(16)}"`;
}

/** The stats of `path` (symlinks followed), or undefined when nothing is there. */
export async function statOrUndefined(path: string): Promise<BigIntStats | undefined> {
  try {
    return await stat(path, { bigint: true });
  } catch (e) {
    if (isErrno(e, "ENOENT", "ENOTDIR")) return undefined;
    throw fsError(e);
  }
}

/** The stats of `path` itself (a symlink not followed), or undefined when nothing is there. */
export async function lstatOrUndefined(path: string): Promise<BigIntStats | undefined> {
  try {
    return await lstat(path, { bigint: true });
  } catch (e) {
    if (isErrno(e, "ENOENT", "ENOTDIR")) return undefined;
    throw fsError(e);
  }
}

/**
 * What stat and list report for a symbolic link: the link itself, with the absolute path it leads
 * to and its own time; no size or etag (those of its target are what a read gets).
 */
export function linkObject(key: string, linkTarget: string, st: BigIntStats): RawObject {
  return { key, mode: "link", linkTarget, lastModified: dateOf(st) };
}

/** What stat and list report for a file. */
export function fileObject(key: string, st: BigIntStats): RawObject {
  return { key, mode: "file", size: Number(st.size), etag: etagOf(st), lastModified: dateOf(st) };
}

/** What stat and list report for a directory (`key` ends with `/`). */
export function dirObject(key: string, st?: BigIntStats): RawObject {
  return st === undefined ? { key, mode: "dir" } : { key, mode: "dir", lastModified: dateOf(st) };
}

/** The modification time as a Date of this realm. */
export function dateOf(st: BigIntStats): Date {
  return new Date(Number(st.mtimeMs));
}

/** A multipart part stored as a file. */
export function partOf(index: number, st: BigIntStats): Part {
  return { index, size: Number(st.size), etag: etagOf(st), lastModified: dateOf(st) };
}
