import { ErrorCode, isStorageError, storageError, type DriverCallOptions, type Endpoint, type ServiceDriver, type ServiceFeatures } from "@stowage/core";
import { bucketAddress, createdZone, endpointZone, serviceAddress, zoneAddress } from "./addressing.js";
import { checkQingStorBucket } from "./bucket-name.js";
import { QingStorClient, type QingStorTransportSettings } from "./client.js";
import { QINGSTOR_TYPE } from "./config.js";
import type { QingStorCredentials } from "./credentials.js";
import { qingstorErrorFromResponse } from "./errors.js";
import { qingstorServiceFeatures } from "./features.js";
import { sendListing } from "./listing-answer.js";
import { deleteBucket, listBuckets, putBucket } from "./requests.js";
import { parseErrorBody, parseListBuckets } from "./responses.js";

/** Buckets asked for per ListBuckets page. */
export const BUCKET_PAGE_SIZE = 100;

/**
 * ListBuckets pages read at most when a create checks whether a bucket is the caller's (with
 * {@link BUCKET_PAGE_SIZE}, its first 5,000 buckets); a bucket not found in them is not counted as its.
 */
export const OWNED_BUCKET_PAGES = 50;

/** Names a bucket-listing token remembers, to drop the ones a page read again repeats. */
export const REMEMBERED_BUCKETS = 1000;

/** Where a bucket listing stands between two pages (its token, as JSON `[offset, count, listed]`). */
interface BucketCursor {
  /** Offset of the next page. */
  offset: number;
  /** The total QingStor reported on the previous page. */
  count: number | undefined;
  /** The last names listed (at most `REMEMBERED_BUCKETS`). */
  listed: string[];
}

/**
 * The cursor in a bucket-listing token (the start for none).
 * @throws StorageError `InvalidArgument` for a token {@link QingStorServiceDriver.list} did not produce
 */
function parseCursor(token: string | undefined): BucketCursor {
  if (token === undefined || token === "") return { offset: 0, count: undefined, listed: [] };
  let value: unknown;
  try {
    value = JSON.parse(token);
  } catch {
    value = undefined;
  }
  if (Array.isArray(value) && value.length === 3) {
    const [offset, count, listed] = value as unknown[];
    const isCount = (n: unknown): n is number => typeof n === "number" && Number.isSafeInteger(n) && n >= 0;
    if (isCount(offset) && (count === null || isCount(count)) && Array.isArray(listed) && listed.every((n) => typeof n === "string")) {
      return { offset, count: count ?? undefined, listed: listed as string[] };
    }
  }
  throw storageError(ErrorCode.InvalidArgument, "invalid list token for buckets");
}

/**
 * QingStor bucket primitives: PutBucket and DeleteBucket on the zone host,
 * ListBuckets (GET Service) on the service host, paged by `offset` and `limit`
 * (the token is a `BucketCursor`).
 */
export class QingStorServiceDriver implements ServiceDriver {
  readonly service = QINGSTOR_TYPE;
  readonly features: Readonly<ServiceFeatures> = qingstorServiceFeatures;

  /** @throws nothing */
  constructor(
    private readonly credentials: QingStorCredentials,
    private readonly endpoint: Endpoint | undefined,
    private readonly location: string | undefined,
    private readonly settings: QingStorTransportSettings = {},
    private readonly pageSize = BUCKET_PAGE_SIZE,
  ) {}

  /** Refuses a name or zone QingStor cannot address (see `checkQingStorBucket`). @throws StorageError `InvalidArgument` */
  checkBucket(name: string, location: string | undefined): void {
    checkQingStorBucket(name, location);
  }

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
   * Deletes bucket `name` in zone `options.location`, else in the servicer's zone (its `location`),
   * else in the one the service names (detected, a `<zone>.qingstor.com` endpoint's too), at the host
   * a storager of the bucket uses (see `zoneAddress`).
   * DeleteBucket is retried after a lost answer; a retry answered 404 `bucket_not_exists` means the
   * first attempt deleted it, and succeeds. That answer to a first attempt is still `ObjectNotExist`.
   * @throws StorageError `ObjectNotExist` (bucket_not_exists), `Conflict` (bucket_not_empty), ...
   */
  async delete(name: string, options: DriverCallOptions & { location?: string }): Promise<void> {
    const { address, detectZone } = bucketAddress(options.location ?? this.location, this.endpoint);
    const client = new QingStorClient(address, name, this.credentials, this.settings, detectZone);
    const res = await client.sendBuffered(deleteBucket(), { signal: options.signal, accept: (s) => (s >= 200 && s < 300) || s === 404 });
    if (res.status !== 404) return;
    const body = parseErrorBody(res.body);
    if (res.earlierAttemptMayHaveApplied && body?.code === "bucket_not_exists") return;
    throw qingstorErrorFromResponse(res, body).withContext({ service: QINGSTOR_TYPE });
  }

  /**
   * One page of ListBuckets, which QingStor pages by `offset` and `limit` only: a bucket deleted
   * before the offset shifts the rest one place down, so the next offset would skip one. The token
   * (`BucketCursor`) carries the next offset, the `count` QingStor reported and the names
   * listed last; when a page reports fewer buckets than the previous one (d deleted meanwhile), the
   * page is read again from d places earlier and the names already listed are dropped, so a bucket
   * that existed all along is not missed, even when the caller deletes each bucket as it is listed.
   * Creates and deletes that leave the count unchanged between two pages are not seen (a bucket
   * may then be missed); more than `REMEMBERED_BUCKETS` deletes between two pages may repeat one.
   * @throws StorageError `PermissionDenied`, `InvalidArgument` (a token this driver did not produce), ...
   */
  async list(token: string | undefined, options: DriverCallOptions): Promise<{ items: { name: string; location?: string }[]; nextToken?: string }> {
    const cursor = parseCursor(token);
    let start = cursor.offset;
    let page = await this.bucketsPage(start, options);
    const deleted = cursor.count !== undefined && page.count !== undefined ? cursor.count - page.count : 0;
    if (deleted > 0 && start > 0) {
      start -= Math.min(start, deleted);
      page = await this.bucketsPage(start, options);
    }
    const listed = new Set(cursor.listed);
    const items = page.items.filter((b) => !listed.has(b.name));
    const next = start + page.items.length;
    const more = page.items.length > 0 && (page.count === undefined ? page.items.length >= this.pageSize : next < page.count);
    if (!more) return { items };
    const remembered = [...cursor.listed, ...items.map((b) => b.name)].slice(-REMEMBERED_BUCKETS);
    return { items, nextToken: JSON.stringify([next, page.count ?? null, remembered]) };
  }

  /** One ListBuckets answer: `pageSize` buckets from `offset`, and the total QingStor reports. */
  private async bucketsPage(offset: number, options: DriverCallOptions): Promise<ReturnType<typeof parseListBuckets>> {
    const client = new QingStorClient(serviceAddress(this.endpoint), undefined, this.credentials, this.settings);
    return sendListing(client, listBuckets(offset, this.pageSize), options, parseListBuckets);
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
