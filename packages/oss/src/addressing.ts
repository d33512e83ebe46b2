import { agreeingRegion, checkHostLocation, encodeKeyPath, ErrorCode, explicitPort, storageError, unstatedRegionError, usesPathStyle, type Endpoint } from "@stowage/core";

/** The region ali-oss defaults to, used for bucket listing when nothing names one. */
export const DEFAULT_REGION = "cn-hangzhou";

/** `oss-<region>[-internal].aliyuncs.com`, the public (or internal) endpoint of a region. */
const REGION_HOST = /^oss-([a-z0-9-]+?)(-internal)?\.aliyuncs\.com$/;

/** Where a bucket's (or the service's) requests go. */
export interface BucketAddress {
  protocol: "http" | "https";
  /** Host of every request (the bucket's own host, or the endpoint's in path style). */
  host: string;
  port?: number;
  /** `""` in virtual-host style; `/<bucket>` in path style. */
  pathPrefix: string;
}

/** How a storager or servicer reaches OSS. */
export interface AddressingConfig {
  endpoint?: Endpoint | undefined;
  forcePathStyle?: boolean | undefined;
}

/**
 * A region id without the `oss-` prefix (`oss-cn-hangzhou` and `cn-hangzhou` both give `cn-hangzhou`);
 * undefined for undefined or `""`.
 * @throws StorageError `InvalidArgument` when `location` is neither a string nor undefined (the message names its kind, never the value).
 */
export function normalizeRegion(location: string | undefined): string | undefined {
  if (location === undefined || location === "") return undefined;
  if (typeof location !== "string") throw storageError(ErrorCode.InvalidArgument, `normalizeRegion: location must be a string or undefined, got ${location === null ? "null" : typeof location}`);
  return location.startsWith("oss-") ? location.slice(4) : location;
}

/**
 * Endpoints of the `oss-<name>.aliyuncs.com` form that name no region: transfer
 * acceleration and the resource-group hosts serve buckets of every region.
 */
const NOT_A_REGION = /^(?:accelerate(?:-overseas)?|rg-.*)$/;

/**
 * The region a V4 signature is scoped to: the `location` pair, else the one
 * an `oss-<region>.aliyuncs.com` endpoint names (not an acceleration or
 * resource-group host: those name none, so `location` is then required).
 * @throws StorageError `InvalidArgument` for a `location` that is no string (a JS caller's)
 */
export function signingRegion(location: string | undefined, endpoint: Endpoint | undefined): string | undefined {
  return normalizeRegion(location) ?? endpointRegion(endpoint);
}

/**
 * The region an `oss-<region>[-internal].aliyuncs.com` endpoint serves; undefined for other hosts
 * (IP addresses, localhost, custom domains) and for acceleration and resource-group hosts.
 */
export function endpointRegion(endpoint: Endpoint | undefined): string | undefined {
  const m = endpoint === undefined ? null : REGION_HOST.exec(endpoint.host.toLowerCase());
  return m && !NOT_A_REGION.test(m[1]!) ? m[1] : undefined;
}

/**
 * Region endpoint host `host` (`oss-<region>[-internal].aliyuncs.com`) moved into region `location`
 * (`oss-cn-hangzhou.aliyuncs.com` and cn-beijing give `oss-cn-beijing.aliyuncs.com`, `-internal`
 * kept). `host` as it is when it names no region (an IP address, localhost, a custom domain, an
 * acceleration or resource-group host: they serve buckets of every region, or only the deployment
 * knows), names `location` already, or `location` is not given.
 * @throws StorageError `InvalidArgument` for a region that is not a DNS name.
 */
export function hostInRegion(host: string, location: string | undefined): string {
  const region = normalizeRegion(location);
  const m = REGION_HOST.exec(host.toLowerCase());
  if (m === null || NOT_A_REGION.test(m[1]!) || region === undefined || region === m[1]) return host;
  checkHostLocation(region, "OSS region");
  return `oss-${region}${m[2] ?? ""}.aliyuncs.com`;
}

/**
 * The region (without `oss-`) of a bucket opened with `location` through `endpoint`: `location` (a
 * listing's word for where the bucket is, or the caller's), else the region the endpoint names.
 */
export function bucketRegion(location: string | undefined, endpoint: Endpoint | undefined): string | undefined {
  return normalizeRegion(location) ?? endpointRegion(endpoint);
}

/**
 * A servicer's `location` checked against its endpoint, and the region (without `oss-`) it stands
 * for (see {@link bucketRegion}): OSS creates buckets in the region of the endpoint addressed.
 * @throws StorageError `InvalidArgument` when `location` disagrees with the region the endpoint names.
 */
export function servicerRegion(location: string | undefined, endpoint: Endpoint | undefined): string | undefined {
  return agreeingRegion(normalizeRegion(location), endpointRegion(endpoint), endpoint?.host);
}

/**
 * The region a bucket created with `location` lands in, on a servicer whose own location is `own`:
 * without an endpoint `location`; with one that names a region, that region (see {@link servicerRegion});
 * with one that names none (an IP address, localhost, a custom domain), wherever that endpoint
 * creates buckets, which only the servicer's own `location` can state: another one is refused
 * rather than ignored.
 * @throws StorageError `InvalidArgument` when `location` disagrees with the endpoint's region.
 */
export function createdRegion(location: string | undefined, own: string | undefined, endpoint: Endpoint | undefined): string | undefined {
  const region = servicerRegion(location, endpoint);
  if (endpoint === undefined || endpointRegion(endpoint) !== undefined || region === normalizeRegion(own)) return region;
  throw unstatedRegionError(region, endpoint.host, "region");
}

/** True when the endpoint is addressed path-style: forced, or an IP address / localhost (no virtual hosts there; core's). */
export { usesPathStyle };

/**
 * The address of bucket `name`:
 * - no endpoint: `https://<name>.oss-<region>.aliyuncs.com` (region from `location`);
 * - an endpoint: `<name>.<endpoint host>` (e.g. endpoint `https:oss-cn-hangzhou.aliyuncs.com`),
 *   or path style `<endpoint>/<name>` for IP/localhost endpoints and `force_path_style`. A region
 *   endpoint of another region than `location` (as a servicer's listing gives) is moved into
 *   `location` (see `hostInRegion`), so the requests reach the region the storager reports.
 * @throws StorageError `PairRequired` when neither an endpoint nor a location is given; `InvalidArgument` for a
 *   location that is not a DNS name (the open-time pair is checked already; this guards a listing's).
 */
export function bucketAddress(name: string, location: string | undefined, config: AddressingConfig): BucketAddress {
  const endpoint = config.endpoint;
  if (endpoint === undefined) {
    const region = normalizeRegion(location);
    if (region === undefined) throw storageError(ErrorCode.PairRequired, 'OSS needs pair "location" (the bucket\'s region, e.g. cn-hangzhou) or an endpoint (e.g. https:oss-cn-hangzhou.aliyuncs.com)');
    checkHostLocation(region, "OSS region");
    return { protocol: "https", host: `${name}.oss-${region}.aliyuncs.com`, pathPrefix: "" };
  }
  const port = explicitPort(endpoint);
  const base = { protocol: endpoint.protocol, ...(port === undefined ? {} : { port }) };
  const host = hostInRegion(endpoint.host, location);
  if (usesPathStyle(config)) return { ...base, host, pathPrefix: `/${encodeURIComponent(name)}` };
  return { ...base, host: `${name}.${host}`, pathPrefix: "" };
}

/**
 * Where ListBuckets goes: the endpoint itself, else `oss-<region>.aliyuncs.com` (cn-hangzhou without a location).
 * @throws StorageError `InvalidArgument` for a location that is not a DNS name.
 */
export function serviceAddress(location: string | undefined, config: AddressingConfig): BucketAddress {
  const endpoint = config.endpoint;
  if (endpoint === undefined) {
    const region = normalizeRegion(location) ?? DEFAULT_REGION;
    checkHostLocation(region, "OSS region");
    return { protocol: "https", host: `oss-${region}.aliyuncs.com`, pathPrefix: "" };
  }
  const port = explicitPort(endpoint);
  return { protocol: endpoint.protocol, host: endpoint.host, ...(port === undefined ? {} : { port }), pathPrefix: "" };
}

/**
 * The wire path of `key` (or of the bucket, for `undefined`) and the resource
 * OSS signs: `/<bucket>/<raw key>`, `/<bucket>/` for the bucket, `/` without one.
 */
export function objectPath(address: BucketAddress, bucket: string | undefined, key: string | undefined): { path: string; resource: string } {
  const resource = bucket === undefined ? "/" : `/${bucket}/${key ?? ""}`;
  return { path: `${address.pathPrefix}/${key === undefined ? "" : encodeKeyPath(key)}`, resource };
}

/** The `x-oss-copy-source` value naming `key` in `bucket`: `/<bucket>/<url-encoded key>` (`/` kept). */
export function copySource(bucket: string, key: string): string {
  return `/${bucket}/${encodeKeyPath(key)}`;
}
