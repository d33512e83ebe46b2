import { storageError } from "@stowage/core";
import type { Provider } from "../common/operations.js";
import type { Fault, FaultRule } from "./fault-rule.js";

/**
 * The per-key code a `delete-key-errors` fault answers by default, for each provider whose batch
 * delete answer carries per-key errors: COS `<Error>` entries in `<DeleteResult>`, QingStor an
 * `errors` list. OSS has none (its `<DeleteResult>` has no per-key error element), so the fault
 * never applies there.
 */
export const DELETE_KEY_ERROR_CODES: Readonly<Partial<Record<Provider, string>>> = Object.freeze({ cos: "AccessDenied", qingstor: "permission_denied" });

/** Message of a refused key when the rule gives none. */
const DEFAULT_MESSAGE = "Access denied: the emulator's delete-key-errors fault refused to delete this key.";

/** What a batch delete answers for one key a `delete-key-errors` fault refuses. */
export interface KeyRefusal {
  code: string;
  message: string;
}

/**
 * Checks the fields of a `delete-key-errors` rule (`r.kind` is that kind); `ops` are the rule's
 * operations (empty: any). Calls `fail` with the reason when the rule is malformed or can never apply.
 * @throws whatever `fail` throws (StorageError `InvalidArgument` from validateFaultRule)
 */
export function checkDeleteKeyErrorsRule(r: Record<string, unknown>, ops: readonly unknown[], fail: (message: string) => never): void {
  if (r.keys !== undefined && !(Array.isArray(r.keys) && r.keys.every((k) => typeof k === "string"))) fail("keys must be a list of strings");
  if (r.keyPattern !== undefined) {
    if (typeof r.keyPattern !== "string") fail("keyPattern must be a string");
    try {
      new RegExp(r.keyPattern);
    } catch {
      fail("keyPattern must be a valid regular expression");
    }
  }
  if (r.keys === undefined && r.keyPattern === undefined) fail("delete-key-errors names no key to refuse: give keys or keyPattern");
  for (const s of ["code", "message"]) {
    if (r[s] !== undefined && (typeof r[s] !== "string" || r[s] === "")) fail(`${s} must be a non-empty string`);
  }
  // A batch delete's request has no key of its own: these matchers would never match one.
  if (r.key !== undefined || r.keyPrefix !== undefined) fail("delete-key-errors names the keys it refuses with keys or keyPattern, not key or keyPrefix (a batch delete request has no key)");
  if (ops.length > 0 && !ops.includes("DeleteObjects")) fail("delete-key-errors applies to DeleteObjects only");
  if (r.provider !== undefined && DELETE_KEY_ERROR_CODES[r.provider as Provider] === undefined) {
    fail(`delete-key-errors cannot apply on ${String(r.provider)}: its batch delete answer has no per-key error`);
  }
}

/**
 * Refuses, on an emulator of `provider`, a `delete-key-errors` rule that could match there but can
 * never fire (OSS has no per-key errors). A rule for another provider is left alone, as any rule is.
 * @throws StorageError `InvalidArgument`
 */
export function checkRuleOnProvider(rule: FaultRule, provider: Provider): void {
  if (rule.kind !== "delete-key-errors" || (rule.provider ?? provider) !== provider || DELETE_KEY_ERROR_CODES[provider] !== undefined) return;
  throw storageError("InvalidArgument", `invalid fault rule: delete-key-errors cannot apply on this ${provider} emulator: its batch delete answer has no per-key error`, { service: "emulator" });
}

/**
 * For the faults fired on one batch delete: what to answer for a key, or undefined for a key no
 * `delete-key-errors` fault names (the first fault naming it gives the code, default the provider's).
 */
export function deleteKeyRefusals(faults: readonly Fault[], provider: Provider): (key: string) => KeyRefusal | undefined {
  const rules = faults.flatMap((f) =>
    f.kind === "delete-key-errors"
      ? [{ keys: new Set(f.keys ?? []), pattern: f.keyPattern === undefined ? undefined : new RegExp(f.keyPattern), code: f.code ?? DELETE_KEY_ERROR_CODES[provider] ?? "AccessDenied", message: f.message ?? DEFAULT_MESSAGE }]
      : [],
  );
  return (key) => {
    const rule = rules.find((r) => r.keys.has(key) || (r.pattern?.test(key) ?? false));
    return rule === undefined ? undefined : { code: rule.code, message: rule.message };
  };
}
