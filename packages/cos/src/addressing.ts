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
  /**
   * The bucket's region host a copy source (`x-cos-copy-source`) names instead of `host`:
   * `<bucket>.cos.<region>.myqcloud.com`, set for a global acceleration endpoint
   * (`cos.accelerate.myqcloud.com`) whose bucket's region is known. COS documents the copy source
   * as that region host; the acceleration host names no region.
   */
  copySourceHost?: string;
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
 *   or path style `<endpoint>/<name>` for IP/localhost endpoints and `force_path_style`. An endpoint
 *   that names a region other than `location` (`cos.ap-guangzhou.myqcloud.com` for a bucket in
 *   ap-beijing, as a servicer's listing gives) is moved into `location` (see `hostInRegion`), so
 *   the requests reach the region the storager reports. Through a global acceleration endpoint
 *   (`cos.accelerate.myqcloud.com`, `cos.accelerate.tencentcos.cn`) with `location` known, copy
 *   sources name the region host (`copySourceHost`).
 * @throws StorageError `PairRequired` when neither an endpoint nor a location is given; `InvalidArgument` for a
 *   location that is not a DNS name (the open-time pair is checked already; this guards a listing's).
 */
export function bucketAddress(name: string, location: string | undefined, config: AddressingConfig): BucketAddress {
  const endpoint = config.endpoint;
  if (endpoint === undefined) {
    if (location === undefined || location === "") throw storageError(ErrorCode.PairRequired, "COS needs pair \"location\" (the bucket's region, e.g. ap-guangzhou) or an endpoint");
    return { protocol: "https", host: regionHost(name, location), pathPrefix: "" };
  }
  const port = explicitPort(endpoint);
  const base = { protocol: endpoint.protocol, ...(port === undefined ? {} : { port }) };
  // The acceleration host names no region; a copy source names the bucket by its region host (protocols.md §1.3).
  const accelerated = ACCELERATE_HOST.test(endpoint.host) && location !== undefined && location !== "" ? { copySourceHost: regionHost(name, location) } : {};
  const host = hostInRegion(endpoint.host, location);
  if (usesPathStyle(config)) return { ...base, host, pathPrefix: `/${encodeURIComponent(name)}`, ...accelerated };
  return { ...base, host: `${name}.${host}`, pathPrefix: "", ...accelerated };
}

/** COS's global acceleration endpoints (`cos.accelerate.myqcloud.com`, and on the backup domain). */
const ACCELERATE_HOST = /^cos\.accelerate\.(?:myqcloud\.com|tencentcos\.cn)$/i;

/**
 * `<name>.cos.<region>.myqcloud.com` (`<name>.<region>.myqcloud.com` in the legacy regions).
 * @throws StorageError `InvalidArgument` for a region that is not a DNS name.
 */
function regionHost(name: string, location: string): string {
  checkHostLocation(location, "COS region");
  return LEGACY_REGIONS.has(location) ? `${name}.${location}.myqcloud.com` : `${name}.cos.${location}.myqcloud.com`;
}

/** `cos[-internal].<region>.myqcloud.com` or `.tencentcos.cn`: endpoints of one region (not `cos.accelerate...`). */
const REGION_HOST = /^(cos(?:-internal)?)\.([a-z]+-[a-z0-9-]+)\.(myqcloud\.com|tencentcos\.cn)$/;
/** A legacy region endpoint, `<region>.myqcloud.com` (a region of {@link LEGACY_REGIONS}). */
const LEGACY_HOST = /^([a-z0-9-]+)\.myqcloud\.com$/;

/** The region a host names (see {@link endpointRegion}), or undefined. */
function hostRegion(host: string): string | undefined {
  const lower = host.toLowerCase();
  const m = REGION_HOST.exec(lower);
  if (m !== null) return m[2];
  const legacy = LEGACY_HOST.exec(lower);
  return legacy !== null && LEGACY_REGIONS.has(legacy[1]!) ? legacy[1] : undefined;
}

/**
 * The region an endpoint serves when its host names one: `cos.<region>.myqcloud.com`,
 * `cos.<region>.tencentcos.cn` (also `cos-internal.`), or a legacy `<region>.myqcloud.com`.
 * Undefined for other hosts (IP addresses, localhost, custom domains, global acceleration).
 */
export function endpointRegion(endpoint: Endpoint | undefined): string | undefined {
  return endpoint === undefined ? undefined : hostRegion(endpoint.host);
}

/**
 * Region endpoint host `host` moved into `region`: the same label (`cos`, `cos-internal`) and domain
 * (`myqcloud.com`, `tencentcos.cn`) with `region` in it (`cos.ap-guangzhou.myqcloud.com` and
 * ap-beijing give `cos.ap-beijing.myqcloud.com`; a legacy region of `myqcloud.com` gives
 * `<region>.myqcloud.com`, a legacy host another region's `cos.<region>.myqcloud.com`). `host` as it
 * is when it names no region (an IP address, localhost, a custom domain, global acceleration: they
 * serve buckets of every region, or only the deployment knows), names `region` already, or `region`
 * is not given.
 * @throws StorageError `InvalidArgument` for a region that is not a DNS name.
 */
export function hostInRegion(host: string, region: string | undefined): string {
  const named = hostRegion(host);
  if (named === undefined || region === undefined || region === "" || region === named) return host;
  checkHostLocation(region, "COS region");
  const m = REGION_HOST.exec(host.toLowerCase());
  const [label, domain] = m === null ? ["cos", "myqcloud.com"] : [m[1]!, m[3]!];
  if (label === "cos" && domain === "myqcloud.com" && LEGACY_REGIONS.has(region)) return `${region}.myqcloud.com`;
  return `${label}.${region}.${domain}`;
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

/** Where GET Service (list buckets) goes: `service.cos.myqcloud.com`, or the endpoint itself. @throws nothing */
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

/**
 * The `x-cos-copy-source` value naming `key` in the bucket at `address`: `<copySourceHost>/<url-encoded key>`
 * through a global acceleration endpoint whose bucket's region is known (the region host COS
 * documents), else the host requests go to, `host[:port][/bucket]/<url-encoded key>` (a private
 * deployment, the emulator or a custom domain has no other name for the bucket).
 */
export function copySource(address: BucketAddress, key: string): string {
  if (address.copySourceHost !== undefined) return `${address.copySourceHost}/${encodeKeyPath(key)}`;
  const host = address.port === undefined ? address.host : `${address.host}:${address.port}`;
  return `${host}${address.pathPrefix}/${encodeKeyPath(key)}`;
}
