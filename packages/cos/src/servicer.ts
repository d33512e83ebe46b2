import { ErrorCode, isStorageError, storageError, type DriverCallOptions, type ServiceDriver, type ServiceFeatures } from "@stowage/core";
import { bucketAddress, createdRegion, endpointRegion, serviceAddress, type AddressingConfig } from "./addressing.js";
import { checkCosBucket } from "./bucket-name.js";
import { CosClient, type CosTransportSettings } from "./client.js";
import { COS_TYPE } from "./config.js";
import type { CredentialSource } from "./credentials.js";
import { cosServiceFeatures } from "./features.js";
import { cosErrorFromResponse } from "./errors.js";
import { sendListing } from "./listing-answer.js";
import { deleteBucket, listBuckets, putBucket, type CosCall } from "./requests.js";
import { parseErrorBody, parseListBuckets } from "./responses.js";

/**
 * GET Service pages read at most when a DELETE answered `NoSuchBucket` checks where the caller's
 * bucket is (COS sends up to 2,000 buckets a page); a bucket not found in them counts as missing.
 */
export const LISTED_BUCKET_PAGES = 10;

/** One page of GET Service as the servicer reads it. */
type BucketPage = { items: { name: string; location?: string }[]; nextToken?: string };

/**
 * COS bucket primitives: PUT Bucket, DELETE Bucket and GET Service
 * (`service.cos.myqcloud.com`, or the endpoint's root).
 */
export class CosServiceDriver implements ServiceDriver {
  readonly service = COS_TYPE;
  readonly features: Readonly<ServiceFeatures> = cosServiceFeatures;

  /** @throws nothing */
  constructor(
    private readonly credentials: CredentialSource,
    private readonly addressing: AddressingConfig,
    private readonly location: string | undefined,
    private readonly settings: CosTransportSettings = {},
  ) {}

  /** Refuses a name or location COS cannot address (see `checkCosBucket`). @throws StorageError `InvalidArgument` */
  checkBucket(name: string, location: string | undefined): void {
    checkCosBucket(name, location, this.addressing.endpoint);
  }

  /**
   * Creates bucket `name` (`<bucket>-<appid>`) in `options.location` (or the servicer's). With an
   * endpoint, the endpoint decides the region: a location other than the one it names (or, when it
   * names none, than the servicer's own) is refused before anything is sent. PUT Bucket is
   * retried after a lost answer; a retry answered 409 `BucketAlreadyOwnedByYou` means the first attempt
   * created it, and succeeds. That answer to a first attempt is still `Conflict`.
   * @throws StorageError `Conflict` (BucketAlreadyExists, BucketAlreadyOwnedByYou), `InvalidArgument` (bad name;
   *   a location the endpoint does not serve), `PairRequired` (no location), ...
   */
  async create(name: string, options: DriverCallOptions & { location?: string }): Promise<void> {
    const client = this.clientFor(name, createdRegion(options.location ?? this.location, this.location, this.addressing.endpoint));
    await sendExpecting(client, putBucket(), 409, "BucketAlreadyOwnedByYou", options);
  }

  /**
   * Deletes bucket `name` in `options.location` (else the servicer's region), at the host a storager
   * of the bucket there uses (a region endpoint moved into that region). A region's host answers 404
   * `NoSuchBucket` for a bucket of another region too, so that answer, from a host that names a region,
   * is checked against GET Service (at most `LISTED_BUCKET_PAGES` pages): a bucket the caller's
   * listing puts in another region was not deleted, and the delete is `InvalidArgument` naming that
   * region (GET Service on a region endpoint lists only that region's buckets: then only
   * `location` helps). Otherwise DELETE Bucket, retried after a lost answer, succeeds when a retry is
   * answered `NoSuchBucket` (the first attempt deleted it); the same answer to a first attempt is `ObjectNotExist`.
   * @throws StorageError `ObjectNotExist` (NoSuchBucket), `Conflict` (BucketNotEmpty), `InvalidArgument` (the bucket is
   *   listed in another region); after a retry answered NoSuchBucket, a failure of the listing (the outcome is unknown), ...
   */
  async delete(name: string, options: DriverCallOptions & { location?: string }): Promise<void> {
    const region = options.location ?? this.location;
    const res = await this.clientFor(name, region).sendBuffered(deleteBucket(), { signal: options.signal, accept: (s) => (s >= 200 && s < 300) || s === 404 });
    if (res.status !== 404) return;
    const body = await parseErrorBody(res.body);
    const refusal = cosErrorFromResponse(res, body).withContext({ service: COS_TYPE });
    if (body?.code !== "NoSuchBucket") throw refusal;
    // A host that names no region (an IP address, a custom domain) reaches the bucket wherever it is.
    const addressed = this.addressing.endpoint === undefined || endpointRegion(this.addressing.endpoint) !== undefined ? region : undefined;
    let listed: string | undefined;
    try {
      listed = addressed === undefined ? undefined : await this.listedRegion(name, options);
    } catch (e) {
      // Only a retry's answer needs the listing to be judged; a first attempt's stays what COS said.
      if (res.earlierAttemptMayHaveApplied || isStorageError(e, ErrorCode.Aborted)) throw e;
      throw refusal;
    }
    if (listed !== undefined && addressed !== undefined && listed !== addressed) {
      throw storageError(
        ErrorCode.InvalidArgument,
        `bucket ${name} is in region ${listed} (GET Service lists it there), not in ${addressed}, where the DELETE went: nothing was deleted; delete it with { location: "${listed}" }`,
        { service: COS_TYPE },
      );
    }
    if (res.earlierAttemptMayHaveApplied) return;
    throw refusal;
  }

  /** One page of GET Service. @throws StorageError `PermissionDenied`, `Unexpected` (an answer that is no bucket listing, see parseListBuckets), ... */
  async list(token: string | undefined, options: DriverCallOptions): Promise<{ items: { name: string; location?: string }[]; nextToken?: string }> {
    const client = new CosClient(serviceAddress(this.addressing), this.credentials, this.settings);
    const page = await sendListing(client, listBuckets(token), options, parseListBuckets);
    return page.nextMarker === undefined ? { items: page.items } : { items: page.items, nextToken: page.nextMarker };
  }

  /**
   * The region GET Service lists bucket `name` in ({@link LISTED_BUCKET_PAGES} pages at most);
   * undefined when it is not listed, listed without one, or COS refuses the listing (401, 403).
   * @throws StorageError any other failure of the listing (network, throttling, `Aborted`).
   */
  private async listedRegion(name: string, options: DriverCallOptions): Promise<string | undefined> {
    let token: string | undefined;
    for (let page = 0; page < LISTED_BUCKET_PAGES; page++) {
      let listed: BucketPage;
      try {
        listed = await this.list(token, options);
      } catch (e) {
        if (isStorageError(e) && (e.statusCode === 401 || e.statusCode === 403)) return undefined;
        throw e;
      }
      const hit = listed.items.find((b) => b.name === name);
      if (hit !== undefined) return hit.location;
      if (listed.nextToken === undefined) return undefined;
      token = listed.nextToken;
    }
    return undefined;
  }

  private clientFor(name: string, location: string | undefined): CosClient {
    return new CosClient(bucketAddress(name, location, this.addressing), this.credentials, this.settings);
  }
}

/**
 * Sends a bucket `call` that is retried after a lost answer: an answer of `status` with COS code
 * `code` is what a retry gets when an earlier attempt took effect, so it counts as success when the
 * answer came after an attempt that may have reached COS and acted (a lost answer, not a refusal
 * such as throttling); otherwise it is the error it says.
 * @throws StorageError mapped from COS's answer, `ServiceInternal` (network), `Aborted`
 */
async function sendExpecting(client: CosClient, call: CosCall, status: number, code: string, options: DriverCallOptions): Promise<void> {
  const res = await client.sendBuffered(call, {
    signal: options.signal,
    // The answer comes back here, to tell a retry that lost the race with its own first attempt.
    accept: (s) => (s >= 200 && s < 300) || s === status,
  });
  if (res.status !== status) return;
  const body = await parseErrorBody(res.body);
  if (res.earlierAttemptMayHaveApplied && body?.code === code) return;
  throw cosErrorFromResponse(res, body).withContext({ service: COS_TYPE });
}
