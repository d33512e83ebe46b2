import "@stowage/memory";
import type { StorageDriver } from "../src/driver/storage-driver.js";
import type { StorageFeatures } from "../src/features.js";
import { resolveOpenConfig } from "../src/pairs/open-config.js";
import { getService } from "../src/registry/registry.js";
import { createStorager } from "../src/storager/create-storager.js";
import type { Storager } from "../src/storager.js";

/** A memory storager over a driver seen through a proxy, the real driver behind it, and the driver calls made. */
export interface MemoryVariant {
  store: Storager;
  real: StorageDriver;
  /** Names of the driver methods called, in order. */
  calls: string[];
}

/**
 * A memory storager opened from `connection` (a `memory://` string) whose driver reports
 * `features(real features)` instead of its own and has no `hidden` methods; every other method
 * is the real driver's, its calls recorded.
 * @throws what opening `connection` throws.
 */
export function memoryVariant(
  connection: string,
  { features, hidden = [] }: { features?: (real: Readonly<StorageFeatures>) => Readonly<StorageFeatures>; hidden?: readonly string[] } = {},
): MemoryVariant {
  const definition = getService("memory")!;
  const resolved = resolveOpenConfig(definition, connection, "storager");
  const real = definition.newStorageDriver(resolved.config);
  const shown = features === undefined ? real.features : features(real.features);
  const calls: string[] = [];
  const driver = new Proxy(real, {
    get(target, prop, receiver) {
      if (prop === "features") return shown;
      if (typeof prop === "string" && hidden.includes(prop)) return undefined;
      const value = Reflect.get(target, prop, receiver);
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        calls.push(String(prop));
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { store: createStorager(driver, { ...resolved, definition }), real, calls };
}
