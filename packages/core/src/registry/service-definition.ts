import type { ServiceDriver } from "../driver/service-driver.js";
import type { StorageDriver } from "../driver/storage-driver.js";
import type { StorageFeatures } from "../features.js";
import type { PairSet } from "../pairs/pair-definition.js";
import type { Credential } from "./credential.js";
import type { Endpoint } from "./endpoint.js";

/**
 * The validated open-time configuration core hands a driver: every `new`
 * pair the caller gave, camelCase keys, typed values. `workDir` is always
 * set (absolute, ends with `/`).
 */
export interface OpenConfig {
  name?: string;
  workDir: string;
  credential?: Credential;
  endpoint?: Endpoint;
  location?: string;
  [pair: string]: unknown;
}

/** What a driver package registers: its scheme, its pairs and how to build its primitives. */
export interface ServiceDefinition {
  /** The connection-string scheme, e.g. `"cos"`. */
  readonly type: string;
  /** The npm package, named in `ServiceNotRegistered` messages. */
  readonly packageName: string;
  readonly description: string;
  /** The driver's own pairs (global ones come from core), keyed by camelCase name. */
  readonly pairs: PairSet;
  /** `new` pairs a storager needs (snake_case names), e.g. `["name", "credential"]`. */
  readonly storagerRequires?: readonly string[];
  /** `new` pairs a servicer needs. */
  readonly servicerRequires?: readonly string[];
  /**
   * Global `new` pairs (snake_case: `name`, `credential`, `endpoint`, `location`) this service
   * does not use. Given at open time they are refused with `PairUnsupported` (dropped, never
   * handed to the driver, with `enable_loose_pair`); a `name` written in a connection string's
   * path part is always refused, with `ConnectionStringInvalid` and a `<type>:///dir` hint.
   */
  readonly unusedPairs?: readonly string[];
  /**
   * The feature flags every storager of this service has (its driver's `features`), for a driver
   * whose flags do not depend on how it is opened. Open-time messages then name as accepted (the
   * `accepted:` list of an unknown pair, its did-you-mean) only the `default_<pair>` pairs whose
   * feature the service has: the others are refused anyway (`PairUnsupported`, see `checkDefaults`).
   * Without it, every `default_<pair>` is listed.
   */
  readonly features?: Readonly<StorageFeatures>;
  /**
   * Builds the storage primitives: synchronous, no network (`newStorager` promises both).
   * `defaults` are the operation defaults the storager will apply (`default_<pair>` values and
   * open-time values of operation pairs, keyed camelCase): a driver refuses combinations that
   * would fail every call (an SSE mode with a customer key) here, at open. Core has checked every
   * pair's type and rules, and the required ones, before.
   * @throws InvalidArgument (a bucket name, endpoint or setting the service cannot take; such a
   *   combination), PairUnsupported (a pair this configuration cannot honour). Core adds `op` and
   *   `service` to what it throws; anything but a StorageError becomes `Unexpected`.
   */
  newStorageDriver(config: OpenConfig, defaults?: Readonly<Record<string, unknown>>): StorageDriver;
  /**
   * Builds the bucket primitives, where the service has buckets (absent: `newServicer` is
   * `CapabilityInsufficient`). Synchronous; no network.
   * @throws InvalidArgument, PairUnsupported, as {@link ServiceDefinition.newStorageDriver}
   */
  newServiceDriver?(config: OpenConfig): ServiceDriver;
}
