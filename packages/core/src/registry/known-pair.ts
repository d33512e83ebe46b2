import { globalPairs } from "../pairs/global-pairs.js";
import { sharedServices } from "./shared-registry.js";

/**
 * Whether `key` (a call-site option name, camelCase) is a pair some service defines: a global
 * pair, or a pair of a driver registered in this process. `enable_loose_pair` drops an option of
 * that kind where an operation does not take it (code written for several services passes
 * another driver's options), and still refuses a name no service defines: a misspelled option
 * such as `ifNotExsts` must not vanish silently.
 *
 * @throws nothing.
 */
export function isPairOfAnyService(key: string): boolean {
  if (Object.prototype.hasOwnProperty.call(globalPairs, key)) return true;
  for (const definition of sharedServices().values()) {
    if (Object.prototype.hasOwnProperty.call(definition.pairs, key)) return true;
  }
  return false;
}
