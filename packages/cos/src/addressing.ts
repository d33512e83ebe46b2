import { agreeingRegion, checkHostLocation, encodeKeyPath, ErrorCode, explicitPort, storageError, unstatedRegionError, usesPathStyle, type Endpoint } from "@stowage/core";

/** Regions that still use `<bucket>.<region>.myqcloud.com` (no `cos.` label). */
const LEGACY_REGIONS = new Set(["cn-south", "cn-south-2", "cn-north", "cn-east", "cn-southwest", "sg"]);

/** Where a bucket's requests go. */
export interface BucketAddress {
  protocol: "http" | "https";
  /** Host of every object request (the bucket's own host, or the endpoint's in path style). */
  host: string;
  port?: number;
  /** `""` in virtual-host style; `/<bucket>` in path style. */
  pathPrefix: string;
}

/** How a storager or servicer reaches COS. */
export interface AddressingConfig {
  endpoint?: Endpoint | undefined;
  forcePathStyle?: boolean | undefined;
}

/** True when the endpoint is addressed path-style: forced, or an IP address / localhost (no virtual hosts there; core's). */
export { usesPathStyle };

/**
 * The address of bucket `name` (`<bucket>-<appid>`):
 * - no endpoint: `https://<name>.cos.<region>.myqcloud.com` (legacy regions without `cos.`);
 * - an endpoint: `<name>.<endpoint host>` (e.g. endpoint `https:cos.ap-guangzhou.tencentcos.cn`),
 *   or path style `<endpoint>/<name>` for IP/localhost endpoints and `force_path_style`.
 * @throws StorageError `PairRequired` when neither an endpoint nor a location is given; `InvalidArgument` for a
 *   location that is not a DNS name (the open-time pair is checked already; this guards a listing's).
 */
export function bucketAddress(name: string, location: string | undefined, config: AddressingConfig): BucketAddress {
  const endpoint = config.endpoint;
  if (endpoint === undefined) {
    if (location === undefined || location === "") throw storageError(ErrorCode.PairRequired, "COS needs pair \"location\" (the bucket's region, e.g. ap-guangzhou) or an endpoint");
    checkHostLocation(location, "COS region");
    const domain = LEGACY_REGIONS.has(location) ? `${location}.myqcloud.com` : `cos.${location}.myqcloud.com`;
    return { protocol: "https", host: `${name}.${domain}`, pathPrefix: "" };
  }
  const port = explicitPort(endpoint);
  const base = { protocol: endpoint.protocol, ...(port === undefined ? {} : { port }) };
  if (usesPathStyle(config)) return { ...base, host: endpoint.host, pathPrefix: `/${encodeURIComponent(name)}` };
  return { ...base, host: `${name}.${endpoint.host}`, pathPrefix: "" };
}

/** `cos[-internal].<region>.myqcloud.com` or `.tencentcos.cn`: endpoints of one region (not `cos.accelerate...`). */
const REGION_HOST = /^cos(?:-internal)?\.([a-z]+-[a-z0-9-]+)\.(?:myqcloud\.com|tencentcos\.cn)$/;

/**
 * The region an endpoint serves when its host names one: `cos.<region>.myqcloud.com`,
 * `cos.<region>.tencentcos.cn` (also `cos-internal.`), or a legacy `<region>.myqcloud.com`.
 * Undefined for other hosts (IP addresses, localhost, custom domains, global acceleration).
 */
export function endpointRegion(endpoint: Endpoint | undefined): string | undefined {
  if (endpoint === undefined) return undefined;
  const host = endpoint.host.toLowerCase();
  const m = REGION_HOST.exec(host);
  if (m !== null) return m[1];
  const legacy = /^([a-z0-9-]+)\.myqcloud\.com$/.exec(host);
  return legacy !== null && LEGACY_REGIONS.has(legacy[1]!) ? legacy[1] : undefined;
}

/**
 * The region of a bucket opened with `location` through `endpoint`: `location` (a listing's word
 * for where the bucket is, or the caller's), else the region the endpoint names.
 */
export function bucketRegion(location: string | undefined, endpoint: Endpoint | undefined): string | undefined {
  return (location === "" ? undefined : location) ?? endpointRegion(endpoint);
}

/**
 * A servicer's `location` checked against its endpoint, and the region it stands for (see
 * {@link bucketRegion}): buckets are created where the endpoint is.
 * @throws StorageError `InvalidArgument` when `location` disagrees with the region the endpoint names.
 */
export function servicerRegion(location: string | undefined, endpoint: Endpoint | undefined): string | undefined {
  return agreeingRegion(location, endpointRegion(endpoint), endpoint?.host);
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
  if (endpoint === undefined || endpointRegion(endpoint) !== undefined || region === own) return region;
  throw unstatedRegionError(region, endpoint.host, "region");
}

/** Where GET Service (list buckets) goes: `service.cos.myqcloud.com`, or the endpoint itself. */
export function serviceAddress(config: AddressingConfig): BucketAddress {
  const endpoint = config.endpoint;
  if (endpoint === undefined) return { protocol: "https", host: "service.cos.myqcloud.com", pathPrefix: "" };
  const port = explicitPort(endpoint);
  return { protocol: endpoint.protocol, host: endpoint.host, ...(port === undefined ? {} : { port }), pathPrefix: "" };
}

/** The wire path of `key` (or of the bucket, for `undefined`) and the decoded path COS signs. */
export function objectPath(address: BucketAddress, key: string | undefined): { path: string; resource: string } {
  if (key === undefined) return { path: `${address.pathPrefix}/`, resource: "/" };
  return { path: `${address.pathPrefix}/${encodeKeyPath(key)}`, resource: `/${key}` };
}

/** The `x-cos-copy-source` value naming `key` in the bucket at `address`: host[:port][/bucket]/<url-encoded key>. */
export function copySource(address: BucketAddress, key: string): string {
  const host = address.port === undefined ? address.host : `${address.host}:${address.port}`;
  return `${host}${address.pathPrefix}/${encodeKeyPath(key)}`;
}
