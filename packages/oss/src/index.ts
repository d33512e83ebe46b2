// Public surface of @stowage/oss. Importing it registers the "oss" scheme.
import { registerService } from "@stowage/core";
import { ossService } from "./definition.js";

export { ossService, newOssStorageDriver, newOssServiceDriver, credentialSource } from "./definition.js";
export { OSS_TYPE, OSS_PACKAGE, OSS_DESCRIPTION, ossPairs } from "./config.js";
export type { OssOptions, OssCredentials, OssCredentialProvider } from "./config.js";
export { isOssStorager } from "./storager-guard.js";
export { ossFeatures, ossLimits, ossServiceFeatures, V4_PRESIGN_MAXIMUM } from "./features.js";
export { OssStorageDriver } from "./storager.js";
export { COPY_SINGLE_MAXIMUM } from "./copy.js";
export { OSS_RESTORE_RULES } from "./restore.js";
export type { OssDriverTuning } from "./copy.js";
export { OssServiceDriver, OWNED_BUCKET_PAGES } from "./servicer.js";
export type { BucketPage } from "./servicer.js";
export { OssClient } from "./client.js";
export type { OssTransportSettings, OssSigning } from "./client.js";
export { OSS_ERROR_CODES, ossError, isOssClockSkew } from "./errors.js";
export {
  OSS_SUBRESOURCES,
  UNSIGNED_PAYLOAD,
  V4_ALGORITHM,
  isSubresource,
  isoBasic,
  ossV1Authorization,
  ossV1CanonicalResource,
  ossV1PresignQuery,
  ossV1Signature,
  ossV1StringToSign,
  ossV4Authorization,
  ossV4PresignQuery,
  ossV4SigningSteps,
} from "./signer.js";
export type { OssSignInput, OssSignKey, OssV4Context, OssV4Steps } from "./signer.js";
export { bucketAddress, serviceAddress, signingRegion, normalizeRegion, usesPathStyle, DEFAULT_REGION } from "./addressing.js";
export type { BucketAddress, AddressingConfig } from "./addressing.js";
export { providedCredentials, staticCredentials, ENV_NAMES, REFRESH_MARGIN_MS, UNDATED_TTL_MS } from "./credentials.js";
export type { CredentialSource } from "./credentials.js";
export type { OssCall, CallBody } from "./requests.js";
export type { OssErrorBody } from "./responses.js";

registerService(ossService);
