// Public surface of @stowage/fs. Importing it registers the "fs" scheme.
import { registerService } from "@stowage/core";
import { fsService } from "./definition.js";

export { fsService } from "./definition.js";
export { FsStorageDriver } from "./storager.js";
export { fsFeatures } from "./features.js";
export { fsError } from "./errors.js";
export { FsPaths } from "./paths.js";
export type { Within, WithinOptions } from "./within.js";
export { DirPin } from "./pinned-dir.js";
export { FS_TYPE, FS_PACKAGE, FS_UNUSED_PAIRS, fsPairs } from "./config.js";
export type { FsOptions } from "./config.js";
export { isFsStorager } from "./storager-guard.js";
export { UNLISTED_WARNING } from "./unlisted.js";
export { committedStatSync, type CommittedLook } from "./committed-sync.js";
export { isReserved, RESERVED_NAMES } from "./reserved-names.js";

registerService(fsService);
