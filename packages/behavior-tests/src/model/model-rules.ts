import type { StorageFeatures } from "@stowage/core";
import type { StorageClassPick } from "./store-model.js";

/**
 * Where storages legitimately differ, as their docs say, in the terms the model of
 * {@link runModelSuite} needs. Everything not named here is one rule for every storage (the
 * public contract); a rule here is a documented per-driver behaviour, never a loosened check.
 */
export interface DriverRules {
  /**
   * `"tree"`: a name is a file or a directory, never both, and a file has no children (memory,
   * fs: `virtualDir` false); creating an object or directory in the way of another is
   * `ObjectModeInvalid`, and `stat`/`delete` of `d` answer for the directory `d/`.
   * `"flat"`: keys are independent strings (`virtualDir` services): `a` and `a/b` coexist, a
   * directory is a `d/` marker or implied by keys below it, and `d` without `/` is just another key
   * (except as a `copy` or `move` source with no object `d`: where `d/` is a directory, that is
   * `ObjectModeInvalid` on every driver, as in a tree).
   */
  namespace: "tree" | "flat";
  /**
   * Directories are real and stay when emptied, and whatever creates an object or directory
   * makes its missing parents (fs: "createDir: mkdir -p; directories are real"). Elsewhere a
   * directory without an entry or marker of its own exists only while something lies below it.
   */
  parentsPersist: boolean;
  /** The mode `stat` reports for an appendable object (fs: "A file's stat says mode: file"). */
  appendStatMode: "append" | "file";
  /** The mode listings report for an appendable object (COS, QingStor: "listings give no object type"). */
  appendListMode: "append" | "file";
  /** `copy` of an appendable source: copies its bytes into a plain file, or is refused with `ObjectModeInvalid` (COS, OSS, QingStor). */
  copyAppendable: "copy" | "refuse";
  /** `move` of an appendable source: the object moves as it is (a rename), or is refused with `ObjectModeInvalid` (COS, OSS: copy + delete). */
  moveAppendable: "keep" | "refuse";
  /** An upload whose path is a directory or below a file is refused at `createMultipart` (memory, fs: trees), or only at `completeMultipart`. */
  multipartSlotCheck: "create" | "complete";
  /**
   * `writeAppend` through a handle whose object is now a plain file: `ObjectModeInvalid`, or
   * (fs: "fs keeps no mark of how a file was made") appended when the handle's offset is the
   * file's length, `Conflict` otherwise.
   */
  appendToPlainFile: "refuse" | "byLength";
  /**
   * `writeAppend` through a handle whose object, at the handle's offset, holds other bytes than the
   * handle saw (replaced or taken over by another handle): absent, the bytes are appended (and
   * `IntegrityMismatch` where features.crc64); `"refuse"`, `ObjectModeInvalid` and nothing appended
   * (fs: "the file still holds the bytes the append object describes"; memory likewise).
   */
  appendOntoOtherBytes?: "refuse";
  /**
   * `writeAppend` through a handle whose object is gone: `ObjectNotExist` (memory, fs), or the
   * services' semantics: "an append at position 0 to an object that is gone makes it again"
   * (any other position is `Conflict`).
   */
  appendToMissing: "notExist" | "recreateAtZero";
  /** The content type `stat` reports for an object written without one (features.contentType only). */
  defaultContentType?: string;
  /**
   * features.storageClass only: the names of the storage's standard and infrequent-access
   * classes (the docs' `storage_class` rows), which writes ask for and `stat` reports back.
   */
  storageClasses?: Readonly<Record<StorageClassPick, string>>;
  /** The storage class `stat` reports for an object written without one (none: undefined). */
  defaultStorageClass?: string;
}

const OCTET_STREAM = "application/octet-stream";

/**
 * memory: a tree like a filesystem, but a directory without its own entry lasts only while keys
 * lie below it. A storage class is any string, "stored and returned as given" (packages/memory/README.md), none by default.
 */
export const MEMORY_RULES: Readonly<DriverRules> = Object.freeze({
  namespace: "tree",
  parentsPersist: false,
  appendStatMode: "append",
  appendListMode: "append",
  copyAppendable: "copy",
  moveAppendable: "keep",
  multipartSlotCheck: "create",
  appendToPlainFile: "refuse",
  appendOntoOtherBytes: "refuse",
  appendToMissing: "notExist",
  storageClasses: { standard: "STANDARD", infrequent: "STANDARD_IA" },
});

/** fs: real directories (packages/fs/README.md, "Directories", "Append", "Multipart"). */
export const FS_RULES: Readonly<DriverRules> = Object.freeze({
  namespace: "tree",
  parentsPersist: true,
  appendStatMode: "file",
  appendListMode: "file",
  copyAppendable: "copy",
  moveAppendable: "keep",
  multipartSlotCheck: "create",
  appendToPlainFile: "byLength",
  appendOntoOtherBytes: "refuse",
  appendToMissing: "notExist",
});

/**
 * COS (docs/services/cos.md: list, copy/move, append rows; `storage_class`: `STANDARD`,
 * `STANDARD_IA`...; stat reports `STANDARD` where HEAD names none, as COS does for standard objects).
 */
export const COS_RULES: Readonly<DriverRules> = Object.freeze({
  namespace: "flat",
  parentsPersist: false,
  appendStatMode: "append",
  appendListMode: "file",
  copyAppendable: "refuse",
  moveAppendable: "refuse",
  multipartSlotCheck: "complete",
  appendToPlainFile: "refuse",
  appendToMissing: "recreateAtZero",
  defaultContentType: OCTET_STREAM,
  storageClasses: { standard: "STANDARD", infrequent: "STANDARD_IA" },
  defaultStorageClass: "STANDARD",
});

/**
 * OSS (docs/services/oss.md: "stat and listings report mode: append", copy/move, append rows;
 * `storage_class`: `Standard`, `IA`...; stat reports "the object's storage class (`Standard` when OSS omits it)").
 */
export const OSS_RULES: Readonly<DriverRules> = Object.freeze({
  ...COS_RULES,
  appendListMode: "append",
  storageClasses: { standard: "Standard", infrequent: "IA" },
  defaultStorageClass: "Standard",
});

/** QingStor (docs/services/qingstor.md: list, copy, move "a native rename", append rows; `storage_class`: `STANDARD` or `STANDARD_IA`). */
export const QINGSTOR_RULES: Readonly<DriverRules> = Object.freeze({ ...COS_RULES, moveAppendable: "keep" });

const BY_SERVICE: Readonly<Record<string, Readonly<DriverRules>>> = {
  memory: MEMORY_RULES,
  fs: FS_RULES,
  cos: COS_RULES,
  oss: OSS_RULES,
  qingstor: QINGSTOR_RULES,
};

/**
 * The documented rules of `service` (a storager's `info.service`), checked against its features:
 * a tree namespace is exactly `virtualDir` false.
 * @throws Error for a service with no rules here (pass them to runModelSuite instead)
 */
export function rulesFor(service: string, features: Readonly<StorageFeatures>): Readonly<DriverRules> {
  const rules = Object.prototype.hasOwnProperty.call(BY_SERVICE, service) ? BY_SERVICE[service] : undefined;
  if (rules === undefined) throw new Error(`no model rules for service ${JSON.stringify(service)}: pass options.rules to runModelSuite`);
  if ((rules.namespace === "flat") !== features.virtualDir) {
    throw new Error(`${service}: the model's ${rules.namespace} namespace disagrees with features.virtualDir ${String(features.virtualDir)}`);
  }
  return rules;
}

/**
 * Refuses a storage the model cannot follow: it lists the work_dir in `prefix` and `dir` mode after
 * every step, so `features.listPrefix` and `features.listDir` must be on.
 * @throws Error naming the flags that are off
 */
export function checkModelListings(service: string, features: Readonly<StorageFeatures>): void {
  const off = (["listPrefix", "listDir"] as const).filter((flag) => !features[flag]);
  if (off.length > 0) {
    throw new Error(`${service}: the model suite lists the work_dir in prefix and dir mode after every step, so it needs features.listPrefix and listDir (off: ${off.join(", ")})`);
  }
}
