import { ErrorCode, httpClientSettings, storageError, type HttpPairValues, type OpenConfig, type ServiceDefinition } from "@stowage/core";
import { bucketAddress, bucketRegion, servicerRegion, signingRegion, type AddressingConfig } from "./addressing.js";
import { checkOssBucket } from "./bucket-name.js";
import { OssClient } from "./client.js";
import { OSS_DESCRIPTION, OSS_PACKAGE, OSS_TYPE, ossPairs, type OssCredentialProvider } from "./config.js";
import { sharedCredentials, staticCredentials, type CredentialSource } from "./credentials.js";
import { OssServiceDriver } from "./servicer.js";
import { OssStorageDriver } from "./storager.js";
import { sseHeaders } from "./sse.js";

/**
 * Where credentials come from: `credential_provider` (bounded by `credential_timeout`; one cache per
 * provider function, so a servicer and its storagers share it), else `credential` (+ `security_token`).
 * @throws StorageError `PairRequired` when there is neither
 */
export function credentialSource(config: OpenConfig): CredentialSource {
  const provider = config["credentialProvider"] as OssCredentialProvider | undefined;
  if (provider !== undefined) return sharedCredentials(provider, config["credentialTimeout"] as number | undefined);
  if (config.credential === undefined) {
    throw storageError(ErrorCode.PairRequired, 'OSS needs pair "credential" (hmac:<access_key_id>:<access_key_secret> or env) or "credential_provider"');
  }
  return staticCredentials(config.credential, config["securityToken"] as string | undefined);
}

function addressing(config: OpenConfig): AddressingConfig {
  return { endpoint: config.endpoint, forcePathStyle: config["forcePathStyle"] === true };
}

function signatureVersion(config: OpenConfig): "v1" | "v4" {
  return config["signatureVersion"] === "v4" ? "v4" : "v1";
}

/**
 * Builds the storage primitives for bucket `name` from a validated open config.
 * Its location is `location`, else the region an `oss-<region>.aliyuncs.com` endpoint names. A
 * `location` other than the region such an endpoint names is not refused (a servicer's listing names
 * buckets of every region): requests then go to that region's endpoint (see `bucketAddress`), so
 * they reach the region the storager reports and V4 signs for.
 * @throws StorageError `PairRequired` (name, credential, neither location nor endpoint, v4 without a region), `InvalidArgument` (bucket name;
 *   a location that is no region name; KMS defaults without KMS)
 */
export function newOssStorageDriver(config: OpenConfig, defaults: Readonly<Record<string, unknown>> = {}): OssStorageDriver {
  // Defaults that would fail every write: KMS details without KMS.
  sseHeaders(defaults);
  // AppendObject takes no customer master key: appends would be encrypted under OSS's default key.
  const keyIdDefault = defaults["serverSideEncryptionKeyId"] !== undefined;
  const name = config.name;
  if (name === undefined || name === "") throw storageError(ErrorCode.PairRequired, 'OSS needs pair "name" (the bucket)');
  checkOssBucket(name, config.location);
  const location = bucketRegion(config.location, config.endpoint);
  const credentials = credentialSource(config);
  const address = bucketAddress(name, location, addressing(config));
  const signing = { version: signatureVersion(config), region: signingRegion(location, config.endpoint) };
  const client = new OssClient(address, name, credentials, signing, httpClientSettings(config as HttpPairValues));
  return new OssStorageDriver(client, name, location, config["integrity"] !== false, {}, keyIdDefault);
}

/**
 * Builds the bucket primitives; their location is `location`, else the region the endpoint names.
 * @throws StorageError `PairRequired` (credential), `InvalidArgument` (a location other than the region the endpoint names)
 */
export function newOssServiceDriver(config: OpenConfig): OssServiceDriver {
  const location = servicerRegion(config.location, config.endpoint);
  return new OssServiceDriver(credentialSource(config), addressing(config), location, signatureVersion(config), httpClientSettings(config as HttpPairValues));
}

/**
 * The OSS service: `oss://<bucket>/<work_dir>?credential=hmac:<ak>:<sk>&endpoint=https:oss-cn-hangzhou.aliyuncs.com`
 * (or `&location=cn-hangzhou` instead of the endpoint). Importing `@stowage/oss` registers it.
 */
export const ossService: ServiceDefinition = Object.freeze({
  type: OSS_TYPE,
  packageName: OSS_PACKAGE,
  description: OSS_DESCRIPTION,
  pairs: ossPairs,
  storagerRequires: ["name"],
  servicerRequires: [],
  newStorageDriver: newOssStorageDriver,
  newServiceDriver: newOssServiceDriver,
});
