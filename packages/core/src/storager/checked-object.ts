import { ErrorCode } from "../errors/error-code.js";
import { storageError } from "../errors/storage-error.js";
import type { ObjectInfo } from "../object/object-info.js";

/** `obj`, when it is an ObjectInfo with a path. @throws StorageError `InvalidArgument` */
export function checkedObject(obj: ObjectInfo): ObjectInfo {
  if (obj === null || typeof obj !== "object" || typeof obj.path !== "string") {
    throw storageError(ErrorCode.InvalidArgument, "expected an ObjectInfo with a path");
  }
  return obj;
}
