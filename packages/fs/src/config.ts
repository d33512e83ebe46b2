import { definePair, type ExtraOptionsOf, type PairSet } from "@stowage/core";
import { withinProblem } from "./within.js";

/** The connection-string scheme: `fs:///abs/work_dir`. */
export const FS_TYPE = "fs";

/** The npm package that registers {@link FS_TYPE}. */
export const FS_PACKAGE = "@stowage/fs";

/** One-line description shown in registries and docs. */
export const FS_DESCRIPTION = "A local directory: atomic, fsynced writes, every access confined to its work_dir.";

/** The fs driver's own pairs; `work_dir` (a global pair) is required. */
export const fsPairs = Object.freeze({
  fsync: definePair({
    name: "fsync",
    type: "boolean",
    description:
      "Flush every completed write, copy, move, fetch, append and multipart complete to stable storage (fsync of the file and its directory) before reporting success (default true). false is faster and still atomic, but a crash or power loss may lose writes that had returned.",
    operations: ["new"],
  }),
  sourceWithin: definePair({
    name: "source_within",
    type: "string",
    description:
      "copy and move: a directory key relative to the work_dir, ending in / (e.g. a/): the source must be a regular file (a symbolic link is refused, never followed) that really lies inside it, checked on what was opened; else InvalidArgument (path escapes source_within) before anything changes. For one storager copying between two directories of its work_dir as two storagers opened at each would (the CLI between two local directories).",
    operations: ["copy", "move"],
    validate: withinProblem,
  }),
  destinationWithin: definePair({
    name: "destination_within",
    type: "string",
    description:
      "copy and move: a directory key relative to the work_dir, ending in / (e.g. b/): the destination's directory, and each one made for it, must really lie inside it, checked on what was opened; else InvalidArgument (path escapes destination_within) before anything changes.",
    operations: ["copy", "move"],
    validate: withinProblem,
  }),
}) satisfies PairSet;

/**
 * Per-operation options the fs driver adds, for `Storager<FsOptions>`: `copy` and `move` take
 * `sourceWithin` and `destinationWithin` (`newStorager<FsOptions>("fs:///srv/data/")`).
 */
export type FsOptions = ExtraOptionsOf<typeof fsPairs>;

/** Open-time pairs a storager needs: a user must say which directory to use. */
export const FS_STORAGER_REQUIRES: readonly string[] = Object.freeze(["work_dir"]);

/**
 * Global open pairs fs has no use for, refused at open (`PairUnsupported`; a name in the path
 * part, `fs://tmp/data`, is `ConnectionStringInvalid` with a `fs:///tmp/data` hint).
 */
export const FS_UNUSED_PAIRS: readonly string[] = Object.freeze(["name", "credential", "endpoint", "location"]);
