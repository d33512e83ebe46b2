import type { ServiceFeatures } from "./features.js";
import type { CallOptions } from "./options.js";
import type { ExtraOptions, Storager } from "./storager.js";

/** Options of `Servicer.create`. */
export interface CreateBucketOptions extends CallOptions {
  /** The region (zone) to create the bucket in; default: the servicer's `location`. */
  location?: string | undefined;
}

/** Options of `Servicer.delete`. */
export interface DeleteBucketOptions extends CallOptions {
  /**
   * The region (zone) the bucket is in, as `list` reports it (`info.location`); default: the
   * servicer's `location` (or the region its endpoint names). A DELETE goes where a storager of the
   * bucket in that region sends its requests.
   */
  location?: string | undefined;
}

/**
 * Manages buckets (or roots) of one account and hands out a {@link Storager} for each.
 *
 * Besides the codes each member names, every call may fail with `PairUnsupported` (an option the call does not
 * take: `create` and `delete` take `location` and `signal`, `list` `signal`, `get` `workDir`; or one the service has no
 * use for; dropped instead with `enable_loose_pair`) and `InvalidArgument` (options that are not an object, an option
 * value of the wrong type); a call that sends requests (COS, OSS, QingStor) also with `PermissionDenied`,
 * `RequestThrottled`, `ServiceInternal` and `Unexpected`, as {@link Storager} calls do.
 *
 * Bucket names are checked before anything is sent, by every member alike: a name that is empty, holds `/`, `@`
 * or a control character, or that the service does not take, is `InvalidArgument`. A name holding `@` is never
 * shown (what is before the `@` may be a secret): errors show it as `***@` and what follows the last `@`.
 */
export interface Servicer<X extends ExtraOptions = ExtraOptions> {
  readonly service: string;
  readonly features: Readonly<ServiceFeatures>;
  /**
   * Creates bucket `name` and returns its storager.
   * @throws Conflict (the name is taken), InvalidArgument (a name refused as the interface says; an empty
   *   `location`), CapabilityInsufficient (a servicer that cannot create buckets), PermissionDenied, Aborted
   */
  create(name: string, options?: CreateBucketOptions): Promise<Storager<X>>;
  /**
   * Deletes bucket `name`, in `options.location` when given, else in the servicer's region: COS and OSS
   * address a bucket by its region, so one in another region needs its `location` (as `list` reports it).
   * @throws ObjectNotExist (no such bucket), Conflict (not empty), InvalidArgument (a name refused as the
   *   interface says; an empty `location`; COS: the account lists the bucket in another region than the one
   *   the DELETE went to), CapabilityInsufficient (a servicer that cannot delete buckets), Aborted
   */
  delete(name: string, options?: DeleteBucketOptions): Promise<void>;
  /**
   * A storager for existing bucket `name` (no network, no check that it exists: on a missing
   * bucket its calls fail with `ObjectNotExist`).
   * @throws InvalidArgument (a name refused as the interface says, or not a string; a `workDir` that is not
   *   absolute), PairUnsupported (an option other than `workDir`: `signal` too), synchronously
   */
  get(name: string, options?: { workDir?: string | undefined }): Storager<X>;
  /**
   * Every bucket, as storagers, each reaching its bucket and reporting its location (`info.location`). A
   * listed bucket whose name or location the service driver cannot address (a name its rules refuse, one
   * holding `@` or a control character, a location that is no region name) is left out and reported once,
   * when the listing ends, by a process warning (`code` `STOWAGE_UNLISTED_BUCKETS`, exported as
   * `UNLISTED_BUCKETS_WARNING`), never by ending the listing.
   * @throws PermissionDenied, Unexpected (an answer that could not be read, or a page marked truncated
   *   that gives no way on: never a short listing), CapabilityInsufficient (a servicer that cannot list buckets),
   *   PairRequired (OSS V4 through an endpoint that names no region, without `location`), Aborted
   */
  list(options?: CallOptions): AsyncIterable<Storager<X>>;
}
