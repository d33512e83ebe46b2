import type { OpenConfig, ServiceDefinition } from "@stowage/core";
import { MEMORY_DESCRIPTION, MEMORY_PACKAGE, MEMORY_TYPE, MEMORY_UNUSED_PAIRS, memoryPairs } from "./config.js";
import { MemoryServiceDriver } from "./servicer.js";
import { MemoryStorageDriver } from "./storager.js";
import { MemoryStore, openStore } from "./store.js";
import { memoryFeatures } from "./features.js";

/**
 * The memory service: `memory://[name]/[work_dir]`. A named store is shared by
 * every storager opened with that name in this process, and opening one makes
 * the store when it is missing (a storager from the servicer does not: see
 * {@link MemoryServiceDriver}); once the store is deleted through the servicer,
 * every storager of it fails with `ObjectNotExist` until it exists again.
 * `memory://` with no name opens a fresh private store each time. Nothing is required;
 * `credential`, `endpoint` and `location` are refused (see {@link MEMORY_UNUSED_PAIRS}).
 */
export const memoryService: ServiceDefinition = Object.freeze({
  type: MEMORY_TYPE,
  packageName: MEMORY_PACKAGE,
  description: MEMORY_DESCRIPTION,
  pairs: memoryPairs,
  features: memoryFeatures,
  storagerRequires: [],
  servicerRequires: [],
  unusedPairs: MEMORY_UNUSED_PAIRS,
  newStorageDriver(config: OpenConfig): MemoryStorageDriver {
    const name = config.name ?? "";
    if (name === "") return new MemoryStorageDriver(new MemoryStore());
    // Opening a named store makes it when missing (the documented convenience); the driver then
    // looks it up by name at each call.
    openStore(name);
    return new MemoryStorageDriver(undefined, name);
  },
  newServiceDriver(_config: OpenConfig): MemoryServiceDriver {
    return new MemoryServiceDriver();
  },
});
