import type { StorageFeatures } from "../features.js";
import type { StorageOperation } from "../operations.js";
import type { Credential } from "../registry/credential.js";
import type { Endpoint } from "../registry/endpoint.js";

/**
 * How a pair's value is typed, parsed from connection strings and checked at run time.
 * - `string`, `boolean` (`true/false`, `t/f` (go-storage's forms), `1/0`, any case; a bare key means true), `integer` (decimal or 0x hex).
 * - `size`: bytes; strings may carry a unit (`8MiB`, `64M`, `1GiB`, `512k`).
 * - `duration`: milliseconds; strings may carry a unit (`500ms`, `30s`, `5m`, `1h`); at most
 *   2^31 − 1 ms (about 24.8 days: the longest a timer waits; a longer one is `InvalidArgument`).
 * - `bytes`: a Buffer; strings are base64 (padded or not).
 * - `credential`, `endpoint`: parsed into {@link Credential} / {@link Endpoint}.
 * - `string-map`, `function`, `signal`: call-site only; not parseable from strings.
 */
export type PairType =
  | "string"
  | "boolean"
  | "integer"
  | "size"
  | "duration"
  | "bytes"
  | "credential"
  | "endpoint"
  | "string-map"
  | "function"
  | "signal";

/** The TypeScript type of a pair value of type `T`. */
export type PairValue<T extends PairType> = T extends "string"
  ? string
  : T extends "boolean"
    ? boolean
    : T extends "integer" | "size" | "duration"
      ? number
      : T extends "bytes"
        ? Buffer
        : T extends "credential"
          ? Credential
          : T extends "endpoint"
            ? Endpoint
            : T extends "string-map"
              ? Record<string, string>
              : T extends "signal"
                ? AbortSignal
                : (...args: never[]) => unknown;

/** Where a pair is accepted: `new` (opening a storager/servicer) or a storage operation. */
export type PairScope = "new" | StorageOperation;

/** The boolean flags of {@link StorageFeatures}. */
export type FeatureFlag = { [K in keyof StorageFeatures]: StorageFeatures[K] extends boolean ? K : never }[keyof StorageFeatures];

/**
 * One option ("pair"). This single definition drives the TypeScript option
 * types, connection-string parsing, run-time validation and the docs tables.
 */
export interface PairDefinition<T extends PairType = PairType> {
  /** snake_case name, as in connection strings (`storage_class`). The TS key is its camelCase. */
  readonly name: string;
  readonly type: T;
  readonly description: string;
  /** Where it is accepted. A pair accepted at `new` and at operations is a default for those operations. */
  readonly operations: readonly PairScope[];
  /** Gets a `default_<name>` pair, set at open time and applied to every operation that accepts it. */
  readonly defaultable?: boolean;
  /** Operations that fail with `PairRequired` without it. */
  readonly required?: readonly PairScope[];
  /**
   * How messages describe a valid value when one has the wrong type or form, instead of the
   * type's wording (`expires`: "a number of seconds ..." rather than "an integer").
   */
  readonly expected?: string;
  /** Allowed values (strings only). */
  readonly enum?: readonly string[];
  /**
   * Extra check of a value already of the pair's type; returns a problem description or undefined.
   * @throws nothing: it returns the problem, and core throws with it, naming the pair: `InvalidArgument`
   *   (`ConnectionStringInvalid` for a value written in a connection string). Core does not catch what
   *   it throws itself: that escapes `newStorager` as it is, and fails an operation as `Unexpected`.
   */
  validate?(value: PairValue<T>): string | undefined;
  /** Only accepted where this feature flag is true. */
  readonly feature?: FeatureFlag;
  /** Never printed: credentials, keys, tokens. */
  readonly secret?: boolean;
  /**
   * Pairs (camelCase keys) whose open-time defaults do not apply to a call that gives this one
   * with a value other than its own default: a call-site `server_side_encryption=AES256` drops a
   * defaulted KMS key id, which only goes with KMS (a call-site `KMS` keeps it). A value the call
   * gives itself is never dropped.
   */
  readonly replacesDefaults?: readonly string[];
}

/** Declares a pair, keeping its literal types so option types can be derived from it. @throws nothing */
export function definePair<const T extends PairType, const D extends PairDefinition<T>>(definition: D & { type: T }): D {
  return Object.freeze(definition);
}

/** A record of pair definitions keyed by their camelCase names. */
export type PairSet = Readonly<Record<string, PairDefinition>>;

/**
 * The options of scope `S` that the pairs `P` add: `{ storageClass?: string | undefined, ... }`
 * (`undefined` counts as not given).
 */
export type PairOptions<P extends PairSet, S extends PairScope> = {
  -readonly [K in keyof P as S extends P[K]["operations"][number] ? K : never]?: PairValue<P[K]["type"]> | undefined;
};

/**
 * The key of the type-only member of {@link ExtraOptionsOf} that records the pairs its options come
 * from (no value has a property under it at run time). Two drivers' options of the same names
 * (COS's and OSS's `serverSideEncryption`) thus stay different types: a `Storager<OssOptions>` does
 * not pass for a `Storager<CosOptions>`.
 */
export const DRIVER_PAIRS: unique symbol = Symbol("stowage.driverPairs");

/**
 * Per-operation extra options for `Storager<X>`, derived from a driver's pairs:
 * `type MyOptions = ExtraOptionsOf<typeof myPairs>`. The pairs must keep their literal keys: declare
 * them `Object.freeze({ ... }) satisfies PairSet`, never `: PairSet`, which widens the keys to
 * `string`. Of such a widened set no option is known, so this type adds none (every driver option
 * is then a compile error) rather than accepting any name.
 */
export type ExtraOptionsOf<P extends PairSet> = {
  [S in StorageOperation]: string extends keyof P ? Record<never, never> : PairOptions<P, S>;
} & { readonly [DRIVER_PAIRS]?: P };
