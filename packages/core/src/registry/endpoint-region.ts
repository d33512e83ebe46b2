import { ErrorCode } from "../errors/error-code.js";
import { storageError } from "../errors/storage-error.js";

/** What a driver calls the place a bucket lives in: COS and OSS regions, QingStor zones. */
export type PlaceKind = "region" | "zone";

/**
 * A `location` checked against the region (or zone) an endpoint's host names, `named`: requests go
 * to the endpoint, so a location that disagrees with it would be ignored, or signed for the wrong
 * region. Returns the location, else the endpoint's region (undefined when neither says).
 *
 * @throws StorageError `InvalidArgument` when both are given and differ.
 */
export function agreeingRegion(location: string | undefined, named: string | undefined, host: string | undefined): string | undefined {
  const given = location === "" ? undefined : location;
  if (named !== undefined && given !== undefined && given !== named) {
    throw storageError(
      ErrorCode.InvalidArgument,
      `location "${given}" disagrees with endpoint ${host}, which is in ${named}: requests go to the endpoint (drop location, or use the endpoint of ${given})`,
    );
  }
  return given ?? named;
}

/**
 * The error for a bucket created with a `location` other than the servicer's own, through an
 * endpoint whose host names no region (an IP address, localhost, a custom domain): it creates
 * buckets wherever it serves, which only the servicer's own `location` can state, so another one is
 * refused rather than ignored.
 *
 * @throws nothing: returns the `InvalidArgument` StorageError to throw.
 */
export function unstatedRegionError(location: string | undefined, host: string, kind: PlaceKind): Error {
  return storageError(
    ErrorCode.InvalidArgument,
    `location "${location}" cannot be honoured: endpoint ${host} names no ${kind} and creates buckets in whatever ${kind} it serves (set location on the servicer to say which ${kind} that is)`,
  );
}
