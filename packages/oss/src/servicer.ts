import type { DriverCallOptions, ServiceDriver, ServiceFeatures } from "@stowage/core";
import { bucketAddress, DEFAULT_REGION, serviceAddress, signingRegion, type AddressingConfig } from "./addressing.js";
import { OssClient, type OssTransportSettings } from "./client.js";
import { OSS_TYPE } from "./config.js";
import type { CredentialSource } from "./credentials.js";
import { ossServiceFeatures } from "./features.js";
import { deleteBucket, listBuckets, putBucket } from "./requests.js";
import { parseListBuckets } from "./responses.js";

/**
 * OSS bucket primitives: PutBucket, DeleteBucket and ListBuckets (GetService,
 * on the endpoint or `oss-<region>.aliyuncs.com`), paged with markers.
 */
export class OssServiceDriver implements ServiceDriver {
  readonly service = OSS_TYPE;
  readonly features: Readonly<ServiceFeatures> = ossServiceFeatures;

  constructor(
    private readonly credentials: CredentialSource,
    private readonly addressing: AddressingConfig,
    private readonly location: string | undefined,
    private readonly signatureVersion: "v1" | "v4" = "v1",
    private readonly settings: OssTransportSettings = {},
  ) {}

  /**
   * Creates bucket `name` in `options.location` (or the servicer's); OSS puts it in the region of the endpoint addressed.
   * @throws StorageError `Conflict` (BucketAlreadyExists), `InvalidArgument` (bad name), `PairRequired` (no location nor endpoint), ...
   */
  async create(name: string, options: DriverCallOptions & { location?: string }): Promise<void> {
    await this.clientFor(name, options.location ?? this.location).sendBuffered(putBucket(), { signal: options.signal });
  }

  /** @throws StorageError `ObjectNotExist` (NoSuchBucket), `Conflict` (BucketNotEmpty), ... */
  async delete(name: string, options: DriverCallOptions): Promise<void> {
    await this.clientFor(name, this.location).sendBuffered(deleteBucket(), { signal: options.signal });
  }

  /** One page of ListBuckets (up to 1000; the token is the next marker). @throws StorageError `PermissionDenied`, ... */
  async list(token: string | undefined, options: DriverCallOptions): Promise<{ items: { name: string; location?: string }[]; nextToken?: string }> {
    const address = serviceAddress(this.location, this.addressing);
    const client = new OssClient(address, undefined, this.credentials, { version: this.signatureVersion, region: signingRegion(this.location, this.addressing.endpoint) ?? DEFAULT_REGION }, this.settings);
    const res = await client.sendBuffered(listBuckets(token), { signal: options.signal });
    const page = await parseListBuckets(res.body);
    return page.nextMarker === undefined ? { items: page.items } : { items: page.items, nextToken: page.nextMarker };
  }

  private signing(location: string | undefined): { version: "v1" | "v4"; region: string | undefined } {
    return { version: this.signatureVersion, region: signingRegion(location, this.addressing.endpoint) };
  }

  private clientFor(name: string, location: string | undefined): OssClient {
    return new OssClient(bucketAddress(name, location, this.addressing), name, this.credentials, this.signing(location), this.settings);
  }
}
