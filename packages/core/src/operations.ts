/** Names of the Storager operations, camelCase as on the interface. */
export const STORAGE_OPERATIONS = [
  "stat",
  "read",
  "write",
  "delete",
  "list",
  "copy",
  "move",
  "fetch",
  "createDir",
  "createLink",
  "presign",
  "createAppend",
  "writeAppend",
  "commitAppend",
  "createMultipart",
  "writeMultipart",
  "completeMultipart",
  "listMultipart",
  "restore",
] as const;

/** One Storager operation name. */
export type StorageOperation = (typeof STORAGE_OPERATIONS)[number];

/** Names of the Servicer operations. */
export const SERVICE_OPERATIONS = ["create", "delete", "get", "list"] as const;

/** `completeMultipart` → `complete_multipart`: the op names used in errors. @throws nothing */
export function snakeCase(name: string): string {
  return name.replace(/[A-Z]/g, (c) => "_" + c.toLowerCase());
}

/** `storage_class` → `storageClass`. @throws nothing */
export function camelCase(name: string): string {
  return name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}
