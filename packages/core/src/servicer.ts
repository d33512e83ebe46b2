import type { ServiceFeatures } from "./features.js";
import type { CallOptions } from "./options.js";
import type { ExtraOptions, Storager } from "./storager.js";

/** Options of `Servicer.create`. */
export interface CreateBucketOptions extends CallOptions {
  location?: string;
}

/** Manages buckets (or roots) of one account and hands out a {@link Storager} for each. */
export interface Servicer<X extends ExtraOptions = ExtraOptions> {
  readonly service: string;
  readonly features: Readonly<ServiceFeatures>;
  /** Creates bucket `name` and returns its storager. @throws Conflict, PermissionDenied, InvalidArgument */
  create(name: string, options?: CreateBucketOptions): Promise<Storager<X>>;
  /** Deletes bucket `name`. @throws ObjectNotExist, Conflict (not empty) */
  delete(name: string, options?: CallOptions): Promise<void>;
  /**
   * A storager for existing bucket `name` (no network, no check that it exists: on a missing
   * bucket its calls fail with `ObjectNotExist`).
   */
  get(name: string, options?: { workDir?: string }): Storager<X>;
  /**
   * Every bucket, as storagers.
   * @throws PermissionDenied, Unexpected (an answer that could not be read, or a page marked truncated
   *   that gives no way on: never a short listing), Aborted
   */
  list(options?: CallOptions): AsyncIterable<Storager<X>>;
}
