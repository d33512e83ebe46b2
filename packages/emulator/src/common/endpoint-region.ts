import type { Route } from "./operations.js";

/**
 * True when a request for an existing bucket in `bucketRegion` came through the endpoint of another
 * region (the Host names one, see {@link Route.hostRegion}). CreateBucket is never such a request
 * (it creates the bucket where the endpoint is, or finds the name taken), nor is an operation in
 * `exempt`. A Host that names no region (the emulator's IP or `localhost`) stands for the endpoint of
 * every region: its requests are never refused here.
 */
export function wrongRegionEndpoint(route: Route, bucketRegion: string | undefined, exempt: readonly string[] = []): boolean {
  if (route.hostRegion === undefined || bucketRegion === undefined) return false;
  if (route.operation === "CreateBucket" || exempt.includes(route.operation)) return false;
  return route.hostRegion.toLowerCase() !== bucketRegion.toLowerCase();
}
