import type { DriverCallOptions, ServiceDriver, ServiceFeatures } from "@stowage/core";
import { bucketAddress, createdRegion, serviceAddress, type AddressingConfig } from "./addressing.js";
import { CosClient, type CosTransportSettings } from "./client.js";
import { COS_TYPE } from "./config.js";
import type { CredentialSource } from "./credentials.js";
import { cosServiceFeatures } from "./features.js";
import { cosErrorFromResponse } from "./errors.js";
import { sendListing } from "./listing-answer.js";
import { deleteBucket, listBuckets, putBucket, type CosCall } from "./requests.js";
import { parseErrorBody, parseListBuckets } from "./responses.js";

/**
 * COS bucket primitives: PUT Bucket, DELETE Bucket and GET Service
 * (`service.cos.myqcloud.com`, or the endpoint's root).
 */
export class CosServiceDriver implements ServiceDriver {
  readonly service = COS_TYPE;
  readonly features: Readonly<ServiceFeatures> = cosServiceFeatures;

  constructor(
    private readonly credentials: CredentialSource,
    private readonly addressing: AddressingConfig,
    private readonly location: string | undefined,
    private readonly settings: CosTransportSettings = {},
  ) {}

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
   * Deletes bucket `name`. DELETE Bucket is retried after a lost answer; a retry answered 404
   * `NoSuchBucket` means the first attempt deleted it, and succeeds. That answer to a first attempt
   * is still `ObjectNotExist`.
   * @throws StorageError `ObjectNotExist` (NoSuchBucket), `Conflict` (BucketNotEmpty), ...
   */
  async delete(name: string, options: DriverCallOptions): Promise<void> {
    await sendExpecting(this.clientFor(name, this.location), deleteBucket(), 404, "NoSuchBucket", options);
  }

  /** One page of GET Service. @throws StorageError `PermissionDenied`, `Unexpected` (an answer that is no bucket listing, see parseListBuckets), ... */
  async list(token: string | undefined, options: DriverCallOptions): Promise<{ items: { name: string; location?: string }[]; nextToken?: string }> {
    const client = new CosClient(serviceAddress(this.addressing), this.credentials, this.settings);
    const page = await sendListing(client, listBuckets(token), options, parseListBuckets);
    return page.nextMarker === undefined ? { items: page.items } : { items: page.items, nextToken: page.nextMarker };
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
