import { ErrorCode, storageError, throwIfAborted, type DriverCallOptions, type OpenConfig, type ServiceDriver, type ServiceFeatures } from "@stowage/core";
import { MEMORY_TYPE } from "./config.js";
import { MemoryStorageDriver } from "./storager.js";
import { findStore, openStore, dropStore, storeNames } from "./store.js";

/** Store names per {@link MemoryServiceDriver.list} page. */
export const STORES_PAGE_SIZE = 1000;

/** The memory servicer can create, delete, open and list named stores. */
export const memoryServiceFeatures: Readonly<ServiceFeatures> = Object.freeze({ create: true, delete: true, get: true, list: true });

/**
 * Manages the process-wide named memory stores (the "buckets" of the memory service) with the
 * codes a cloud servicer gives, service codes included (as COS and OSS name them): `create` of a
 * store that exists is `Conflict` (`BucketAlreadyExists`), `delete` of one that does not is
 * `ObjectNotExist` (`NoSuchBucket`: core `isMissingBucket` is true) and of one not empty `Conflict`
 * (`BucketNotEmpty`); the storagers
 * it hands out (`get`, `create`, `list`) never make a store: on a store that does not exist (never
 * created, or deleted) every call fails with `ObjectNotExist`. Opening `memory://name` with
 * `newStorager` still makes the store when it is missing (see `memoryService`).
 */
export class MemoryServiceDriver implements ServiceDriver {
  readonly service = MEMORY_TYPE;
  readonly features = memoryServiceFeatures;

  /** @throws StorageError `Conflict` (the store exists; service code `BucketAlreadyExists`), `InvalidArgument` (empty name), `Aborted`. */
  async create(name: string, options: DriverCallOptions & { location?: string }): Promise<void> {
    throwIfAborted(options.signal);
    if (name === "") throw storageError(ErrorCode.InvalidArgument, "a store needs a name");
    if (findStore(name) !== undefined) throw storageError(ErrorCode.Conflict, "the memory store exists already", { serviceCode: "BucketAlreadyExists" });
    openStore(name);
  }

  /**
   * @throws StorageError `ObjectNotExist` (no such store; service code `NoSuchBucket`), `Conflict`
   *   (not empty; service code `BucketNotEmpty`), `Aborted`.
   */
  async delete(name: string, options: DriverCallOptions): Promise<void> {
    throwIfAborted(options.signal);
    const store = findStore(name);
    if (store === undefined) throw storageError(ErrorCode.ObjectNotExist, "no such memory store", { serviceCode: "NoSuchBucket" });
    if (!store.isEmpty()) throw storageError(ErrorCode.Conflict, "the memory store is not empty", { serviceCode: "BucketNotEmpty" });
    dropStore(name);
  }

  /** One page of store names, sorted, after the name in `token`. @throws StorageError `Aborted`. */
  async list(token: string | undefined, options: DriverCallOptions): Promise<{ items: { name: string }[]; nextToken?: string }> {
    throwIfAborted(options.signal);
    const names = storeNames().filter((n) => token === undefined || token === "" || n > token);
    const items = names.slice(0, STORES_PAGE_SIZE).map((name) => ({ name }));
    return names.length > STORES_PAGE_SIZE ? { items, nextToken: items[items.length - 1]!.name } : { items };
  }

  /**
   * The primitives of a storager this servicer hands out: the named store, looked up at each call
   * and never made (`ObjectNotExist` while it does not exist).
   * @throws never
   */
  newStorageDriver(config: OpenConfig): MemoryStorageDriver {
    return new MemoryStorageDriver(undefined, config.name ?? "");
  }
}
