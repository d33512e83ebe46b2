import { isStorageError, type DriverCallOptions, type ServiceDriver, type ServiceFeatures } from "@stowage/core";
import { bucketAddress, createdRegion, DEFAULT_REGION, normalizeRegion, serviceAddress, signingRegion, type AddressingConfig } from "./addressing.js";
import { checkOssBucket } from "./bucket-name.js";
import { OssClient, type OssTransportSettings } from "./client.js";
import { OSS_TYPE } from "./config.js";
import type { CredentialSource } from "./credentials.js";
import { ossErrorFromResponse } from "./errors.js";
import { ossServiceFeatures } from "./features.js";
import { sendListing } from "./listing-answer.js";
import { deleteBucket, listBuckets, putBucket } from "./requests.js";
import { errorDocument, parseListBuckets } from "./responses.js";

/**
 * ListBuckets pages (of 1000) read at most when a create checks whether a bucket is the caller's.
 * The listing asks for the bucket's name as `prefix`, and OSS lists by name, so the first page
 * normally settles it; a bucket not found in these pages is not counted as the caller's.
 */
export const OWNED_BUCKET_PAGES = 10;

/** One page of ListBuckets as the servicer reads it. */
export type BucketPage = { items: { name: string; location?: string }[]; nextToken?: string };

/**
 * OSS bucket primitives: PutBucket, DeleteBucket and ListBuckets (GetService,
 * on the endpoint or `oss-<region>.aliyuncs.com`), paged with markers.
 */
export class OssServiceDriver implements ServiceDriver {
  readonly service = OSS_TYPE;
  readonly features: Readonly<ServiceFeatures> = ossServiceFeatures;

  /** @throws nothing */
  constructor(
    private readonly credentials: CredentialSource,
    private readonly addressing: AddressingConfig,
    private readonly location: string | undefined,
    private readonly signatureVersion: "v1" | "v4" = "v1",
    private readonly settings: OssTransportSettings = {},
  ) {}

  /** Refuses a name or location OSS cannot address (see `checkOssBucket`). @throws StorageError `InvalidArgument` */
  checkBucket(name: string, location: string | undefined): void {
    checkOssBucket(name, location);
  }

  /**
   * Creates bucket `name` in `options.location` (or the servicer's); OSS puts it in the region of the
   * endpoint addressed, so with an endpoint a location other than the one it names (or, when it names
   * none, than the servicer's own) is refused before anything is sent. PutBucket is retried after a
   * lost answer; OSS answers a retry whose first attempt created the bucket 409 `BucketAlreadyExists`,
   * as for anyone's bucket, so after an attempt that may have acted that answer is checked against
   * the caller's own buckets: ListBuckets (GetService, which lists only the requester's buckets) with
   * `name` as `prefix`, paged at most {@link OWNED_BUCKET_PAGES} times, and the create succeeds only
   * when `name` is listed, in the region asked for when that is known. GetBucketInfo would not do: it
   * answers 200 to another account granted `oss:GetBucketInfo` by a bucket policy. A bucket not listed,
   * listed in another region, or a listing refused (401, 403) leaves the `Conflict`; that answer to a
   * first attempt is `Conflict` as well.
   * @throws StorageError `Conflict` (BucketAlreadyExists), `InvalidArgument` (bad name; a location the endpoint does not serve),
   *   `PairRequired` (no location nor endpoint); after a retry answered BucketAlreadyExists, any failure of the listing
   *   other than a refusal (network, throttling, `Aborted`): whether the bucket is the caller's stays unknown; ...
   */
  async create(name: string, options: DriverCallOptions & { location?: string }): Promise<void> {
    const region = createdRegion(options.location ?? this.location, this.location, this.addressing.endpoint);
    const client = this.clientFor(name, region);
    const res = await client.sendBuffered(putBucket(), { signal: options.signal, accept: (s) => (s >= 200 && s < 300) || s === 409 });
    if (res.status !== 409) return;
    const body = await errorDocument(res.body, res.headers);
    if (res.earlierAttemptMayHaveApplied && body?.code === "BucketAlreadyExists" && (await this.owns(name, region, options))) return;
    throw ossErrorFromResponse(res, body).withContext({ service: OSS_TYPE });
  }

  /**
   * Deletes bucket `name` in `options.location` (else the servicer's region), at the host a storager
   * of the bucket there uses (a region endpoint moved into that region) and V4-signed for that region.
   * OSS answers a request for a bucket of another region 403 `AccessDenied` naming the bucket's
   * endpoint (`PermissionDenied`, never a success). DeleteBucket is retried after a lost answer; a
   * retry answered 404 `NoSuchBucket` means the first attempt deleted it, and succeeds. That answer to
   * a first attempt is still `ObjectNotExist`.
   * @throws StorageError `ObjectNotExist` (NoSuchBucket), `Conflict` (BucketNotEmpty), `PermissionDenied` (AccessDenied:
   *   another region's bucket), `PairRequired` (neither location nor endpoint; V4 without a region), ...
   */
  async delete(name: string, options: DriverCallOptions & { location?: string }): Promise<void> {
    const region = normalizeRegion(options.location) ?? this.location;
    const res = await this.clientFor(name, region).sendBuffered(deleteBucket(), { signal: options.signal, accept: (s) => (s >= 200 && s < 300) || s === 404 });
    if (res.status !== 404) return;
    const body = await errorDocument(res.body, res.headers);
    if (res.earlierAttemptMayHaveApplied && body?.code === "NoSuchBucket") return;
    throw ossErrorFromResponse(res, body).withContext({ service: OSS_TYPE });
  }

  /**
   * One page of ListBuckets (up to 1000; the token is the next marker), at the endpoint, else at
   * `oss-<location>.aliyuncs.com` (cn-hangzhou without a location). V4 signs for the servicer's region;
   * through an endpoint that names none (an IP address, a custom domain, an acceleration host) without
   * `location`, no region is known: `PairRequired`, as for `create`.
   * @throws StorageError `PermissionDenied`, `PairRequired` (V4 without a region), `Unexpected` (an answer that is no
   *   bucket listing, see parseListBuckets), ...
   */
  async list(token: string | undefined, options: DriverCallOptions): Promise<BucketPage> {
    return this.listPage(token, undefined, options);
  }

  /**
   * One page of ListBuckets whose names start with `prefix` (all when undefined), after marker `token`.
   * @throws StorageError `PermissionDenied`, ...
   */
  private async listPage(token: string | undefined, prefix: string | undefined, options: DriverCallOptions): Promise<BucketPage> {
    const address = serviceAddress(this.location, this.addressing);
    // Without an endpoint the listing goes to cn-hangzhou's host, so it signs for cn-hangzhou; an endpoint that names no region signs for none.
    const region = signingRegion(this.location, this.addressing.endpoint) ?? (this.addressing.endpoint === undefined ? DEFAULT_REGION : undefined);
    const client = new OssClient(address, undefined, this.credentials, { version: this.signatureVersion, region }, this.settings);
    const page = await sendListing(client, listBuckets(token, prefix), options, parseListBuckets);
    return page.nextMarker === undefined ? { items: page.items } : { items: page.items, nextToken: page.nextMarker };
  }

  /**
   * True when the caller's own buckets (ListBuckets with `name` as prefix, {@link OWNED_BUCKET_PAGES}
   * pages at most) hold `name`, in `region` when that is known and the listing names one; false when
   * they do not, or when OSS refuses the listing (401, 403).
   * @throws StorageError any other failure of the listing (network, throttling, `Aborted`): whether the bucket is the caller's stays unknown.
   */
  private async owns(name: string, region: string | undefined, options: DriverCallOptions): Promise<boolean> {
    let token: string | undefined;
    for (let page = 0; page < OWNED_BUCKET_PAGES; page++) {
      let listed: BucketPage;
      try {
        listed = await this.listPage(token, name, options);
      } catch (e) {
        if (isStorageError(e) && (e.statusCode === 401 || e.statusCode === 403)) return false;
        throw e;
      }
      const hit = listed.items.find((b) => b.name === name);
      if (hit !== undefined) return region === undefined || hit.location === undefined || hit.location.toLowerCase() === region.toLowerCase();
      if (listed.nextToken === undefined) return false;
      token = listed.nextToken;
    }
    return false;
  }

  private signing(location: string | undefined): { version: "v1" | "v4"; region: string | undefined } {
    return { version: this.signatureVersion, region: signingRegion(location, this.addressing.endpoint) };
  }

  private clientFor(name: string, location: string | undefined): OssClient {
    return new OssClient(bucketAddress(name, location, this.addressing), name, this.credentials, this.signing(location), this.settings);
  }
}

