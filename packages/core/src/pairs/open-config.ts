import { isDeepStrictEqual } from "node:util";
import { ErrorCode } from "../errors/error-code.js";
import { userInfoSpan } from "../errors/secret-names.js";
import { isStorageError, storageError, type StorageError } from "../errors/storage-error.js";
import { camelCase, STORAGE_OPERATIONS } from "../operations.js";
import { normalizeWorkDir } from "../path/paths.js";
import { parseConnectionString } from "../registry/connection-string.js";
import type { OpenConfig, ServiceDefinition } from "../registry/service-definition.js";
import { globalPairs } from "./global-pairs.js";
import type { PairDefinition, PairSet } from "./pair-definition.js";
import { checkPairValue, parsePairValue } from "./parse-value.js";
import { closestName } from "./suggest.js";

/** An opened service's configuration, as core keeps it. */
export interface ResolvedOpenConfig {
  /** Every open-time pair given (camelCase keys, typed values); `workDir` normalised. */
  config: OpenConfig;
  /** Global pairs merged with the driver's pairs (keyed camelCase). */
  pairs: PairSet;
  /** Operation defaults: `default_<x>` values under `x`, and open-time values of pairs also accepted by operations. */
  defaults: Record<string, unknown>;
  /** `enable_loose_pair` was set. */
  loose: boolean;
}

/** One open-time name a caller may use. */
interface OpenEntry {
  key: string;
  def: PairDefinition;
  /** A `default_<x>` pair: it sets an operation default, not a `new` pair. */
  isDefault: boolean;
}

/** Global pairs plus the driver's pairs (global ones win; the registry rejects clashes). @throws nothing */
export function mergePairs(definition: ServiceDefinition): PairSet {
  return Object.freeze({ ...definition.pairs, ...globalPairs });
}

/** A `new`-scope pair that operations also accept: its open-time value is an operation default. */
function isTuning(def: PairDefinition): boolean {
  return def.operations.some((s) => s !== "new" && (STORAGE_OPERATIONS as readonly string[]).includes(s));
}

function openEntries(pairs: PairSet, byName: boolean): Map<string, OpenEntry> {
  const entries = new Map<string, OpenEntry>();
  for (const [key, def] of Object.entries(pairs)) {
    if (def.operations.includes("new")) entries.set(byName ? def.name : key, { key, def, isDefault: false });
    if (def.defaultable) {
      const name = byName ? `default_${def.name}` : `default${key.charAt(0).toUpperCase()}${key.slice(1)}`;
      if (!entries.has(name)) entries.set(name, { key, def, isDefault: true });
    }
  }
  return entries;
}

/** A name that is safe and useful to show (not, say, a pasted secret). */
function shown(name: string): string {
  return /^[A-Za-z][A-Za-z0-9_]{0,63}$/.test(name) ? `"${name}"` : "(a name that is not a pair name)";
}

/**
 * Resolves what a caller gave to open a storager or servicer — a connection
 * string or an options object — into a typed {@link OpenConfig}, the merged
 * pair set, the operation defaults and the loose flag.
 * - String: name and work_dir come from the path part; each query key must be a `new`
 *   pair (global or driver) or `default_<x>` for a defaultable pair `x`; values are parsed
 *   by type; a key given twice (the path's name/work_dir and the query's count) must carry
 *   the same value each time (see `parseConnectionString`).
 * - Object: camelCase keys (`workDir`, `defaultStorageClass`, ...), `type` ignored,
 *   values checked with `checkPairValue`.
 * Then the definition's `storagerRequires`/`servicerRequires` must be present, a name in the
 * path part of a service without names (its `unusedPairs` has `name`: `fs://tmp/data`) is refused,
 * the `unusedPairs` given are refused, even with a bad value (dropped when loose), and `workDir` is normalised (default `/`).
 * The `accepted:` list of an unknown key (and its did-you-mean) leaves out the `default_<pair>` pairs
 * whose feature the definition's `features` lacks (they are refused later, as `PairUnsupported`).
 * An unknown key right after a secret pair is not shown (it may be the secret's tail). Errors carry op `new_storager`/`new_servicer`
 * and the service type; messages never show secret values.
 * A servicer takes no name and no work_dir other than `/` (its calls name the bucket): they are refused
 * with `PairUnsupported`, or dropped when loose.
 * @throws ConnectionStringInvalid (string input: bad syntax, unknown pair, bad value, a pair
 *   given twice with different values, a name where the service has none, a name holding `@`, a name holding `:` with an `@` after it anywhere in the string, even past a `?`), PairUnsupported (object input: unknown key; a pair the service
 *   does not use; a servicer's name or work_dir), InvalidArgument (object input: bad value, a name holding `@`),
 *   PairRequired (a required pair is missing).
 */
export function resolveOpenConfig(
  definition: ServiceDefinition,
  input: string | ({ type: string } & Record<string, unknown>),
  kind: "storager" | "servicer",
): ResolvedOpenConfig {
  const context = { op: `new_${kind}`, service: definition.type };
  try {
    return resolve(definition, input, kind);
  } catch (e) {
    throw isStorageError(e) ? e.withContext(context) : e;
  }
}

function resolve(definition: ServiceDefinition, input: string | Record<string, unknown>, kind: string): ResolvedOpenConfig {
  const pairs = mergePairs(definition);
  const fromString = typeof input === "string";
  const entries = openEntries(pairs, fromString);
  const unused = new Set(definition.unusedPairs ?? []);
  // What can be given here: not the pairs this service refuses, nor, in a string, a function, nor a
  // default_<pair> whose feature the service (as its definition says) lacks.
  const lacks = (e: OpenEntry): boolean => e.isDefault && e.def.feature !== undefined && definition.features !== undefined && definition.features[e.def.feature] !== true;
  const usable = [...entries].filter(([, e]) => !unused.has(e.def.name) && !(fromString && e.def.type === "function") && !lacks(e)).map(([k]) => k);
  const accepted = usable.sort().join(", ");
  const config: Record<string, unknown> = {};
  const defaults: Record<string, unknown> = {};
  const given = new Set<string>();
  /** A name written in the path part of a service that has no names (`fs://tmp/data`). */
  let pathName: { name: string; workDir: string } | undefined;
  /** The name and work_dir of a connection string's path part (decoded), where user information would be. */
  let pathPart: { name?: string | undefined; workDir?: string | undefined } | undefined;

  /** Pairs this service does not use whose value is also bad: refused as unused (PairUnsupported), or dropped when loose. */
  const badUnused = new Set<string>();
  const isUnused = (entry: OpenEntry): boolean => !entry.isDefault && unused.has(entry.def.name);

  const set = (name: string, entry: OpenEntry, value: unknown): void => {
    // A repeat carries the same value: parseConnectionString refuses different ones.
    if (given.has(name)) return;
    given.add(name);
    if (entry.isDefault) {
      defaults[entry.key] = value;
      config[name.startsWith("default_") ? camelCase(name) : name] = value;
    } else {
      config[entry.key] = value;
      if (isTuning(entry.def)) defaults[entry.key] = value;
    }
  };

  if (fromString) {
    // Before any pair is read: a password holding `?` would make its tail a pair key, quoted as unknown.
    if (userInfoSpan(input) !== undefined) throw userInfoRefusal(ErrorCode.ConnectionStringInvalid);
    const parsed = parseConnectionString(input, (key, a, b) => sameParsedValue(entries.get(key), a, b));
    if (parsed.type !== definition.type) {
      throw storageError(ErrorCode.ConnectionStringInvalid, `a "${parsed.type}" connection string cannot open a ${definition.type} ${kind}`);
    }
    pathPart = { name: parsed.name, workDir: parsed.workDir };
    if (parsed.name !== undefined && parsed.name !== "" && unused.has("name")) pathName = { name: parsed.name, workDir: parsed.workDir ?? "" };
    const items: Array<{ key: string; value: string }> = [];
    if (parsed.name !== undefined) items.push({ key: "name", value: parsed.name });
    if (parsed.workDir !== undefined) items.push({ key: "work_dir", value: parsed.workDir });
    items.push(...parsed.pairs);
    let previous: PairDefinition | undefined;
    for (const { key, value } of items) {
      const entry = entries.get(key);
      if (entry === undefined) throw unknownPair(definition.type, key, previous, pairs, accepted, usable);
      previous = entry.def;
      let typed: unknown;
      try {
        typed = parsePairValue(entry.def, value, `pair "${key}"`);
      } catch (e) {
        if (isUnused(entry) && isStorageError(e, ErrorCode.InvalidArgument)) {
          badUnused.add(entry.def.name);
          continue;
        }
        throw asConnectionStringError(e);
      }
      set(key, entry, typed);
    }
  } else {
    if (input === null || typeof input !== "object") {
      throw storageError(ErrorCode.InvalidArgument, `open options must be an object with a "type", got ${input === null ? "null" : typeof input}`);
    }
    for (const [key, value] of Object.entries(input)) {
      if (key === "type" || value === undefined) continue;
      const entry = entries.get(key);
      if (entry === undefined) {
        throw storageError(ErrorCode.PairUnsupported, `option ${shown(key)} is not supported when opening a ${definition.type} ${kind}${didYouMean(key, usable)}; accepted: ${accepted}`);
      }
      let checked: unknown;
      try {
        checked = checkPairValue(entry.def, value, `option "${key}"`);
      } catch (e) {
        if (!(isUnused(entry) && isStorageError(e, ErrorCode.InvalidArgument))) throw e;
        badUnused.add(entry.def.name);
        continue;
      }
      set(key, entry, checked);
    }
  }

  refuseUserInfo([config["name"], pathName?.name], fromString, pathPart);
  const requires = (kind === "storager" ? definition.storagerRequires : definition.servicerRequires) ?? [];
  const hint = pathName === undefined ? "" : noNameHint(definition.type, pathName);
  for (const name of requires) {
    const key = camelCase(name);
    if (config[key] === undefined || config[key] === "") {
      const alias = key === name ? "" : ` (${key})`;
      throw storageError(ErrorCode.PairRequired, `opening a ${definition.type} ${kind} requires pair "${name}"${alias}${hint}`);
    }
  }
  if (pathName !== undefined) {
    throw storageError(ErrorCode.ConnectionStringInvalid, `a ${definition.type} connection string takes no name before the work_dir${hint}`);
  }
  refuseUnused(definition, config, defaults, unused, config.enableLoosePair === true, kind, badUnused);

  try {
    config.workDir = normalizeWorkDir((config.workDir as string | undefined) ?? "/");
  } catch (e) {
    throw fromString ? asConnectionStringError(e) : e;
  }
  if (kind === "servicer") refuseBucketPairs(definition.type, config, config.enableLoosePair === true);
  return { config: config as OpenConfig, pairs, defaults, loose: config.enableLoosePair === true };
}

/**
 * Refuses a bucket name or a work_dir (other than `/`) given to a servicer: its calls name the
 * bucket (`get(name, { workDir })`), so these would be dropped, and writes meant for the work_dir
 * would land at the bucket root. With `enable_loose_pair` they are dropped, as other pairs a
 * service has no use for. Never shows their values.
 * @throws PairUnsupported
 */
function refuseBucketPairs(type: string, config: Record<string, unknown>, loose: boolean): void {
  const given = [config["name"] !== undefined && config["name"] !== "" ? "name" : undefined, config["workDir"] !== "/" ? "work_dir" : undefined];
  for (const pair of given) {
    if (pair === undefined) continue;
    if (!loose) {
      const instead = pair === "name" ? "name the bucket in each call (get, create, delete)" : 'pass it to get(name, { workDir })';
      throw storageError(ErrorCode.PairUnsupported, `pair "${pair}" is not supported when opening a ${type} servicer (it would be ignored): ${instead}`);
    }
  }
  delete config["name"];
  config["workDir"] = "/";
}

/**
 * Refuses a name holding `@`: URL user information (`cos://AK:SK@bucket/`) is no name, and what is
 * before the `@` may be a secret, which the driver's own name check would quote. Never shows it.
 * A connection string's path part (`path`) is read by structure: a name holding `:` (a Windows
 * drive, `C:`, aside) followed by an `@` in the work_dir is user information whose password holds
 * `/` (`cos://AKID:wJal/K7MD@bucket/dir/`: the name `AKID:wJal` would be quoted), refused too. A
 * string whose password holds `?` is refused before its pairs are read (see `resolve`).
 * @throws ConnectionStringInvalid (string input), InvalidArgument (object input)
 */
function refuseUserInfo(names: readonly unknown[], fromString: boolean, path?: { name?: string | undefined; workDir?: string | undefined }): void {
  const code = fromString ? ErrorCode.ConnectionStringInvalid : ErrorCode.InvalidArgument;
  if (names.some((n) => typeof n === "string" && n.includes("@"))) {
    throw storageError(
      code,
      'the name holds "@": URL user information (a user or password and "@" before the bucket name) is not taken, and the name is not shown (it may hold a secret); credentials go in the "credential" pair',
    );
  }
  const name = path?.name ?? "";
  if (name.includes(":") && !/^[A-Za-z]:$/.test(name) && (path?.workDir ?? "").includes("@")) throw userInfoRefusal(code);
}

/** The refusal of a connection string's path part holding URL user information: nothing of it quoted. */
function userInfoRefusal(code: ErrorCode): StorageError {
  return storageError(
    code,
    'the path part holds URL user information (a user, ":", a password, which may hold "/" or "?", and "@" before the bucket name): it is not taken, and the name, work_dir and pairs are not shown (they may hold a secret); credentials go in the "credential" pair',
  );
}

/**
 * The error for an unknown connection-string key. A key right after a secret pair is not shown
 * unless it names a pair of another scope: it is most likely the tail of that secret, cut at an
 * unencoded `&`.
 */
function unknownPair(type: string, key: string, previous: PairDefinition | undefined, pairs: PairSet, accepted: string, usable: readonly string[]): StorageError {
  const name = key.replace(/-/g, "_");
  const known = Object.values(pairs).some((def) => def.name === name);
  if (previous?.secret === true && !known) {
    return storageError(
      ErrorCode.ConnectionStringInvalid,
      `unknown pair (not shown) right after the secret pair "${previous.name}" in a ${type} connection string: ` +
        `if the secret contains "&", percent-encode it as %26; accepted: ${accepted}`,
    );
  }
  return storageError(ErrorCode.ConnectionStringInvalid, `unknown pair ${shown(key)} in a ${type} connection string${hintFor(key, name, pairs, usable)}; accepted: ${accepted}`);
}

/**
 * What to write instead of `key` (`name`: it with `-` made `_`): for an option of calls (`storage_class`), the connection-string
 * pair that sets its default (`default_storage_class`), or that it is no connection-string pair;
 * for a dashed name (go-storage's service pages spell some so), the underscored one; else a close
 * name ({@link didYouMean}).
 */
function hintFor(key: string, name: string, pairs: PairSet, usable: readonly string[]): string {
  if (!shown(name).startsWith('"')) return "";
  if (name !== key && usable.includes(name)) return `: did you mean "${name}"?`;
  const ofCalls = Object.values(pairs).find((def) => def.name === name && !def.operations.includes("new"));
  if (ofCalls === undefined) return didYouMean(key, usable);
  const fallback = `default_${name}`;
  return usable.includes(fallback)
    ? `: "${name}" is an option of calls, not of opening; its default for every call is "${fallback}"`
    : `: "${name}" is an option of calls (${ofCalls.operations.join(", ")}), not of opening`;
}

/** `: did you mean "x"?` for a name close to one of `usable`, else nothing (a shown name only: never a pasted secret). */
function didYouMean(key: string, usable: readonly string[]): string {
  const close = shown(key).startsWith('"') ? closestName(key, usable) : undefined;
  return close === undefined ? "" : `: did you mean "${close}"?`;
}

/**
 * Refuses the given open pairs the service does not use (`PairUnsupported`), whatever their value
 * (`badValues`: those whose value did not even parse); with `enable_loose_pair` they are dropped
 * instead, so the driver never sees them.
 */
function refuseUnused(
  definition: ServiceDefinition,
  config: Record<string, unknown>,
  defaults: Record<string, unknown>,
  unused: ReadonlySet<string>,
  loose: boolean,
  kind: string,
  badValues: ReadonlySet<string>,
): void {
  for (const name of unused) {
    const key = camelCase(name);
    if (!badValues.has(name) && (config[key] === undefined || (name === "name" && config[key] === ""))) continue;
    if (!loose) {
      throw storageError(ErrorCode.PairUnsupported, `pair "${name}" is not supported when opening a ${definition.type} ${kind} (it would be ignored)`);
    }
    delete config[key];
    delete defaults[key];
  }
}

/**
 * Whether two different texts of one connection-string key parse to one value for its pair
 * (`1` and `01` of an integer, `true` and `t` of a boolean, `1MiB` and `1048576` of a size): false
 * for a string pair (its text is its value) or a text that does not parse (the repeat is then
 * refused as it stands). True for a key that is no pair of the service: it is refused as unknown
 * next, which says more than "given twice".
 */
function sameParsedValue(entry: OpenEntry | undefined, a: string, b: string): boolean {
  if (entry === undefined) return true;
  if (entry.def.type === "string") return false;
  let first: unknown;
  let second: unknown;
  try {
    first = parsePairValue(entry.def, a);
    second = parsePairValue(entry.def, b);
  } catch {
    return false;
  }
  if (first instanceof Uint8Array && second instanceof Uint8Array) return Buffer.compare(first, second) === 0;
  return isDeepStrictEqual(first, second);
}

function asConnectionStringError(e: unknown): unknown {
  if (!isStorageError(e) || e.code !== ErrorCode.InvalidArgument) return e;
  return storageError(ErrorCode.ConnectionStringInvalid, (e as StorageError).detail);
}

/**
 * The hint for a name given to a service without names (`fs://tmp/data`): three slashes, unless
 * the "name" shows a relative, home or Windows directory (or a host), which three slashes would
 * turn into a directory under `/` that was not meant.
 */
function noNameHint(type: string, at: { name: string; workDir: string }): string {
  const start = `; ${type} has no names, so "${at.name}" is not a directory`;
  if (at.name === "localhost") return `${start}: did you mean ${type}://${at.workDir || "/<absolute dir>"} (no host)?`;
  if (at.name === "." || at.name === ".." || at.name === "~" || /^[A-Za-z]:/.test(at.name)) {
    return `${start}: ${type} needs an absolute POSIX directory, ${type}:///<absolute dir> (relative paths, ~ and Windows drives are not expanded)`;
  }
  return `${start}: did you mean ${type}:///${at.name}${at.workDir} (three slashes)?`;
}
