import { ErrorCode, storageError, type DriverCallOptions, type Endpoint, type ServiceDriver, type ServiceFeatures } from "@stowage/core";
import { bucketAddress, serviceAddress, zoneAddress } from "./addressing.js";
import { expectJson, QingStorClient, type QingStorTransportSettings } from "./client.js";
import { QINGSTOR_TYPE } from "./config.js";
import type { QingStorCredentials } from "./credentials.js";
import { qingstorServiceFeatures } from "./features.js";
import { deleteBucket, listBuckets, putBucket } from "./requests.js";
import { parseListBuckets } from "./responses.js";

/** Buckets asked for per ListBuckets page. */
export const BUCKET_PAGE_SIZE = 100;

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
   * Creates bucket `name` in zone `options.location` (or the servicer's).
   * @throws StorageError `Conflict` (bucket_already_exists), `InvalidArgument` (invalid_bucket_name), `PairRequired` (no zone and no endpoint), ...
   */
  async create(name: string, options: DriverCallOptions & { location?: string }): Promise<void> {
    await this.clientFor(name, options.location ?? this.location).sendBuffered(putBucket(), { signal: options.signal });
  }

  /**
   * Deletes bucket `name`, in the servicer's zone, else in the one the service names (detected).
   * @throws StorageError `ObjectNotExist` (bucket_not_exists), `Conflict` (bucket_not_empty), ...
   */
  async delete(name: string, options: DriverCallOptions): Promise<void> {
    const { address, detectZone } = bucketAddress(this.location, this.endpoint);
    const client = new QingStorClient(address, name, this.credentials, this.settings, detectZone);
    await client.sendBuffered(deleteBucket(), { signal: options.signal });
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

  private clientFor(name: string, location: string | undefined): QingStorClient {
    return new QingStorClient(zoneAddress(location, this.endpoint), name, this.credentials, this.settings);
  }
}
