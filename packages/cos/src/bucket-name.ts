import { checkHostLocation, ErrorCode, storageError, type Endpoint } from "@stowage/core";

/** A COS bucket name: `<name>-<appid>`, lower-case letters, digits and hyphens. */
const BUCKET = /^[a-z0-9][a-z0-9-]*-\d+$/;
/**
 * What any COS bucket name must be, with or without an endpoint (whose private deployments and
 * emulators may drop the appid): one DNS label, 1 to 63 lower-case letters, digits and hyphens,
 * starting and ending with a letter or digit. It goes into the host name (or the path) of requests.
 */
const BUCKET_CHARACTERS = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** A bucket name for a message: quoted, cut after 70 characters. */
function shownName(name: string): string {
  return JSON.stringify(name.length > 70 ? `${name.slice(0, 67)}...` : name);
}

/**
 * Refuses a bucket COS cannot address: a name that is not 1-63 lower-case letters, digits and hyphens
 * (starting and ending with a letter or digit), without an endpoint one without `-<appid>`, and a
 * `location` that is not a region name (it goes into host names). The one check of storagers
 * (`newStorager`, `Servicer.get` and `create`) and of `Servicer.delete` and `list`.
 * @throws StorageError `InvalidArgument`
 */
export function checkCosBucket(name: string, location: string | undefined, endpoint: Endpoint | undefined): void {
  if (!BUCKET_CHARACTERS.test(name)) {
    throw storageError(
      ErrorCode.InvalidArgument,
      `COS bucket ${shownName(name)} must be 1 to 63 lower-case letters, digits and hyphens, starting and ending with a letter or digit (<name>-<appid>, e.g. examplebucket-1250000000)`,
    );
  }
  if (endpoint === undefined && !BUCKET.test(name)) {
    throw storageError(ErrorCode.InvalidArgument, `COS bucket ${JSON.stringify(name)} must be <name>-<appid> (lower-case letters, digits and hyphens, e.g. examplebucket-1250000000)`);
  }
  checkHostLocation(location, "COS region");
}
