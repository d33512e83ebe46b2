/**
 * Memory storage under a scheme of a spec's own whose driver the spec changes (a batch delete that
 * refuses some keys, writes that are counted), registered for the tests of the file or of the
 * `describe` block it is set up in.
 */
import { afterAll, beforeAll } from "@jest/globals";
import { registerService, unregisterService, type OpenConfig, type StorageDriver } from "@stowage/core";
import { memoryService } from "@stowage/memory";

/**
 * Registers, in a `beforeAll`, the service `type` (package `@stowage/<type>`): the memory service
 * whose drivers are `change`d; unregisters it in an `afterAll`.
 */
export function useMemoryVariant(type: string, change: (driver: StorageDriver) => StorageDriver): void {
  beforeAll(() => {
    registerService({
      ...memoryService,
      type,
      packageName: `@stowage/${type}`,
      newStorageDriver: (config: OpenConfig): StorageDriver => change(memoryService.newStorageDriver(config)),
    });
  });
  afterAll(() => {
    unregisterService(type);
  });
}
