import { constants } from "node:fs";
import { posix } from "node:path";
import type { DriverCallOptions } from "@stowage/core";
import { fsError, isErrno } from "./errors.js";
import { notExist } from "./files.js";
import type { FsPaths } from "./paths.js";
import { inside, realish } from "./real-paths.js";
import { openRegular, type OpenedFile } from "./open-regular.js";
import { fdPathsWork, realPathOf } from "./pinned-dir.js";
import { escapesWithin, withinProblem, type Confinement, type Within } from "./within.js";

// A copy or move may confine each side to a directory of the work_dir of its own (the driver
// options `sourceWithin` and `destinationWithin`): one storager opened at the common parent of two
// directories then copies between them as two storagers opened at each would, each side checked
// on what was really opened (race-free on Linux), never only against the work_dir.

/**
 * The {@link Confinement} `options` ask for a copy or move of `src` to `dst` (absolute paths,
 * checked lexically): each option's directory, its real path (looked up once per storager, once it
 * exists: FsPaths.keptRealPath), and each side checked
 * to lie lexically inside its directory.
 * @throws StorageError `InvalidArgument` (a value that is no directory key, a side outside its
 *   directory), mapped fs errors of the real-path lookup.
 */
export async function confinementOf(paths: FsPaths, options: DriverCallOptions, src: string, dst: string): Promise<Confinement> {
  const [source, destination] = await Promise.all([
    withinOf(paths, "source_within", options["sourceWithin"]),
    withinOf(paths, "destination_within", options["destinationWithin"]),
  ]);
  if (source !== undefined && (src === source.path || !inside(src, source.path))) escapesWithin(source);
  if (destination !== undefined && (dst === destination.path || !inside(dst, destination.path))) escapesWithin(destination);
  return { source, destination };
}

/** The {@link Within} of one option's value (undefined when not given). */
async function withinOf(paths: FsPaths, pair: string, value: unknown): Promise<Within | undefined> {
  if (value === undefined) return undefined;
  // Core checked the pair's value; a driver called directly is checked here.
  const problem = typeof value === "string" ? withinProblem(value) : "must be a string";
  const path = typeof value === "string" ? posix.resolve(paths.root, value) : paths.root;
  if (problem !== undefined || !inside(path, paths.root)) escapesWithin({ pair, path, real: "" }, problem);
  paths.lexical(paths.keyOf(path));
  // Looked up once per storager (once it exists): a directory swapped for a link later confines as before.
  return { pair, path, real: await paths.keptRealPath(path) };
}

/**
 * Opens the existing regular file `path` to copy it: as FsPaths.openInside does (a fifo, socket or
 * device is refused without being opened, open-regular.ts), and with `within` (a copy's
 * `sourceWithin`) never through a symbolic link at `path` itself (a link is refused, not
 * followed), and what is opened must really lie inside `within` (Linux: checked on the descriptor
 * before the file is opened; elsewhere the real path of `path`, looked up after the open).
 * Resolves with the handle and the file's stats (open-regular.ts OpenedFile).
 * @throws StorageError `ObjectNotExist`, `ObjectModeInvalid` (not a regular file), `InvalidArgument`
 *   (outside the work_dir or `within`; a link at `path`), mapped fs errors.
 */
export async function openSource(paths: FsPaths, path: string, within: Within | undefined): Promise<OpenedFile> {
  const flags = constants.O_RDONLY;
  if (within === undefined) return paths.openFileInside(path, flags);
  const check = async (fd: number): Promise<void> => {
    await paths.checkOpenedFd(fd);
    const real = fdPathsWork() ? realPathOf(fd) : await realish(path);
    if (!inside(real, within.real)) escapesWithin(within);
  };
  try {
    return await openRegular(path, flags, true, check);
  } catch (e) {
    if (isErrno(e, "ENOENT", "ENOTDIR")) throw notExist();
    if (isErrno(e, "ELOOP")) escapesWithin(within, "the source is a symbolic link (never followed here)");
    throw fsError(e);
  }
}
