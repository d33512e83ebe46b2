import { ErrorCode, storageError, throwIfAborted, type DriverCallOptions, type ServiceDriver, type ServiceFeatures } from "@stowage/core";
import { MEMORY_TYPE } from "./config.js";
import { findStore, openStore, dropStore, storeNames } from "./store.js";

/** Store names per {@link MemoryServiceDriver.list} page. */
export const STORES_PAGE_SIZE = 1000;

/** The memory servicer can create, delete, open and list named stores. */
export const memoryServiceFeatures: Readonly<ServiceFeatures> = Object.freeze({ create: true, delete: true, get: true, list: true });

/**
 * Manages the process-wide named memory stores (the "buckets" of the memory
 * service). A store opened by name is created on first use; `create` makes
 * one ahead of time and succeeds when it exists already.
 */
export class MemoryServiceDriver implements ServiceDriver {
  readonly service = MEMORY_TYPE;
  readonly features = memoryServiceFeatures;

  /** Idempotent. @throws StorageError `InvalidArgument` (empty name), `Aborted`. */
  async create(name: string, options: DriverCallOptions & { location?: string }): Promise<void> {
    throwIfAborted(options.signal);
    if (name === "") throw storageError(ErrorCode.InvalidArgument, "a store needs a name");
    openStore(name);
  }

  /** @throws StorageError `ObjectNotExist` (no such store), `Conflict` (not empty), `Aborted`. */
  async delete(name: string, options: DriverCallOptions): Promise<void> {
    throwIfAborted(options.signal);
    const store = findStore(name);
    if (store === undefined) throw storageError(ErrorCode.ObjectNotExist, "no such memory store");
    if (!store.isEmpty()) throw storageError(ErrorCode.Conflict, "the memory store is not empty");
    dropStore(name);
  }

  /** One page of store names, sorted, after the name in `token`. @throws StorageError `Aborted`. */
  async list(token: string | undefined, options: DriverCallOptions): Promise<{ items: { name: string }[]; nextToken?: string }> {
    throwIfAborted(options.signal);
    const names = storeNames().filter((n) => token === undefined || token === "" || n > token);
    const items = names.slice(0, STORES_PAGE_SIZE).map((name) => ({ name }));
    return names.length > STORES_PAGE_SIZE ? { items, nextToken: items[items.length - 1]!.name } : { items };
  }
}
