import type { StorageOperation } from "./operations.js";

/**
 * Driver-specific options per operation, e.g. `{ write: { serverSideEncryption?: string } }`.
 * Drivers export their own (`CosOptions`), used as `Storager<CosOptions>`.
 */
export type ExtraOptions = Partial<Record<StorageOperation, object>>;

/** Options of operation `K` added by a driver's {@link ExtraOptions}. */
export type Extra<X extends ExtraOptions, K extends StorageOperation> = X[K] extends object ? X[K] : unknown;

/**
 * The key of `Storager`'s type-only member that records its driver's options (`Storager<X>` has
 * `[DRIVER_OPTIONS]?: X`; no storager has a property under it at run time). It ties a storager's
 * type to `X`: a `Storager<CosOptions>` passes where a plain `Storager` is expected, while a plain
 * `Storager` (or one of another driver) does not pass for a `Storager<CosOptions>`. Narrow a
 * plain `Storager` with its driver's guard (`isCosStorager`, ...), which checks `info.service`; the
 * type argument given to (or inferred for) `newStorager` is not checked against what it opens.
 */
export const DRIVER_OPTIONS: unique symbol = Symbol("stowage.driverOptions");

/**
 * `T` as given, never inferred: `newStorager<X>` and `newServicer<X>` return `Storager<Given<X>>`,
 * so X is what the caller names (or the default, no driver options), never what TypeScript would
 * infer from where the result goes (`cosOnly(newStorager("memory://"))` would otherwise type a
 * memory storager as a COS one). The same as `T` for any `T` named.
 */
export type Given<T> = [T][T extends unknown ? 0 : never];
