// Public surface of @stowage/memory. Importing it registers the "memory" scheme.
import { registerService } from "@stowage/core";
import { memoryService } from "./definition.js";

export { memoryService } from "./definition.js";
export { MemoryStorageDriver } from "./storager.js";
export { MemoryServiceDriver, memoryServiceFeatures } from "./servicer.js";
export { MemoryStore, openStore, findStore, storeNames, type EntryAttributes, type MemoryEntry, type MemoryPart, type MemoryUpload } from "./store.js";
export { SortedKeys } from "./sorted-keys.js";
export { memoryFeatures } from "./features.js";
export { MEMORY_TYPE, MEMORY_PACKAGE, MEMORY_UNUSED_PAIRS, memoryPairs } from "./config.js";

registerService(memoryService);
