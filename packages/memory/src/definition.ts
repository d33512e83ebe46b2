import type { OpenConfig, ServiceDefinition } from "@stowage/core";
import { MEMORY_DESCRIPTION, MEMORY_PACKAGE, MEMORY_TYPE, MEMORY_UNUSED_PAIRS, memoryPairs } from "./config.js";
import { MemoryServiceDriver } from "./servicer.js";
import { MemoryStorageDriver } from "./storager.js";
import { openStore } from "./store.js";

/**
 * The memory service: `memory://[name]/[work_dir]`. A named store is shared by
 * every storager opened with that name in this process; `memory://` with no
 * name opens a fresh private store each time. Nothing is required;
 * `credential`, `endpoint` and `location` are refused (see {@link MEMORY_UNUSED_PAIRS}).
 */
export const memoryService: ServiceDefinition = Object.freeze({
  type: MEMORY_TYPE,
  packageName: MEMORY_PACKAGE,
  description: MEMORY_DESCRIPTION,
  pairs: memoryPairs,
  storagerRequires: [],
  servicerRequires: [],
  unusedPairs: MEMORY_UNUSED_PAIRS,
  newStorageDriver(config: OpenConfig): MemoryStorageDriver {
    const name = config.name ?? "";
    return new MemoryStorageDriver(openStore(name), name);
  },
  newServiceDriver(_config: OpenConfig): MemoryServiceDriver {
    return new MemoryServiceDriver();
  },
});
