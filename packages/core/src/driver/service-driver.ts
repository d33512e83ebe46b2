import type { ServiceFeatures } from "../features.js";
import type { OpenConfig } from "../registry/service-definition.js";
import type { DriverCallOptions, StorageDriver } from "./storage-driver.js";

/**
 * Bucket-level primitives of a driver. Core builds a `Servicer` over them: it checks the options
 * and the name (a non-empty string without `/`, `@` or control characters) and the `features` first, and passes what these
 * throw on to the caller (a non-StorageError as `Unexpected`), as {@link StorageDriver} methods do.
 */
export interface ServiceDriver {
  readonly service: string;
  readonly features: Readonly<ServiceFeatures>;
  /**
   * Creates bucket `name` in `options.location` (given, or the servicer's). Core has built the
   * bucket's storage primitives first, so a name they refuse never reaches here.
   * @throws Conflict (the name is taken: `Servicer.create` promises it), InvalidArgument (a name or
   *   location the service refuses), Aborted
   */
  create(name: string, options: DriverCallOptions & { location?: string }): Promise<void>;
  /**
   * Deletes bucket `name`, in `options.location` when given (the caller's word for where the bucket
   * is), else in the servicer's region. Core has run {@link ServiceDriver.checkBucket} first.
   * @throws ObjectNotExist (no such bucket), Conflict (not empty): `Servicer.delete` promises both;
   *   InvalidArgument (a bucket known to be in another region than the one addressed), Aborted
   */
  delete(name: string, options: DriverCallOptions & { location?: string }): Promise<void>;
  /**
   * One page of bucket names (with their location when known); `nextToken` on every page but the last.
   * @throws Unexpected (a page marked truncated that gives no way on, an answer that is no listing:
   *   never a short listing), Aborted
   */
  list(token: string | undefined, options: DriverCallOptions): Promise<{ items: { name: string; location?: string }[]; nextToken?: string }>;
  /**
   * Optional: refuses a bucket `name` (or `location`, when given) the driver cannot address: the
   * check its storage primitives run on their name and location (see `newStorageDriver`), so `get`,
   * `create`, `delete` and `list` agree. Core runs it before `delete` sends anything, and on each
   * bucket `list` gives: a bucket it refuses is left out of the listing, with a warning. Synchronous; no network.
   * @throws InvalidArgument (a name or location the driver cannot address; its message may show the name)
   */
  checkBucket?(name: string, location: string | undefined): void;
  /**
   * Optional: builds the storage primitives of the storagers this servicer hands out (`get`,
   * `create`, `list`) for `config` (the servicer's, with the bucket's `name`, `workDir` and
   * `location`). Absent, core uses the definition's `newStorageDriver`. For a service where opening
   * a storager does something a servicer must not (memory makes a missing store when opened).
   * Synchronous; no network.
   * @throws what {@link ServiceDefinition.newStorageDriver} throws: InvalidArgument (a bucket name the
   *   service cannot address: `Servicer.get` and `create` report it), PairUnsupported
   */
  newStorageDriver?(config: OpenConfig, defaults?: Readonly<Record<string, unknown>>): StorageDriver;
}
