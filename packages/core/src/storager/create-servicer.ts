import type { ServiceDriver } from "../driver/service-driver.js";
import { ErrorCode } from "../errors/error-code.js";
import { isStorageError, StorageError, storageError } from "../errors/storage-error.js";
import type { ServiceFeatures } from "../features.js";
import { paginate } from "../listing/page-lister.js";
import type { CallOptions } from "../options.js";
import { camelCase } from "../operations.js";
import { normalizeWorkDir } from "../path/paths.js";
import type { CreateBucketOptions, DeleteBucketOptions, Servicer } from "../servicer.js";
import type { Storager } from "../storager.js";
import { checkBucketName, shownBucketName } from "./bucket-name.js";
import { createStorager } from "./create-storager.js";
import { checkServicerOptions, type ServicerMethod } from "./servicer-options.js";
import type { StoragerContext } from "./storager-context.js";
import { UnlistedBuckets } from "./unlisted-buckets.js";
import { thrownText } from "../errors/thrown-text.js";

/** The public {@link Servicer} over a driver's bucket primitives. */
class CoreServicer implements Servicer {
  readonly service: string;
  readonly features: Readonly<ServiceFeatures>;

  // Real private fields: neither util.inspect nor JSON.stringify shows them (they hold the credentials).
  readonly #driver: ServiceDriver;
  readonly #ctx: StoragerContext;

  constructor(driver: ServiceDriver, ctx: StoragerContext) {
    this.#driver = driver;
    this.#ctx = ctx;
    this.service = driver.service;
    this.features = driver.features;
  }

  async create(name: string, options: CreateBucketOptions = {}): Promise<Storager> {
    return this.run("create", name, async () => {
      const checked = this.options("create", options) as { location?: string; signal?: AbortSignal };
      this.require("create");
      checkBucketName(name);
      const location = checked.location ?? this.#ctx.config.location;
      // The storager first: settings it refuses (a name, SSE defaults) must fail before a bucket
      // exists that the caller then has no storager for, and a retry finds taken.
      const storager = this.storagerFor(name, "/", location);
      await this.#driver.create(name, { ...(checked.signal ? { signal: checked.signal } : {}), ...(location ? { location } : {}) });
      return storager;
    });
  }

  async delete(name: string, options: DeleteBucketOptions = {}): Promise<void> {
    return this.run("delete", name, async () => {
      const { signal, location } = this.options("delete", options) as { signal?: AbortSignal; location?: string };
      this.require("delete");
      // The checks get and create run (through the storage primitives), before anything is sent.
      checkBucketName(name);
      this.#driver.checkBucket?.(name, location);
      await this.#driver.delete(name, { ...(signal ? { signal } : {}), ...(location ? { location } : {}) });
    });
  }

  get(name: string, options: { workDir?: string } = {}): Storager {
    try {
      const { workDir } = this.options("get", options) as { workDir?: string };
      checkBucketName(name);
      return this.storagerFor(name, workDir ?? "/", this.#ctx.config.location);
    } catch (e) {
      throw this.error(e, "get", name);
    }
  }

  async *list(options: CallOptions = {}): AsyncIterable<Storager> {
    // Buckets the driver cannot address are left out, and reported once when the listing ends.
    const unlisted = new UnlistedBuckets();
    try {
      const { signal } = this.options("list", options) as { signal?: AbortSignal };
      this.require("list");
      const buckets = paginate((token) => this.#driver.list(token, signal ? { signal } : {}), signal ? { signal } : {});
      for await (const bucket of buckets) {
        const location = bucket.location ?? this.#ctx.config.location;
        if (this.addressable(bucket.name, bucket.location, unlisted)) yield this.storagerFor(bucket.name, "/", location);
      }
    } catch (e) {
      throw this.error(e, "list", "");
    } finally {
      unlisted.report(this.service);
    }
  }

  /**
   * True when the driver can address listed bucket `name` in `location` (the listing's word, if
   * any); otherwise records it in `unlisted` (core's name rules and the driver's `checkBucket`
   * refuse only with `InvalidArgument`; anything else is thrown).
   */
  private addressable(name: string, location: string | undefined, unlisted: UnlistedBuckets): boolean {
    try {
      checkBucketName(name);
      this.#driver.checkBucket?.(name, location);
      return true;
    } catch (e) {
      if (!isStorageError(e, ErrorCode.InvalidArgument)) throw e;
      unlisted.add(name, e);
      return false;
    }
  }

  /** A method's options, checked (see {@link checkServicerOptions}). */
  private options(method: ServicerMethod, options: unknown): Record<string, unknown> {
    const unused = new Set((this.#ctx.definition.unusedPairs ?? []).map(camelCase));
    return checkServicerOptions(method, options, { service: this.service, loose: this.#ctx.loose, unused });
  }

  private storagerFor(name: string, workDir: string, location: string | undefined): Storager {
    const config = { ...this.#ctx.config, name, workDir: normalizeWorkDir(workDir), ...(location ? { location } : {}) };
    // A driver's own builder for servicer storagers, when it has one (ServiceDriver.newStorageDriver).
    const driver = this.#driver.newStorageDriver?.(config, this.#ctx.defaults) ?? this.#ctx.definition.newStorageDriver(config, this.#ctx.defaults);
    return createStorager(driver, { ...this.#ctx, config });
  }

  private require(op: keyof ServiceFeatures): void {
    if (!this.features[op]) throw storageError(ErrorCode.CapabilityInsufficient, `${this.service} servicer cannot ${op}`);
  }

  private async run<T>(op: string, name: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      throw this.error(e, op, name);
    }
  }

  private error(e: unknown, op: string, name: string): StorageError {
    // A name holding "@" may start with a secret (`AK:SK@bucket`): never shown whole.
    const ctx = { op: `servicer_${op}`, service: this.service, path: typeof name === "string" ? shownBucketName(name) : name };
    if (isStorageError(e)) return e.withContext(ctx);
    return storageError(ErrorCode.Unexpected, thrownText(e), { ...ctx, cause: e });
  }

  toString(): string {
    return `Servicer ${this.service}`;
  }

  /** What `JSON.stringify` shows: the service, never how it was opened (credentials). */
  toJSON(): { service: string } {
    return { service: this.service };
  }

  /** What `console.log` and `util.inspect` show: {@link CoreServicer.toString}. */
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }
}

/**
 * Wraps a driver's bucket primitives into the public {@link Servicer}. Called by `newServicer`.
 * Its methods check their options as Storager operations do (see `checkServicerOptions`).
 * @throws nothing itself; its methods throw PairUnsupported, InvalidArgument, CapabilityInsufficient and the driver's errors.
 */
export function createServicer(driver: ServiceDriver, ctx: StoragerContext): Servicer {
  return new CoreServicer(driver, ctx);
}
