import { ErrorCode, isStorageError, storageError, type DriverCallOptions, type Endpoint, type ServiceDriver, type ServiceFeatures } from "@stowage/core";
import { bucketAddress, createdZone, serviceAddress, zoneAddress } from "./addressing.js";
import { expectJson, QingStorClient, type QingStorTransportSettings } from "./client.js";
import { QINGSTOR_TYPE } from "./config.js";
import type { QingStorCredentials } from "./credentials.js";
import { qingstorErrorFromResponse } from "./errors.js";
import { qingstorServiceFeatures } from "./features.js";
import { deleteBucket, listBuckets, putBucket } from "./requests.js";
import { parseErrorBody, parseListBuckets } from "./responses.js";

/** Buckets asked for per ListBuckets page. */
export const BUCKET_PAGE_SIZE = 100;

/**
 * ListBuckets pages read at most when a create checks whether a bucket is the caller's (with
 * {@link BUCKET_PAGE_SIZE}, its first 5,000 buckets); a bucket not found in them is not counted as its.
 */
export const OWNED_BUCKET_PAGES = 50;

/**
 * QingStor bucket primitives: PutBucket and DeleteBucket on the zone host,
 * ListBuckets (GET Service) on the service host, paged by `offset` and `limit`
 * (the token is the offset of the next page).
 */
export class QingStorServiceDriver implements ServiceDriver {
  readonly service = QINGSTOR_TYPE;
  readonly features: Readonly<ServiceFeatures> = qingstorServiceFeatures;

  constructor(
    private readonly credentials: QingStorCredentials,
    private readonly endpoint: Endpoint | undefined,
    private readonly location: string | undefined,
    private readonly settings: QingStorTransportSettings = {},
    private readonly pageSize = BUCKET_PAGE_SIZE,
  ) {}

  /**
   * Creates bucket `name` in zone `options.location` (or the servicer's). With a `<zone>.qingstor.com`
   * endpoint a location other than that zone, and with an IP or `localhost` endpoint (which decides
   * the zone itself) one other than the servicer's own, is refused before anything is sent.
   * PutBucket is retried after a lost answer; QingStor answers a retry whose first attempt created
   * the bucket 409 `bucket_already_exists`, as for anyone's bucket, so after an attempt that may have
   * acted that answer is checked against the caller's own buckets: ListBuckets (GET Service, which
   * lists only the requester's buckets) is paged through, at most {@link OWNED_BUCKET_PAGES} pages, and
   * the create succeeds only when `name` is listed, in the zone asked for when that is known. HeadBucket
   * would not do: it answers 200 to anyone for another account's public-read bucket. A bucket not
   * listed, listed in another zone, or a listing refused (401, 403) leaves the `Conflict`; that answer
   * to a first attempt is `Conflict` as well.
   * @throws StorageError `Conflict` (bucket_already_exists), `InvalidArgument` (invalid_bucket_name; a zone the endpoint
   *   does not serve), `PairRequired` (no zone and no endpoint); after a retry answered bucket_already_exists, any
   *   failure of the listing other than a refusal (network, throttling, `Aborted`): whether the bucket is the caller's
   *   stays unknown; ...
   */
  async create(name: string, options: DriverCallOptions & { location?: string }): Promise<void> {
    const zone = createdZone(options.location ?? this.location, this.location, this.endpoint);
    const client = this.clientFor(name, zone);
    const res = await client.sendBuffered(putBucket(), { signal: options.signal, accept: (s) => (s >= 200 && s < 300) || s === 409 });
    if (res.status !== 409) return;
    const body = parseErrorBody(res.body);
    if (res.earlierAttemptMayHaveApplied && body?.code === "bucket_already_exists" && (await this.owns(name, zone, options))) return;
    throw qingstorErrorFromResponse(res, body).withContext({ service: QINGSTOR_TYPE });
  }

  /**
   * Deletes bucket `name`, in the servicer's zone, else in the one the service names (detected).
   * DeleteBucket is retried after a lost answer; a retry answered 404 `bucket_not_exists` means the
   * first attempt deleted it, and succeeds. That answer to a first attempt is still `ObjectNotExist`.
   * @throws StorageError `ObjectNotExist` (bucket_not_exists), `Conflict` (bucket_not_empty), ...
   */
  async delete(name: string, options: DriverCallOptions): Promise<void> {
    const { address, detectZone } = bucketAddress(this.location, this.endpoint);
    const client = new QingStorClient(address, name, this.credentials, this.settings, detectZone);
    const res = await client.sendBuffered(deleteBucket(), { signal: options.signal, accept: (s) => (s >= 200 && s < 300) || s === 404 });
    if (res.status !== 404) return;
    const body = parseErrorBody(res.body);
    if (res.earlierAttemptMayHaveApplied && body?.code === "bucket_not_exists") return;
    throw qingstorErrorFromResponse(res, body).withContext({ service: QINGSTOR_TYPE });
  }

  /**
   * One page of ListBuckets: `limit` buckets from `offset` (the token). The next
   * token is `offset + items`, until that reaches the `count` QingStor reports
   * or a page comes back empty.
   * @throws StorageError `PermissionDenied`, `InvalidArgument` (bad token), ...
   */
  async list(token: string | undefined, options: DriverCallOptions): Promise<{ items: { name: string; location?: string }[]; nextToken?: string }> {
    const offset = token === undefined || token === "" ? 0 : Number(token);
    if (!Number.isSafeInteger(offset) || offset < 0) throw storageError(ErrorCode.InvalidArgument, "invalid list token for buckets");
    const client = new QingStorClient(serviceAddress(this.endpoint), undefined, this.credentials, this.settings);
    const res = await client.sendBuffered(listBuckets(offset, this.pageSize), { signal: options.signal, validate: expectJson("list_buckets") });
    const page = parseListBuckets(res.body);
    const next = offset + page.items.length;
    const more = page.items.length > 0 && (page.count === undefined ? page.items.length >= this.pageSize : next < page.count);
    return more ? { items: page.items, nextToken: String(next) } : { items: page.items };
  }

  /**
   * True when the caller's own buckets (ListBuckets, {@link OWNED_BUCKET_PAGES} pages at most) hold
   * `name`, in `zone` when that is known and the listing names one; false when they do not, or when
   * QingStor refuses the listing (401, 403).
   * @throws StorageError any other failure of the listing (network, throttling, `Aborted`): whether the bucket is the caller's stays unknown.
   */
  private async owns(name: string, zone: string | undefined, options: DriverCallOptions): Promise<boolean> {
    let token: string | undefined;
    for (let page = 0; page < OWNED_BUCKET_PAGES; page++) {
      let listed: Awaited<ReturnType<QingStorServiceDriver["list"]>>;
      try {
        listed = await this.list(token, options);
      } catch (e) {
        if (isStorageError(e) && (e.statusCode === 401 || e.statusCode === 403)) return false;
        throw e;
      }
      const hit = listed.items.find((b) => b.name === name);
      if (hit !== undefined) return zone === undefined || hit.location === undefined || hit.location.toLowerCase() === zone.toLowerCase();
      if (listed.nextToken === undefined) return false;
      token = listed.nextToken;
    }
    return false;
  }

  private clientFor(name: string, location: string | undefined): QingStorClient {
    return new QingStorClient(zoneAddress(location, this.endpoint), name, this.credentials, this.settings);
  }
}
