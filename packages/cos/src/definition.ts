import { ErrorCode, httpClientSettings, storageError, type HttpPairValues, type OpenConfig, type ServiceDefinition } from "@stowage/core";
import { bucketAddress, bucketRegion, servicerRegion, type AddressingConfig } from "./addressing.js";
import { checkCosBucket } from "./bucket-name.js";
import { CosClient } from "./client.js";
import { COS_DESCRIPTION, COS_PACKAGE, COS_TYPE, cosPairs, type CosCredentialProvider } from "./config.js";
import { sharedCredentials, staticCredentials, type CredentialSource } from "./credentials.js";
import { CosServiceDriver } from "./servicer.js";
import { CosStorageDriver } from "./storager.js";
import { sseServerHeaders } from "./sse.js";

/**
 * Where credentials come from: `credential_provider` (bounded by `credential_timeout`; one cache per
 * provider function, so a servicer and its storagers share it), else `credential` (+ `security_token`).
 * @throws StorageError `PairRequired` when there is neither
 */
export function credentialSource(config: OpenConfig): CredentialSource {
  const provider = config["credentialProvider"] as CosCredentialProvider | undefined;
  if (provider !== undefined) return sharedCredentials(provider, config["credentialTimeout"] as number | undefined);
  if (config.credential === undefined) throw storageError(ErrorCode.PairRequired, 'COS needs pair "credential" (hmac:<secret_id>:<secret_key> or env) or "credential_provider"');
  return staticCredentials(config.credential, config["securityToken"] as string | undefined);
}

function addressing(config: OpenConfig): AddressingConfig {
  return { endpoint: config.endpoint, forcePathStyle: config["forcePathStyle"] === true };
}

/**
 * Builds the storage primitives for bucket `name` from a validated open config. Its location is
 * `location`, else the region an endpoint such as `cos.<region>.myqcloud.com` names. A `location`
 * other than the region such an endpoint names is not refused (a servicer's listing names buckets of
 * every region): requests then go to that region's endpoint (see `bucketAddress`), so they reach the
 * region the storager reports.
 * @throws StorageError `PairRequired` (name, credential, location without endpoint), `InvalidArgument` (bucket name:
 *   not 1-63 lower-case letters, digits and hyphens, or, without an endpoint, no `-<appid>`; a location that is no
 *   region name; SSE defaults that contradict each other)
 */
export function newCosStorageDriver(config: OpenConfig, defaults: Readonly<Record<string, unknown>> = {}): CosStorageDriver {
  // Defaults that would fail every write: KMS details without cos/kms, an SSE mode with a customer key.
  sseServerHeaders(defaults);
  const encrypts = config["serverSideEncryptionCustomerKey"] !== undefined || defaults["serverSideEncryption"] !== undefined;
  const name = config.name;
  if (name === undefined || name === "") throw storageError(ErrorCode.PairRequired, 'COS needs pair "name" (the bucket, <name>-<appid>)');
  checkCosBucket(name, config.location, config.endpoint);
  const location = bucketRegion(config.location, config.endpoint);
  const credentials = credentialSource(config);
  const address = bucketAddress(name, location, addressing(config));
  const client = new CosClient(address, credentials, httpClientSettings(config as HttpPairValues));
  return new CosStorageDriver(client, name, location, config["integrity"] !== false, {}, encrypts);
}

/**
 * Builds the bucket primitives; their location is `location`, else the region the endpoint names.
 * @throws StorageError `PairRequired` (credential), `InvalidArgument` (a location other than the region the endpoint names)
 */
export function newCosServiceDriver(config: OpenConfig): CosServiceDriver {
  const location = servicerRegion(config.location, config.endpoint);
  return new CosServiceDriver(credentialSource(config), addressing(config), location, httpClientSettings(config as HttpPairValues));
}

/**
 * The COS service: `cos://<bucket>-<appid>/<work_dir>?credential=hmac:<id>:<key>&location=<region>`.
 * Importing `@stowage/cos` registers it.
 */
export const cosService: ServiceDefinition = Object.freeze({
  type: COS_TYPE,
  packageName: COS_PACKAGE,
  description: COS_DESCRIPTION,
  pairs: cosPairs,
  storagerRequires: ["name"],
  servicerRequires: [],
  newStorageDriver: newCosStorageDriver,
  newServiceDriver: newCosServiceDriver,
});
