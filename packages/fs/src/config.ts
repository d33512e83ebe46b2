import type { PairSet } from "@stowage/core";

/** The connection-string scheme: `fs:///abs/work_dir`. */
export const FS_TYPE = "fs";

/** The npm package that registers {@link FS_TYPE}. */
export const FS_PACKAGE = "@stowage/fs";

/** One-line description shown in registries and docs. */
export const FS_DESCRIPTION = "A local directory: atomic writes, every access confined to its work_dir.";

/** The fs driver has no pairs of its own; `work_dir` (a global pair) is required. */
export const fsPairs: PairSet = Object.freeze({});

/** Open-time pairs a storager needs: a user must say which directory to use. */
export const FS_STORAGER_REQUIRES: readonly string[] = Object.freeze(["work_dir"]);
