// Public surface of @stowage/core. Re-exports only.
export * from "./errors/error-code.js";
export * from "./errors/storage-error.js";
export * from "./errors/redact.js";
export * from "./object/object-info.js";
export * from "./operations.js";
export * from "./features.js";
export * from "./options.js";
export * from "./storager.js";
export * from "./servicer.js";
export * from "./driver/storage-driver.js";
export * from "./driver/service-driver.js";
export * from "./pairs/pair-definition.js";
export * from "./registry/service-definition.js";
export * from "./registry/credential.js";
export * from "./registry/endpoint.js";
