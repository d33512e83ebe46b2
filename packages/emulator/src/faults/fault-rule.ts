import { storageError } from "@stowage/core";
import { OPERATIONS, PROVIDERS, type OperationName, type Provider } from "../common/operations.js";
import { checkDeleteKeyErrorsRule } from "./delete-key-errors.js";
import { checkError200Rule, ERROR_200_OPERATIONS_BY_PROVIDER } from "./error-200.js";

/** Every fault kind the emulator can inject. */
export const FAULT_KINDS = [
  "status",
  "throttle",
  "reset",
  "delay",
  "bandwidth",
  "truncate",
  "flip-byte",
  "wrong-crc64",
  "error-200",
  "delete-key-errors",
  "clock-skew",
] as const;

/** One of {@link FAULT_KINDS}. */
export type FaultKind = (typeof FAULT_KINDS)[number];

/** What to do to a matching request. */
export type Fault =
  /** Answer with the provider's 500 InternalError or 503 ServiceUnavailable; nothing is performed. */
  | { kind: "status"; status?: 500 | 503 }
  /** Answer with the provider's own throttling error (COS 503 SlowDown, OSS 503 QpsLimitExceeded-like, QingStor 429). */
  | { kind: "throttle" }
  /**
   * Reset the connection (TCP RST): mid-request-body for uploads (nothing is
   * stored), else mid-response-body after `afterBytes` (default half), else
   * instead of the response.
   */
  | { kind: "reset"; afterBytes?: number }
  /** Wait `ms` before handling the request. */
  | { kind: "delay"; ms: number }
  /**
   * Send the response body at most `bytesPerSecond` (one connection on a long link, where the
   * window and the round trip cap what one request moves; several requests in parallel each get it).
   */
  | { kind: "bandwidth"; bytesPerSecond: number }
  /** Send only `afterBytes` (default half) of the response body, then close the connection. */
  | { kind: "truncate"; afterBytes?: number }
  /**
   * Flip one byte: in the response body of a read, or in the stored bytes of
   * an upload (PUT, part, append; ETag and CRC then describe the corrupted bytes).
   * `offset` defaults to the middle.
   */
  | { kind: "flip-byte"; offset?: number }
  /** Return a wrong `x-*-hash-crc64ecma` header (the operation itself is performed). */
  | { kind: "wrong-crc64" }
  /**
   * 200 OK whose body is the provider's error document; nothing is performed. COS: Complete, Copy,
   * UploadPartCopy and DeleteObjects (an `<Error>`); OSS: DeleteObjects (an `<Error>`); QingStor:
   * DeleteObjects (its JSON error document). It never fires on another operation, and a rule
   * whose operations have no such answer on its provider (or the emulator's) is refused. When it
   * fires on a batch delete together with `delete-key-errors`, `error-200` wins.
   */
  | { kind: "error-200"; code?: string }
  /**
   * A batch delete (DeleteObjects) answers 200 with a per-key error for each key of its body that
   * `keys` lists or `keyPattern` (a JavaScript regular expression, no flags, searched in the key)
   * matches, and does not delete those keys; the others are deleted as usual. COS: an
   * `<Error><Key/><Code/><Message/></Error>` in `<DeleteResult>` (default code `AccessDenied`);
   * QingStor: an entry of `errors` (default `permission_denied`). OSS has no per-key error: the
   * fault never fires there, and a rule that could only apply there is refused.
   */
  | { kind: "delete-key-errors"; keys?: string[]; keyPattern?: string; code?: string; message?: string }
  /** Check signatures (and send `Date`) as if the server clock were `seconds` ahead (negative: behind). */
  | { kind: "clock-skew"; seconds: number };

/** Operations some provider has an `error-200` answer for (per provider: `ERROR_200_OPERATIONS_BY_PROVIDER`). */
export const ERROR_200_OPERATIONS: readonly OperationName[] = [...new Set(Object.values(ERROR_200_OPERATIONS_BY_PROVIDER).flat())];

/** Which requests a rule applies to; every given field must match. */
export interface FaultMatch {
  provider?: Provider;
  operation?: OperationName | OperationName[];
  method?: string;
  bucket?: string;
  /** Exact object key. */
  key?: string;
  /** Object key prefix. */
  keyPrefix?: string;
}

/** When a matching rule fires. */
export interface FaultSchedule {
  /** Let this many matching requests through first (default 0). */
  skip?: number;
  /** Fire at most this many times (default: unlimited). */
  count?: number;
  /** Fire with this probability, 0..1, drawn from a PRNG seeded by `seed` (default 1). */
  probability?: number;
  seed?: number;
}

/** A fault rule: the fault, which requests it matches, and when it fires. */
export type FaultRule = Fault & FaultMatch & FaultSchedule & {
  /** Free label, echoed by the admin route. */
  id?: string;
};

function fail(message: string): never {
  throw storageError("InvalidArgument", `invalid fault rule: ${message}`, { service: "emulator" });
}

function optNumber(r: Record<string, unknown>, name: string, min: number, max = Infinity): void {
  const v = r[name];
  if (v === undefined) return;
  if (typeof v !== "number" || !Number.isFinite(v) || v < min || v > max) fail(`${name} must be a number in [${min}, ${max}]`);
}

/**
 * Checks a rule that came from JSON or JS and returns it typed.
 * @throws StorageError `InvalidArgument` naming the bad field
 */
export function validateFaultRule(input: unknown): FaultRule {
  if (typeof input !== "object" || input === null || Array.isArray(input)) fail("a rule must be an object");
  const r = input as Record<string, unknown>;
  if (!FAULT_KINDS.includes(r.kind as FaultKind)) fail(`kind must be one of ${FAULT_KINDS.join(", ")}`);
  if (r.provider !== undefined && !PROVIDERS.includes(r.provider as Provider)) fail("unknown provider");
  const ops = r.operation === undefined ? [] : Array.isArray(r.operation) ? r.operation : [r.operation];
  for (const op of ops) if (!OPERATIONS.includes(op as OperationName)) fail(`unknown operation ${String(op)}`);
  for (const s of ["method", "bucket", "key", "keyPrefix", "id"]) {
    if (r[s] !== undefined && typeof r[s] !== "string") fail(`${s} must be a string`);
  }
  optNumber(r, "skip", 0);
  optNumber(r, "count", 0);
  optNumber(r, "probability", 0, 1);
  optNumber(r, "seed", -(2 ** 31), 2 ** 32);
  optNumber(r, "afterBytes", 0);
  optNumber(r, "offset", 0);
  if (r.kind === "status" && r.status !== undefined && r.status !== 500 && r.status !== 503) fail("status must be 500 or 503");
  if (r.kind === "delay") optNumber({ ms: r.ms ?? -1 }, "ms", 0, 600_000);
  if (r.kind === "bandwidth") optNumber({ bytesPerSecond: r.bytesPerSecond ?? 0 }, "bytesPerSecond", 1024, 2 ** 40);
  if (r.kind === "clock-skew") optNumber({ seconds: r.seconds ?? NaN }, "seconds", -(10 ** 9), 10 ** 9);
  if (r.kind === "error-200" && r.code !== undefined && typeof r.code !== "string") fail("code must be a string");
  if (r.kind === "error-200" && ops.length > 0 && !ops.some((op) => ERROR_200_OPERATIONS.includes(op as OperationName))) {
    fail(`error-200 applies to ${ERROR_200_OPERATIONS.join(", ")} only`);
  }
  if (r.kind === "error-200") checkError200Rule(r, ops, fail);
  if (r.kind === "delete-key-errors") checkDeleteKeyErrorsRule(r, ops, fail);
  return r as unknown as FaultRule;
}
