import type { ServiceFeatures } from "../features.js";
import type { OpenConfig } from "../registry/service-definition.js";
import type { DriverCallOptions, StorageDriver } from "./storage-driver.js";

/** Bucket-level primitives of a driver. Core builds a `Servicer` over them. */
export interface ServiceDriver {
  readonly service: string;
  readonly features: Readonly<ServiceFeatures>;
  create(name: string, options: DriverCallOptions & { location?: string }): Promise<void>;
  delete(name: string, options: DriverCallOptions): Promise<void>;
  /** One page of bucket names (with their location when known). */
  list(token: string | undefined, options: DriverCallOptions): Promise<{ items: { name: string; location?: string }[]; nextToken?: string }>;
  /**
   * Optional: builds the storage primitives of the storagers this servicer hands out (`get`,
   * `create`, `list`) for `config` (the servicer's, with the bucket's `name`, `workDir` and
   * `location`). Absent, core uses the definition's `newStorageDriver`. For a service where opening
   * a storager does something a servicer must not (memory makes a missing store when opened).
   * May throw what `newStorageDriver` throws.
   */
  newStorageDriver?(config: OpenConfig, defaults?: Readonly<Record<string, unknown>>): StorageDriver;
}
