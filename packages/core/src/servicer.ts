import type { ServiceFeatures } from "./features.js";
import type { CallOptions } from "./options.js";
import type { ExtraOptions, Storager } from "./storager.js";

/** Options of `Servicer.create`. */
export interface CreateBucketOptions extends CallOptions {
  location?: string | undefined;
}

/**
 * Manages buckets (or roots) of one account and hands out a {@link Storager} for each.
 *
 * Besides the codes each member names, every call may fail with `PairUnsupported` (an option the call does not
 * take: `create` takes `location` and `signal`, `delete` and `list` `signal`, `get` `workDir`; or one the service has no
 * use for; dropped instead with `enable_loose_pair`) and `InvalidArgument` (options that are not an object, an option
 * value of the wrong type); a call that sends requests (COS, OSS, QingStor) also with `PermissionDenied`,
 * `RequestThrottled`, `ServiceInternal` and `Unexpected`, as {@link Storager} calls do.
 */
export interface Servicer<X extends ExtraOptions = ExtraOptions> {
  readonly service: string;
  readonly features: Readonly<ServiceFeatures>;
  /**
   * Creates bucket `name` and returns its storager.
   * @throws Conflict (the name is taken), InvalidArgument (an empty name, one with `/`, a name the service does not
   *   take; an empty `location`), CapabilityInsufficient (a servicer that cannot create buckets), PermissionDenied, Aborted
   */
  create(name: string, options?: CreateBucketOptions): Promise<Storager<X>>;
  /**
   * Deletes bucket `name`.
   * @throws ObjectNotExist (no such bucket), Conflict (not empty), InvalidArgument (an empty name, one with `/`),
   *   CapabilityInsufficient (a servicer that cannot delete buckets), Aborted
   */
  delete(name: string, options?: CallOptions): Promise<void>;
  /**
   * A storager for existing bucket `name` (no network, no check that it exists: on a missing
   * bucket its calls fail with `ObjectNotExist`).
   * @throws InvalidArgument (an empty name, one with `/`, not a string; COS, OSS, QingStor: not a valid bucket name; a
   *   `workDir` that is not absolute), PairUnsupported (an option other than `workDir`: `signal` too), synchronously
   */
  get(name: string, options?: { workDir?: string | undefined }): Storager<X>;
  /**
   * Every bucket, as storagers.
   * @throws PermissionDenied, Unexpected (an answer that could not be read, or a page marked truncated
   *   that gives no way on: never a short listing), CapabilityInsufficient (a servicer that cannot list buckets), Aborted
   */
  list(options?: CallOptions): AsyncIterable<Storager<X>>;
}
