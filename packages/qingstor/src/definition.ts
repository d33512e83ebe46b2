import { ErrorCode, httpClientSettings, storageError, type HttpPairValues, type OpenConfig, type ServiceDefinition } from "@stowage/core";
import { bucketAddress, checkZone } from "./addressing.js";
import { QingStorClient } from "./client.js";
import { QINGSTOR_DESCRIPTION, QINGSTOR_PACKAGE, QINGSTOR_TYPE, qingstorPairs } from "./config.js";
import { resolveCredentials, type QingStorCredentials } from "./credentials.js";
import { QingStorServiceDriver } from "./servicer.js";
import { checkCopySourceKeyMd5 } from "./sse.js";
import { QingStorStorageDriver } from "./storager.js";

/** A QingStor bucket name: 6–63 lower-case letters, digits and hyphens, starting and ending with a letter or digit. */
export const BUCKET_NAME = /^[a-z\d][a-z\d-]{4,61}[a-z\d]$/;

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
 * The zone is the `location` pair; without it, it is detected on first use
 * (`HEAD /<bucket>` on the zone-less host, which redirects to the zone; see
 * {@link bucketAddress}). `enable_loose_pair` decides what a multipart upload or an append does
 * with a Cache-Control or Content-Encoding it cannot carry (object-headers.ts).
 * @throws StorageError `PairRequired` (name, credential), `InvalidArgument` (bucket name; a
 *   `copy_source_encryption_customer_key_md5` without `copy_source_encryption_customer_key`, or not its MD5)
 */
export function newQingStorStorageDriver(config: OpenConfig): QingStorStorageDriver {
  const name = config.name;
  if (name === undefined || name === "") throw storageError(ErrorCode.PairRequired, 'QingStor needs pair "name" (the bucket)');
  if (!BUCKET_NAME.test(name)) {
    throw storageError(ErrorCode.InvalidArgument, `QingStor bucket ${JSON.stringify(name)} must be 6 to 63 lower-case letters, digits and hyphens, starting and ending with a letter or digit`);
  }
  // An open-time key MD5 goes with the open-time key (a call's own key drops it): without that key, or not its MD5, it would fail every copy.
  checkCopySourceKeyMd5(config["copySourceEncryptionCustomerKey"] as Buffer | undefined, config["copySourceEncryptionCustomerKeyMd5"]);
  const credentials = credentialsOf(config);
  const { address, detectZone } = bucketAddress(config.location, config.endpoint);
  const client = new QingStorClient(address, name, credentials, httpClientSettings(config as HttpPairValues), detectZone);
  const loose = config["enableLoosePair"] === true;
  return new QingStorStorageDriver(client, name, config.location, config["integrity"] !== false, {}, config["enableVirtualLink"] === true, config["encryptionCustomerKey"] !== undefined, loose);
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
