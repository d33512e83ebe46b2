import { ErrorCode, httpClientSettings, storageError, type HttpPairValues, type OpenConfig, type ServiceDefinition } from "@stowage/core";
import { bucketAddress, checkZone } from "./addressing.js";
import { checkQingStorBucket } from "./bucket-name.js";
import { QingStorClient } from "./client.js";
import { QINGSTOR_DESCRIPTION, QINGSTOR_PACKAGE, QINGSTOR_TYPE, qingstorPairs } from "./config.js";
import { resolveCredentials, type QingStorCredentials } from "./credentials.js";
import { QingStorServiceDriver } from "./servicer.js";
import { checkCopySourceKeyMd5 } from "./sse.js";
import { QingStorStorageDriver } from "./storager.js";

export { BUCKET_NAME } from "./bucket-name.js";

/**
 * The key pair of the `credential` pair.
 * @throws StorageError `PairRequired` when there is none, `InvalidArgument` for a token
 */
export function credentialsOf(config: OpenConfig): QingStorCredentials {
  if (config.credential === undefined) throw storageError(ErrorCode.PairRequired, 'QingStor needs pair "credential" (hmac:<access_key_id>:<secret_access_key> or env)');
  return resolveCredentials(config.credential);
}

/**
 * Builds the storage primitives for bucket `name` from a validated open config.
 * The zone is the `location` pair (a location of another zone than a `<zone>.qingstor.com`
 * endpoint's, as a servicer's listing gives, moves such an endpoint into that zone: see
 * `zoneAddress`); without it, it is detected on first use, through such an endpoint too
 * (`HEAD /<bucket>` on the zone-less host, which redirects to the zone; see
 * {@link bucketAddress}). `enable_loose_pair` decides what a multipart upload or an append does
 * with a Cache-Control or Content-Encoding it cannot carry (object-headers.ts).
 * @throws StorageError `PairRequired` (name, credential), `InvalidArgument` (bucket name; a location that is no zone name; a
 *   `copy_source_encryption_customer_key_md5` without `copy_source_encryption_customer_key`, or not its MD5)
 */
export function newQingStorStorageDriver(config: OpenConfig): QingStorStorageDriver {
  const name = config.name;
  if (name === undefined || name === "") throw storageError(ErrorCode.PairRequired, 'QingStor needs pair "name" (the bucket)');
  checkQingStorBucket(name, config.location);
  // An open-time key MD5 goes with the open-time key (a call's own key drops it): without that key, or not its MD5, it would fail every copy.
  checkCopySourceKeyMd5(config["copySourceEncryptionCustomerKey"] as Buffer | undefined, config["copySourceEncryptionCustomerKeyMd5"]);
  const credentials = credentialsOf(config);
  // Without a location the zone is detected, a <zone>.qingstor.com endpoint's too: QingStor
  // redirects a bucket of another zone, which such an endpoint does not pin.
  const location = config.location;
  const { address, detectZone } = bucketAddress(location, config.endpoint);
  const client = new QingStorClient(address, name, credentials, httpClientSettings(config as HttpPairValues), detectZone);
  const loose = config["enableLoosePair"] === true;
  return new QingStorStorageDriver(client, name, location, config["integrity"] !== false, {}, config["enableVirtualLink"] === true, config["encryptionCustomerKey"] !== undefined, loose);
}

/**
 * Builds the bucket primitives.
 * @throws StorageError `PairRequired` (credential), `InvalidArgument` (a location other than the zone a
 *   `<zone>.qingstor.com` endpoint names)
 */
export function newQingStorServiceDriver(config: OpenConfig): QingStorServiceDriver {
  checkZone(config.location, config.endpoint);
  return new QingStorServiceDriver(credentialsOf(config), config.endpoint, config.location, httpClientSettings(config as HttpPairValues));
}

/**
 * The QingStor service: `qingstor://<bucket>/<work_dir>?credential=hmac:<ak>:<sk>[&location=<zone>]`
 * (add `endpoint=https:<host>` for another domain or the emulator; without a location the
 * bucket's zone is detected). Importing `@stowage/qingstor` registers it.
 */
export const qingstorService: ServiceDefinition = Object.freeze({
  type: QINGSTOR_TYPE,
  packageName: QINGSTOR_PACKAGE,
  description: QINGSTOR_DESCRIPTION,
  pairs: qingstorPairs,
  storagerRequires: ["name"],
  servicerRequires: [],
  newStorageDriver: newQingStorStorageDriver,
  newServiceDriver: newQingStorServiceDriver,
});
