import type { DriverCallOptions, RawObject } from "../src/driver/storage-driver.js";
import { defineFeatures, type StorageFeatures } from "../src/features.js";
import { resolveOpenConfig } from "../src/pairs/open-config.js";
import type { PairSet } from "../src/pairs/pair-definition.js";
import type { ServiceDefinition } from "../src/registry/service-definition.js";
import type { Storager } from "../src/storager.js";
import { createStorager } from "../src/storager/create-storager.js";

/** A driver's copy or move, as core calls it. */
export type Relocate = (from: string, to: string, options: DriverCallOptions) => Promise<void>;

/** What a test gives {@link relocateStore}: its stat, copy and move (createLink), the features beyond the basic ones, and driver pairs. */
export interface RelocateDriverParts {
  features?: Partial<StorageFeatures>;
  stat(key: string, options: DriverCallOptions): Promise<RawObject>;
  copy: Relocate;
  move: Relocate;
  createLink?(key: string, target: string): Promise<RawObject>;
  pairs?: PairSet;
}

/**
 * A storager (opened from `rs://bucket/<query>`) over a driver whose stat, copy and move are the
 * test's (and its createLink, when given); read is never called, write, delete and list do
 * nothing. It has stat, write, delete, list, listPrefix, copy and move, plus `parts.features`;
 * `parts.pairs` are the driver's own pairs, which `query` may set at open time.
 */
export function relocateStore(parts: RelocateDriverParts, query = ""): Storager {
  const driver = {
    service: "rs",
    name: "bucket",
    features: defineFeatures({ stat: true, write: true, delete: true, list: true, listPrefix: true, copy: true, move: true, ...parts.features }),
    stat: parts.stat,
    async read(): Promise<never> {
      throw new Error("not used");
    },
    async write() {
      return {};
    },
    async delete(): Promise<void> {},
    async listPage() {
      return { items: [] };
    },
    copy: parts.copy,
    move: parts.move,
    ...(parts.createLink === undefined ? {} : { createLink: parts.createLink }),
  };
  const definition: ServiceDefinition = { type: "rs", packageName: "rs", description: "test", pairs: parts.pairs ?? {}, newStorageDriver: () => driver };
  const resolved = resolveOpenConfig(definition, `rs://bucket/${query}`, "storager");
  return createStorager(driver, { ...resolved, definition });
}
