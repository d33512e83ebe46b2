import { ErrorCode, isStorageError, storageError, type DriverCallOptions, type Endpoint, type ServiceDriver, type ServiceFeatures } from "@stowage/core";
import { bucketAddress, createdZone, serviceAddress, zoneAddress } from "./addressing.js";
import { expectJson, QingStorClient, type QingStorTransportSettings } from "./client.js";
import { QINGSTOR_TYPE } from "./config.js";
import type { QingStorCredentials } from "./credentials.js";
import { qingstorErrorFromResponse } from "./errors.js";
import { qingstorServiceFeatures } from "./features.js";
import type { QsCall } from "./qs-call.js";
import { deleteBucket, listBuckets, putBucket } from "./requests.js";
import { parseErrorBody, parseListBuckets } from "./responses.js";

/** HeadBucket: asks whether the bucket answers to these credentials. */
function headBucket(): QsCall {
  return { operation: "head_bucket", method: "HEAD", query: [], headers: {} };
}

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
   * Creates bucket `name` in zone `options.location` (or the servicer's). With a `<zone>.qingstor.com`
   * endpoint a location other than that zone, and with an IP or `localhost` endpoint (which decides
   * the zone itself) one other than the servicer's own, is refused before anything is sent.
   * PutBucket is retried after a lost answer; QingStor answers a retry whose first attempt created
   * the bucket 409 `bucket_already_exists`, as for anyone's bucket, so after an attempt that may have
   * acted that answer is checked with HeadBucket signed by the same key: a 200 means the bucket is
   * the caller's, and the create succeeds. That answer to a first attempt is still `Conflict`.
   * @throws StorageError `Conflict` (bucket_already_exists), `InvalidArgument` (invalid_bucket_name; a zone the endpoint
   *   does not serve), `PairRequired` (no zone and no endpoint), ...
   */
  async create(name: string, options: DriverCallOptions & { location?: string }): Promise<void> {
    const client = this.clientFor(name, createdZone(options.location ?? this.location, this.location, this.endpoint));
    const res = await client.sendBuffered(putBucket(), { signal: options.signal, accept: (s) => (s >= 200 && s < 300) || s === 409 });
    if (res.status !== 409) return;
    const body = parseErrorBody(res.body);
    if (res.earlierAttemptMayHaveApplied && body?.code === "bucket_already_exists" && (await answersTo(client, options))) return;
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

  private clientFor(name: string, location: string | undefined): QingStorClient {
    return new QingStorClient(zoneAddress(location, this.endpoint), name, this.credentials, this.settings);
  }
}

/**
 * True when the bucket of `client` answers HeadBucket signed with the client's key (the caller's
 * own bucket, or one it may read); false when QingStor refuses it (401, 403) or knows no such bucket (404).
 * @throws StorageError any other failure of the request (network, throttling, `Aborted`): whether the bucket is the caller's stays unknown.
 */
async function answersTo(client: QingStorClient, options: DriverCallOptions): Promise<boolean> {
  try {
    await client.sendBuffered(headBucket(), { signal: options.signal });
    return true;
  } catch (e) {
    if (isStorageError(e) && (e.statusCode === 401 || e.statusCode === 403 || e.statusCode === 404)) return false;
    throw e;
  }
}
