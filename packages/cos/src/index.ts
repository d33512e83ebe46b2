// Public surface of @stowage/cos. Importing it registers the "cos" scheme.
import { registerService } from "@stowage/core";
import { cosService } from "./definition.js";

export { cosService, newCosStorageDriver, newCosServiceDriver, credentialSource } from "./definition.js";
export { COS_TYPE, COS_PACKAGE, COS_DESCRIPTION, cosPairs } from "./config.js";
export type { CosOptions, CosCredentials, CosCredentialProvider } from "./config.js";
export { isCosStorager } from "./storager-guard.js";
export { cosFeatures, cosLimits, cosServiceFeatures } from "./features.js";
export { CosStorageDriver } from "./storager.js";
export { COPY_SINGLE_MAXIMUM, COPY_PART_SIZE, copyPartPlan } from "./copy.js";
export { COS_RESTORE_TIERS } from "./restore.js";
export type { CosDriverTuning } from "./copy.js";
export { CosServiceDriver } from "./servicer.js";
export { CosClient, SIGNATURE_SECONDS } from "./client.js";
export type { CosTransportSettings } from "./client.js";
export { COS_ERROR_CODES, cosError, isCosClockSkew } from "./errors.js";
export { cosAuthorization, cosPresignQuery, cosSigningSteps, isSignedHeader, signWindow } from "./signer.js";
export type { CosSignInput, CosSignKey, CosSignature, CosSigningSteps } from "./signer.js";
export { bucketAddress, serviceAddress, usesPathStyle } from "./addressing.js";
export type { BucketAddress, AddressingConfig } from "./addressing.js";
export { providedCredentials, staticCredentials, ENV_NAMES, REFRESH_MARGIN_MS, UNDATED_TTL_MS } from "./credentials.js";
export type { CredentialSource } from "./credentials.js";
export type { CosCall, CallBody } from "./requests.js";
export type { CosErrorBody } from "./responses.js";

registerService(cosService);
