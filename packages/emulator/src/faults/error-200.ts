import { storageError } from "@stowage/core";
import type { OperationName, Provider } from "../common/operations.js";
import type { FaultRule } from "./fault-rule.js";

/**
 * The operations each provider has an `error-200` answer for (a 200 whose body is its error
 * document): COS Complete, Copy, UploadPartCopy and DeleteObjects; OSS and QingStor DeleteObjects
 * only. Each front-end's `error200Operations` is this list; on another operation the fault never fires.
 */
export const ERROR_200_OPERATIONS_BY_PROVIDER: Readonly<Record<Provider, readonly OperationName[]>> = Object.freeze({
  cos: Object.freeze(["CompleteMultipartUpload", "CopyObject", "UploadPartCopy", "DeleteObjects"] as const),
  oss: Object.freeze(["DeleteObjects"] as const),
  qingstor: Object.freeze(["DeleteObjects"] as const),
});

/** The operations of an `error-200` rule that `provider` has such an answer for (no operation given: all of them). */
function firingOperations(ops: readonly unknown[], provider: Provider): OperationName[] {
  const known = ERROR_200_OPERATIONS_BY_PROVIDER[provider];
  return ops.length === 0 ? [...known] : known.filter((op) => ops.includes(op));
}

/**
 * Checks an `error-200` rule that names its provider (`r.kind` is `error-200`; `ops` its
 * operations, empty: any): `fail` when none of them has such an answer on that provider.
 * @throws whatever `fail` throws (StorageError `InvalidArgument` from validateFaultRule)
 */
export function checkError200Rule(r: Record<string, unknown>, ops: readonly unknown[], fail: (message: string) => never): void {
  const provider = r.provider as Provider | undefined;
  if (provider === undefined || ERROR_200_OPERATIONS_BY_PROVIDER[provider] === undefined) return;
  if (firingOperations(ops, provider).length === 0) fail(`error-200 cannot apply on ${provider} to ${ops.map(String).join(", ")}: it applies to ${ERROR_200_OPERATIONS_BY_PROVIDER[provider].join(", ")} only`);
}

/**
 * Refuses, on an emulator of `provider`, an `error-200` rule that could match there but can never
 * fire: none of its operations has such an answer on that provider (OSS `CopyObject`...). A rule
 * for another provider is left alone, as any rule is.
 * @throws StorageError `InvalidArgument`
 */
export function checkError200OnProvider(rule: FaultRule, provider: Provider): void {
  if (rule.kind !== "error-200" || (rule.provider ?? provider) !== provider) return;
  const ops = rule.operation === undefined ? [] : Array.isArray(rule.operation) ? rule.operation : [rule.operation];
  if (firingOperations(ops, provider).length > 0) return;
  throw storageError(
    "InvalidArgument",
    `invalid fault rule: error-200 cannot apply on this ${provider} emulator to ${ops.join(", ")}: it applies to ${ERROR_200_OPERATIONS_BY_PROVIDER[provider].join(", ")} only`,
    { service: "emulator" },
  );
}
