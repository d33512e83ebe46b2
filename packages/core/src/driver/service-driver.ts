import type { ServiceFeatures } from "../features.js";
import type { DriverCallOptions } from "./storage-driver.js";

/** Bucket-level primitives of a driver. Core builds a `Servicer` over them. */
export interface ServiceDriver {
  readonly service: string;
  readonly features: Readonly<ServiceFeatures>;
  create(name: string, options: DriverCallOptions & { location?: string }): Promise<void>;
  delete(name: string, options: DriverCallOptions): Promise<void>;
  /** One page of bucket names (with their location when known). */
  list(token: string | undefined, options: DriverCallOptions): Promise<{ items: { name: string; location?: string }[]; nextToken?: string }>;
}
