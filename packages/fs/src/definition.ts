import type { OpenConfig, ServiceDefinition } from "@stowage/core";
import { FS_DESCRIPTION, FS_PACKAGE, FS_STORAGER_REQUIRES, FS_TYPE, FS_UNUSED_PAIRS, fsPairs } from "./config.js";
import { FsStorageDriver } from "./storager.js";
import { fsFeatures } from "./features.js";

/**
 * The fs service: `fs:///abs/work_dir`. `work_dir` is required (a user must
 * say where); key `k` is the file `/k`, and nothing outside the work_dir is
 * ever touched. There are no buckets, so there is no servicer. A name
 * (`fs://tmp/data`, a missing third slash), `credential`, `endpoint` and
 * `location` are refused (see {@link FS_UNUSED_PAIRS}).
 */
export const fsService: ServiceDefinition = Object.freeze({
  type: FS_TYPE,
  packageName: FS_PACKAGE,
  description: FS_DESCRIPTION,
  pairs: fsPairs,
  features: fsFeatures,
  storagerRequires: FS_STORAGER_REQUIRES,
  unusedPairs: FS_UNUSED_PAIRS,
  newStorageDriver(config: OpenConfig): FsStorageDriver {
    return new FsStorageDriver(config.workDir, config.name ?? "", { fsync: config["fsync"] !== false });
  },
});
