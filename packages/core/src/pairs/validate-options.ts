import { ErrorCode } from "../errors/error-code.js";
import { isStorageError, storageError } from "../errors/storage-error.js";
import type { StorageFeatures } from "../features.js";
import { snakeCase, type StorageOperation } from "../operations.js";
import type { PairDefinition, PairSet } from "./pair-definition.js";
import { openPartSizeProblem } from "./open-part-size.js";
import { checkPairValue } from "./parse-value.js";
import { closestName } from "./suggest.js";
import { ownEntry } from "../errors/own-entry.js";

/** What {@link validateOptions} needs to know about the storager. */
export interface ValidateOptionsContext {
  /** Service type, named in messages. */
  service: string;
  /** Global and driver pairs, keyed camelCase. */
  pairs: PairSet;
  features: Readonly<StorageFeatures>;
  /** Open-time defaults keyed camelCase (`storageClass` from `default_storage_class`, `partSize`, ...). */
  defaults: Readonly<Record<string, unknown>>;
  /** `enable_loose_pair`: drop unsupported options instead of rejecting them (those that are a pair of some service: see `knownPair`). */
  loose: boolean;
  /**
   * Whether a name this service does not define is a pair of another service (with `loose`, such an
   * option is dropped; a name no service defines, a typo, is still `PairUnsupported`). Without it,
   * loose mode drops only pairs of this service.
   */
  knownPair?: (key: string) => boolean;
}

function lookup(pairs: PairSet, key: string): PairDefinition | undefined {
  return ownEntry(pairs, key);
}

/** An option name as messages quote it: a name that is no identifier (it may be anything a caller put in) is not repeated. */
function shownOptionName(key: string): string {
  return /^[A-Za-z][A-Za-z0-9_]{0,63}$/.test(key) ? `"${key}"` : "(a name that is not an option name)";
}

/**
 * Option names a caller reaches for that are too far from the one meant for {@link closestName}
 * (the result field a listing page hands back, passed in as it is named there), and why.
 */
const MEANT: Readonly<Record<string, { option: string; why: string }>> = {
  nextToken: { option: "token", why: "a page's nextToken goes back in as token" },
  next_token: { option: "token", why: "a page's nextToken goes back in as token" },
  continuationToken: { option: "token", why: "a page's nextToken goes back in as token" },
};

/**
 * `: did you mean "contentType"?` when `key`, a name no pair of this service has, is close to one
 * `op` accepts here (`contentTyp`, `content_type`, `ContentType`), or is one that is often meant
 * for it (`nextToken` for `token`: {@link MEANT}); else nothing. Only a name shaped
 * like an option name is compared (see {@link shownOptionName}): never a pasted value.
 */
function didYouMean(key: string, op: StorageOperation, ctx: ValidateOptionsContext): string {
  if (!shownOptionName(key).startsWith('"')) return "";
  const accepted = Object.entries(ctx.pairs)
    .filter(([, def]) => accepts(def, op, ctx.features))
    .map(([name]) => name);
  const meant = Object.hasOwn(MEANT, key) ? MEANT[key] : undefined;
  if (meant !== undefined && accepted.includes(meant.option)) return `: did you mean "${meant.option}"? (${meant.why})`;
  const close = closestName(key, accepted);
  return close === undefined || close === key ? "" : `: did you mean "${close}"?`;
}

/** True when `def` is accepted by `op` on a storage with `features`. */
function accepts(def: PairDefinition, op: StorageOperation, features: Readonly<StorageFeatures>): boolean {
  return def.operations.includes(op) && (def.feature === undefined || features[def.feature] === true);
}

/**
 * Refuses open-time defaults (`default_<pair>`) whose pair needs a feature the storage lacks, as
 * the same option at a call site is refused: `PairUnsupported`, unless `loose` (they are then
 * never applied). Refuses, loose or not, an open-time `part_size` above the service's largest part
 * (`features.limits.multipartSizeMaximum`), which would fail every write that goes in parts:
 * `InvalidArgument` naming the pair (`newStorager` refuses it before, as `ConnectionStringInvalid`
 * in a connection string; this catches the storagers a servicer opens).
 * @throws PairUnsupported, InvalidArgument
 */
export function checkDefaults(ctx: ValidateOptionsContext): void {
  const partSize = openPartSizeProblem(ctx.defaults, ctx.features.limits, ctx.service);
  if (partSize !== undefined) {
    throw storageError(ErrorCode.InvalidArgument, `invalid value for pair "part_size": ${partSize}`, { op: "new_storager", service: ctx.service });
  }
  if (ctx.loose) return;
  for (const [key, value] of Object.entries(ctx.defaults)) {
    const def = lookup(ctx.pairs, key);
    if (value === undefined || def?.feature === undefined || ctx.features[def.feature] === true) continue;
    throw storageError(ErrorCode.PairUnsupported, `pair "default_${def.name}" is not supported by ${ctx.service} (it lacks the ${def.feature} feature)`, {
      op: "new_storager",
      service: ctx.service,
    });
  }
}

/** Whether two pair values are the same (bytes by content). */
function sameValue(a: unknown, b: unknown): boolean {
  if (a instanceof Uint8Array && b instanceof Uint8Array) return Buffer.compare(a, b) === 0;
  return a === b;
}

/** What {@link validateOptions} does for one operation whatever the caller passes: see {@link planOptions}. */
export interface OptionsPlan {
  /** Open-time defaults `op` accepts, as [key, value]. */
  defaults: ReadonlyArray<readonly [string, unknown]>;
  /** Pairs `op` requires. */
  required: readonly string[];
}

/**
 * The part of {@link validateOptions} that depends only on `op` and the
 * storager (its defaults and required pairs), to compute once per storager and
 * operation instead of on every call.
 *
 * @throws nothing.
 */
export function planOptions(op: StorageOperation, ctx: ValidateOptionsContext): OptionsPlan {
  const defaults: Array<readonly [string, unknown]> = [];
  for (const [key, value] of Object.entries(ctx.defaults)) {
    if (value === undefined) continue;
    const def = lookup(ctx.pairs, key);
    if (def !== undefined && accepts(def, op, ctx.features)) defaults.push([key, value]);
  }
  const required: string[] = [];
  for (const [key, def] of Object.entries(ctx.pairs)) if (def.required?.includes(op)) required.push(key);
  return { defaults, required };
}

/**
 * Validates the options a caller passed to operation `op` and merges the
 * open-time defaults (`plan`, from {@link planOptions} with the same `op` and
 * `ctx`, saves recomputing what does not depend on the call). Returns a new
 * object (the input is never mutated):
 * 1. each own key with a defined value must be a pair that `op` accepts and
 *    whose feature flag is on, else `PairUnsupported` (dropped instead when `loose`, if it
 *    is a pair of this or another registered service: a name no service defines is refused),
 *    naming the accepted option closest to a name this service does not define (`contentTyp`,
 *    `content_type`: did you mean "contentType"?);
 * 2. each value is checked and normalised with {@link checkPairValue};
 * 3. defaults fill keys the op accepts that the caller left undefined (the call site wins),
 *    except those a given pair replaces (`replacesDefaults`: a call-site SSE mode other than the
 *    default drops the defaulted details of the default mode);
 * 4. pairs `required` by `op` must then be present.
 * @throws PairUnsupported, InvalidArgument, PairRequired — with op (snake_case) and service set.
 */
export function validateOptions(
  op: StorageOperation,
  options: object | undefined,
  ctx: ValidateOptionsContext,
  plan: OptionsPlan = planOptions(op, ctx),
): Record<string, unknown> {
  const errorContext = () => ({ op: snakeCase(op), service: ctx.service });
  const out: Record<string, unknown> = {};
  if (options !== undefined && options !== null) {
    if (typeof options !== "object") {
      throw storageError(ErrorCode.InvalidArgument, `options of ${op} must be an object, got ${typeof options}`, errorContext());
    }
    for (const key in options) {
      if (!Object.prototype.hasOwnProperty.call(options, key)) continue;
      const value = (options as Record<string, unknown>)[key];
      if (value === undefined) continue;
      const def = lookup(ctx.pairs, key);
      if (def === undefined || !accepts(def, op, ctx.features)) {
        if (ctx.loose) {
          if (def !== undefined || ctx.knownPair?.(key) === true) continue;
          throw storageError(
            ErrorCode.PairUnsupported,
            `option ${shownOptionName(key)} is a pair of no registered service (enable_loose_pair drops only options some service defines)${didYouMean(key, op, ctx)}`,
            errorContext(),
          );
        }
        const why = def?.feature !== undefined && def.operations.includes(op) ? ` (${ctx.service} lacks the ${def.feature} feature)` : "";
        const guess = def === undefined ? didYouMean(key, op, ctx) : "";
        throw storageError(ErrorCode.PairUnsupported, `option "${key}" is not supported by ${op} on ${ctx.service}${why}${guess}`, errorContext());
      }
      try {
        out[key] = checkPairValue(def, value, `option "${key}"`);
      } catch (e) {
        throw isStorageError(e) ? e.withContext(errorContext()) : e;
      }
    }
  }
  let replaced: Set<string> | undefined;
  for (const key of Object.keys(out)) {
    const drops = lookup(ctx.pairs, key)?.replacesDefaults;
    // The same value as the default changes nothing: the defaults that go with it stay.
    if (drops !== undefined && !sameValue(out[key], ctx.defaults[key])) for (const k of drops) (replaced ??= new Set()).add(k);
  }
  for (const [key, value] of plan.defaults) if (out[key] === undefined && !replaced?.has(key)) out[key] = value;
  for (const key of plan.required) {
    if (out[key] === undefined) throw storageError(ErrorCode.PairRequired, `option "${key}" is required by ${op} on ${ctx.service}`, errorContext());
  }
  return out;
}
