import { ErrorCode } from "../errors/error-code.js";
import { storageError } from "../errors/storage-error.js";
import { globalPairs } from "../pairs/global-pairs.js";
import type { PairDefinition } from "../pairs/pair-definition.js";
import { checkPairValue } from "../pairs/parse-value.js";

/** The Servicer methods that take options. */
export type ServicerMethod = "create" | "delete" | "get" | "list";

/** The options each Servicer method accepts (camelCase), and the pair each is checked as. */
const ACCEPTED: Readonly<Record<ServicerMethod, Readonly<Record<string, PairDefinition>>>> = {
  create: { location: globalPairs.location, signal: globalPairs.signal },
  delete: { location: globalPairs.location, signal: globalPairs.signal },
  get: { workDir: globalPairs.workDir },
  list: { signal: globalPairs.signal },
};

/** What {@link checkServicerOptions} needs to know about the servicer. */
export interface ServicerOptionsContext {
  /** Service type, named in messages. */
  service: string;
  /** `enable_loose_pair`: drop unsupported options instead of rejecting them. */
  loose: boolean;
  /** Options this service has no use for although the method takes them (its definition's `unusedPairs`, camelCase). */
  unused?: ReadonlySet<string>;
}

/**
 * Checks the options a caller passed to a Servicer method, the way Storager
 * operations check theirs, and returns a new object with the accepted ones:
 * `create` and `delete` take `location` (a non-empty string) and `signal`;
 * `list` takes `signal`; `get` takes `workDir` (a string). Any other own key with
 * a defined value (a typo such as `work_dir`, a Storager option such as
 * `storageClass`), or one the service does not use, is `PairUnsupported`
 * (dropped when loose); a value of the wrong type is `InvalidArgument`.
 * @throws PairUnsupported, InvalidArgument
 */
export function checkServicerOptions(method: ServicerMethod, options: unknown, ctx: ServicerOptionsContext): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (options === undefined || options === null) return out;
  if (typeof options !== "object" || Array.isArray(options)) {
    throw storageError(ErrorCode.InvalidArgument, `options of servicer ${method} must be an object, got ${Array.isArray(options) ? "an array" : typeof options}`);
  }
  const accepted = ACCEPTED[method];
  for (const key of Object.keys(options)) {
    const value = (options as Record<string, unknown>)[key];
    if (value === undefined) continue;
    const def = Object.prototype.hasOwnProperty.call(accepted, key) ? accepted[key] : undefined;
    if (def === undefined || ctx.unused?.has(key) === true) {
      if (ctx.loose) continue;
      const why = def === undefined ? `accepted: ${Object.keys(accepted).join(", ")}` : `${ctx.service} has no use for it`;
      throw storageError(ErrorCode.PairUnsupported, `option ${shownKey(key)} is not supported by servicer ${method} on ${ctx.service} (${why})`);
    }
    const checked = checkPairValue(def, value, `option "${key}"`);
    if (key === "location" && checked === "") throw storageError(ErrorCode.InvalidArgument, `invalid value for option "location": must not be empty`);
    out[key] = checked;
  }
  return out;
}

function shownKey(key: string): string {
  return /^[A-Za-z][A-Za-z0-9_]{0,63}$/.test(key) ? `"${key}"` : "(a name that is not an option name)";
}
