import { isStorageError, type DriverCallOptions, type ServiceDriver, type ServiceFeatures } from "@stowage/core";
import { bucketAddress, createdRegion, DEFAULT_REGION, serviceAddress, signingRegion, type AddressingConfig } from "./addressing.js";
import { OssClient, type OssTransportSettings } from "./client.js";
import { OSS_TYPE } from "./config.js";
import type { CredentialSource } from "./credentials.js";
import { ossErrorFromResponse } from "./errors.js";
import { ossServiceFeatures } from "./features.js";
import { deleteBucket, listBuckets, putBucket, type OssCall } from "./requests.js";
import { errorDocument, parseListBuckets } from "./responses.js";

/** GetBucketInfo (`GET /?bucketInfo`): asks whether the bucket answers to these credentials. */
function getBucketInfo(): OssCall {
  return { operation: "get_bucket_info", method: "GET", query: [["bucketInfo", undefined]], headers: {} };
}

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
   * Creates bucket `name` in `options.location` (or the servicer's); OSS puts it in the region of the
   * endpoint addressed, so with an endpoint a location other than the one it names (or, when it names
   * none, than the servicer's own) is refused before anything is sent. PutBucket is retried after a
   * lost answer; OSS answers a retry whose first attempt created the bucket 409 `BucketAlreadyExists`,
   * as for anyone's bucket, so after an attempt that may have acted that answer is checked with
   * GetBucketInfo signed by the same credentials: a 200 means the bucket is the caller's, and the
   * create succeeds. That answer to a first attempt is still `Conflict`.
   * @throws StorageError `Conflict` (BucketAlreadyExists), `InvalidArgument` (bad name; a location the endpoint does not serve),
   *   `PairRequired` (no location nor endpoint), ...
   */
  async create(name: string, options: DriverCallOptions & { location?: string }): Promise<void> {
    const client = this.clientFor(name, createdRegion(options.location ?? this.location, this.location, this.addressing.endpoint));
    const res = await client.sendBuffered(putBucket(), { signal: options.signal, accept: (s) => (s >= 200 && s < 300) || s === 409 });
    if (res.status !== 409) return;
    const body = await errorDocument(res.body, res.headers);
    if (res.earlierAttemptMayHaveApplied && body?.code === "BucketAlreadyExists" && (await answersTo(client, options))) return;
    throw ossErrorFromResponse(res, body).withContext({ service: OSS_TYPE });
  }

  /**
   * Deletes bucket `name`. DeleteBucket is retried after a lost answer; a retry answered 404
   * `NoSuchBucket` means the first attempt deleted it, and succeeds. That answer to a first attempt
   * is still `ObjectNotExist`.
   * @throws StorageError `ObjectNotExist` (NoSuchBucket), `Conflict` (BucketNotEmpty), ...
   */
  async delete(name: string, options: DriverCallOptions): Promise<void> {
    const res = await this.clientFor(name, this.location).sendBuffered(deleteBucket(), { signal: options.signal, accept: (s) => (s >= 200 && s < 300) || s === 404 });
    if (res.status !== 404) return;
    const body = await errorDocument(res.body, res.headers);
    if (res.earlierAttemptMayHaveApplied && body?.code === "NoSuchBucket") return;
    throw ossErrorFromResponse(res, body).withContext({ service: OSS_TYPE });
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

/**
 * True when the bucket of `client` answers GetBucketInfo signed with the client's credentials (the
 * caller's own bucket, or one it may read); false when OSS refuses it (403) or knows no such bucket (404).
 * @throws StorageError any other failure of the request (network, throttling, `Aborted`): whether the bucket is the caller's stays unknown.
 */
async function answersTo(client: OssClient, options: DriverCallOptions): Promise<boolean> {
  try {
    await client.sendBuffered(getBucketInfo(), { signal: options.signal });
    return true;
  } catch (e) {
    if (isStorageError(e) && (e.statusCode === 403 || e.statusCode === 404)) return false;
    throw e;
  }
}
