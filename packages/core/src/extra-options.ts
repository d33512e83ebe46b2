import type { StorageOperation } from "./operations.js";

/**
 * Driver-specific options per operation, e.g. `{ write: { serverSideEncryption?: string } }`.
 * Drivers export their own (`CosOptions`), used as `Storager<CosOptions>`.
 */
export type ExtraOptions = Partial<Record<StorageOperation, object>>;

/** Options of operation `K` added by a driver's {@link ExtraOptions}. */
export type Extra<X extends ExtraOptions, K extends StorageOperation> = X[K] extends object ? X[K] : unknown;
