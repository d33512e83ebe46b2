import type { DriverCallOptions, ServiceDriver, ServiceFeatures } from "@stowage/core";
import { bucketAddress, serviceAddress, type AddressingConfig } from "./addressing.js";
import { CosClient, type CosTransportSettings } from "./client.js";
import { COS_TYPE } from "./config.js";
import type { CredentialSource } from "./credentials.js";
import { cosServiceFeatures } from "./features.js";
import { deleteBucket, listBuckets, putBucket } from "./requests.js";
import { parseListBuckets } from "./responses.js";

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
   * Creates bucket `name` (`<bucket>-<appid>`) in `options.location` (or the servicer's).
   * @throws StorageError `Conflict` (BucketAlreadyExists), `InvalidArgument` (bad name), `PairRequired` (no location), ...
   */
  async create(name: string, options: DriverCallOptions & { location?: string }): Promise<void> {
    const client = this.clientFor(name, options.location ?? this.location);
    await client.sendBuffered(putBucket(), { signal: options.signal });
  }

  /** @throws StorageError `ObjectNotExist` (NoSuchBucket), `Conflict` (BucketNotEmpty), ... */
  async delete(name: string, options: DriverCallOptions): Promise<void> {
    await this.clientFor(name, this.location).sendBuffered(deleteBucket(), { signal: options.signal });
  }

  /** One page of GET Service. @throws StorageError `PermissionDenied`, ... */
  async list(token: string | undefined, options: DriverCallOptions): Promise<{ items: { name: string; location?: string }[]; nextToken?: string }> {
    const client = new CosClient(serviceAddress(this.addressing), this.credentials, this.settings);
    const res = await client.sendBuffered(listBuckets(token), { signal: options.signal });
    const page = await parseListBuckets(res.body);
    return page.nextMarker === undefined ? { items: page.items } : { items: page.items, nextToken: page.nextMarker };
  }

  private clientFor(name: string, location: string | undefined): CosClient {
    return new CosClient(bucketAddress(name, location, this.addressing), this.credentials, this.settings);
  }
}
