import type { StorageDriver } from "../driver/storage-driver.js";
import { ErrorCode } from "../errors/error-code.js";
import { isStorageError, StorageError, storageError } from "../errors/storage-error.js";
import type { StorageFeatures } from "../features.js";
import { snakeCase, type StorageOperation } from "../operations.js";
import type { PairSet } from "../pairs/pair-definition.js";
import { resolvePath, type ResolvedPath } from "../path/paths.js";
import { planOptions, validateOptions, type OptionsPlan, type ValidateOptionsContext } from "../pairs/validate-options.js";
import { isPairOfAnyService } from "../registry/known-pair.js";
import type { OpenConfig, ServiceDefinition } from "../registry/service-definition.js";
import { thrownText } from "../errors/thrown-text.js";

/** Everything core knows about one opened storager besides its driver. */
export interface StoragerContext {
  definition: ServiceDefinition;
  config: OpenConfig;
  /** Global and driver pairs, keyed camelCase. */
  pairs: PairSet;
  /** Operation defaults from `default_*` pairs and open-time tuning pairs. */
  defaults: Readonly<Record<string, unknown>>;
  /** `enable_loose_pair`: unknown options are dropped instead of rejected. */
  loose: boolean;
}

/** Which feature flag an operation needs (besides the driver method existing). */
const OPERATION_FEATURE: Record<StorageOperation, keyof StorageFeatures> = {
  stat: "stat",
  read: "read",
  write: "write",
  delete: "delete",
  list: "list",
  copy: "copy",
  move: "move",
  fetch: "fetch",
  createDir: "createDir",
  createLink: "createLink",
  presign: "presignRead",
  createAppend: "append",
  writeAppend: "append",
  commitAppend: "append",
  createMultipart: "multipart",
  writeMultipart: "multipart",
  completeMultipart: "multipart",
  listMultipart: "multipart",
  restore: "restore",
};

/**
 * The per-storager helpers every operation uses: capability checks, option
 * validation and error context. Kept apart from the operations themselves.
 */
export class OperationScope {
  private validation: ValidateOptionsContext | undefined;
  private readonly plans = new Map<StorageOperation, OptionsPlan>();

  constructor(
    readonly driver: StorageDriver,
    readonly ctx: StoragerContext,
  ) {}

  get service(): string {
    return this.driver.service;
  }

  get workDir(): string {
    return this.ctx.config.workDir;
  }

  /**
   * {@link resolvePath} for this storage: the key of `path`, also refused when it is longer than
   * the service allows (`limits.keyMaximum`), before anything is sent. `what` names the path in
   * messages, as resolvePath's does.
   * @throws StorageError `InvalidArgument` (see resolvePath; a key over `keyMaximum` bytes of UTF-8)
   */
  resolve(path: string, options: { dir?: boolean; file?: boolean; what?: string } = {}): ResolvedPath {
    const resolved = resolvePath(this.workDir, path, options);
    this.checkKeyLength(resolved.key, options.what);
    return resolved;
  }

  /**
   * {@link OperationScope.resolve} for a stat or a delete, which only look at (or remove) what is
   * there: undefined for a directory key (ending in `/`) that is over `limits.keyMaximum` by that
   * `/` alone. No marker, and no key below it, can be that long on the service, so nothing is
   * there (the stat answers ObjectNotExist, the delete has nothing to do), while the name without
   * its `/` may be a valid object's: asking whether it is a directory is no bad argument. A key
   * over the limit otherwise is refused as by `resolve`; creating such a directory too.
   * @throws StorageError `InvalidArgument` (see resolve)
   */
  resolveExisting(path: string, options: { dir?: boolean } = {}): ResolvedPath | undefined {
    const resolved = resolvePath(this.workDir, path, options);
    const bytes = this.bytesOverLimit(resolved.key);
    if (bytes === undefined) return resolved;
    if (resolved.key.endsWith("/") && bytes === this.driver.features.limits.keyMaximum! + 1) return undefined;
    throw this.tooLong(bytes);
  }

  /**
   * Refuses a key longer than the service allows (`limits.keyMaximum` bytes of UTF-8, work_dir
   * included); storages without the limit take any length. `what` names the path the key is of, as
   * {@link OperationScope.resolve}'s does.
   * @throws StorageError `InvalidArgument`
   */
  checkKeyLength(key: string, what?: string): void {
    const bytes = this.bytesOverLimit(key);
    if (bytes !== undefined) throw this.tooLong(bytes, what);
  }

  /** The length of `key` in bytes of UTF-8 when that is over `limits.keyMaximum`, else undefined. */
  private bytesOverLimit(key: string): number | undefined {
    const maximum = this.driver.features.limits.keyMaximum;
    if (maximum === undefined || key.length <= maximum / 3) return undefined;
    const bytes = Buffer.byteLength(key, "utf8");
    return bytes > maximum ? bytes : undefined;
  }

  /** The refusal of a key of `bytes` (the key of `what`, where a message names the path otherwise than `path`). */
  private tooLong(bytes: number, what?: string): StorageError {
    const maximum = this.driver.features.limits.keyMaximum;
    const key = what === undefined || what === "path" ? "the key" : `the ${what}'s key`;
    return storageError(ErrorCode.InvalidArgument, `${key} is ${bytes} bytes of UTF-8 (work_dir included), longer than the ${maximum} bytes ${this.service} allows`);
  }

  /**
   * Throws CapabilityInsufficient unless the storage can do `op`: `flag` (the operation's own by
   * default) is on and the driver has every one of `methods` (an undefined one needs nothing). A
   * flag that is on with a method missing is refused as if it were off, the message naming what
   * the driver lacks.
   */
  require(op: StorageOperation, flag: keyof StorageFeatures = OPERATION_FEATURE[op], ...methods: (keyof StorageDriver | undefined)[]): void {
    const on = this.driver.features[flag] === true;
    const missing = on ? methods.filter((m) => m !== undefined && typeof this.driver[m] !== "function") : [];
    if (!on || missing.length > 0) {
      const lacks = missing.length === 0 ? "" : ` (its driver turns ${flag} on but has no ${missing.join(", ")})`;
      throw storageError(ErrorCode.CapabilityInsufficient, `${this.service} cannot ${describe(op, flag)}${lacks}${this.enableHint(flag)}`, {
        op: snakeCase(op),
        service: this.service,
      });
    }
  }

  /** For a capability an open-time pair of this driver switches on (go-storage's `enable_virtual_*`), how to get it. */
  private enableHint(flag: keyof StorageFeatures): string {
    const pair = ENABLING_PAIRS[flag];
    return pair !== undefined && this.ctx.pairs[pair] !== undefined ? ` (open the storager with ${this.ctx.pairs[pair]!.name} to have it)` : "";
  }

  /** Validated options for `op` with defaults merged (see validateOptions; what depends on `op` alone is planned once). */
  options(op: StorageOperation, options: object | undefined): Record<string, unknown> {
    const ctx = (this.validation ??= {
      service: this.service,
      pairs: this.ctx.pairs,
      features: this.driver.features,
      defaults: this.ctx.defaults,
      loose: this.ctx.loose,
      knownPair: isPairOfAnyService,
    });
    let plan = this.plans.get(op);
    if (plan === undefined) {
      plan = planOptions(op, ctx);
      this.plans.set(op, plan);
    }
    return validateOptions(op, options, ctx, plan);
  }

  /**
   * Runs `fn`, turning whatever it throws into a StorageError with op, service
   * and path filled in. An error after `signal` fired becomes `Aborted`.
   */
  async run<T>(op: StorageOperation, path: string | readonly string[], signal: AbortSignal | undefined, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      throw this.error(e, op, path, signal);
    }
  }

  /**
   * The StorageError for `e` thrown during `op` on `path`. Total: whatever a driver rejected with (an
   * object without a prototype, one whose `toString` throws, a Symbol, a bigint, a revoked Proxy)
   * becomes a StorageError, `Unexpected` for anything but a StorageError.
   * @throws nothing (it returns the error for the caller to throw).
   */
  error(e: unknown, op: StorageOperation, path: string | readonly string[], signal?: AbortSignal): StorageError {
    const context = { op: snakeCase(op), service: this.service, path };
    try {
      if (signal?.aborted && !(isStorageError(e) && e.code === ErrorCode.Aborted)) {
        // What a deleteMany had done when the abort stopped it stays on the error.
        const batch = isStorageError(e) ? e.batch : undefined;
        return storageError(ErrorCode.Aborted, "operation aborted", { ...context, cause: signal.reason instanceof Error ? signal.reason : e, ...(batch ? { batch } : {}) });
      }
      if (isStorageError(e)) return e.withContext(context);
    } catch {
      // Only a value that cannot even be looked at (a revoked Proxy: `instanceof` throws) gets here.
      if (signal?.aborted) return storageError(ErrorCode.Aborted, "operation aborted", { ...context, ...(signal.reason instanceof Error ? { cause: signal.reason } : {}) });
    }
    return storageError(ErrorCode.Unexpected, thrownText(e), { ...context, cause: e });
  }
}

/** Features that a driver's `enable_virtual_*` pair, where it has one, turns on (keyed camelCase). */
const ENABLING_PAIRS: Partial<Record<keyof StorageFeatures, string>> = { createLink: "enableVirtualLink", createDir: "enableVirtualDir" };

function describe(op: StorageOperation, flag: keyof StorageFeatures): string {
  return flag === OPERATION_FEATURE[op] ? snakeCase(op) : `${snakeCase(op)} (${flag})`;
}
