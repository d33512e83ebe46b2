// Public surface of @stowage/qingstor. Importing it registers the "qingstor" scheme.
import { registerService } from "@stowage/core";
import { qingstorService } from "./definition.js";

export { qingstorService, newQingStorStorageDriver, newQingStorServiceDriver, credentialsOf, BUCKET_NAME } from "./definition.js";
export { QINGSTOR_TYPE, QINGSTOR_PACKAGE, QINGSTOR_DESCRIPTION, QINGSTOR_STORAGE_CLASSES, qingstorPairs } from "./config.js";
export type { QingStorOptions } from "./config.js";
export { isQingStorStorager } from "./storager-guard.js";
export { qingstorFeatures, qingstorLimits, qingstorServiceFeatures } from "./features.js";
export { QingStorStorageDriver } from "./storager.js";
export { COPY_SINGLE_MAXIMUM } from "./copy.js";
export type { QingStorDriverTuning } from "./copy.js";
export { withoutObjectHeaders } from "./object-headers.js";
export type { HeaderlessRequest } from "./object-headers.js";
export { QingStorServiceDriver, BUCKET_PAGE_SIZE, OWNED_BUCKET_PAGES } from "./servicer.js";
export { QingStorClient, expectJson } from "./client.js";
export type { QingStorTransportSettings } from "./client.js";
export { QINGSTOR_ERROR_CODES, qingstorError, isQingStorClockSkew } from "./errors.js";
export { canonicalHeaders, canonicalResource, headerDateLine, qsAuthorization, qsPresignQuery, qsSignature, SIGNED_SUBRESOURCES, stringToSign } from "./signer.js";
export type { QsSignInput } from "./signer.js";
export { bucketAddress, encodeQingStorKey, inZone, isBareHost, QINGSTOR_DOMAIN, requestPath, serviceAddress, sourceHeader, zoneAddress } from "./addressing.js";
export type { BucketAddress, QingStorAddress } from "./addressing.js";
export { detectZone, zoneFromLocation } from "./zone-detection.js";
export { ENV_NAMES, resolveCredentials } from "./credentials.js";
export type { QingStorCredentials } from "./credentials.js";
export { combinedCrc64, completeEtag, crc64Etag, crc64OfEtag, md5HexOfBase64, multipartEtag, plainMd5 } from "./etag.js";
export { decodeLinkTarget, encodeLinkTarget, goQueryEscape, LINK_CONTENT_TYPE, LINK_TARGET_HEADER, MAX_LINK_HOPS } from "./virtual-link.js";
export type { QsCall, CallBody } from "./requests.js";
export type { QsErrorBody } from "./responses.js";

registerService(qingstorService);
