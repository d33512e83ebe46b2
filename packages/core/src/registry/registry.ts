import { ErrorCode } from "../errors/error-code.js";
import { isStorageError, storageError, type StorageError } from "../errors/storage-error.js";
import { snakeCase } from "../operations.js";
import { globalPairs } from "../pairs/global-pairs.js";
import type { PairSet } from "../pairs/pair-definition.js";
import { resolveOpenConfig } from "../pairs/open-config.js";
import { closestName } from "../pairs/suggest.js";
import type { Servicer } from "../servicer.js";
import { createServicer } from "../storager/create-servicer.js";
import { createStorager } from "../storager/create-storager.js";
import type { Given } from "../extra-options.js";
import type { ExtraOptions, Storager } from "../storager.js";
import type { StorageLimits } from "../features.js";
import { openPartSizeProblem } from "../pairs/open-part-size.js";
import { isEnvironmentRefusal } from "./environment-refusal.js";
import { parseConnectionString } from "./connection-string.js";
import type { ServiceDefinition } from "./service-definition.js";
import { sharedServices } from "./shared-registry.js";

/** What `newStorager`/`newServicer` accept: a connection string or `{ type, ...camelCaseOptions }`. */
export type OpenInput = string | ({ type: string } & Record<string, unknown>);

// One registry per process, shared by every copy of core (see shared-registry.ts): a driver that
// resolved another copy of @stowage/core than the application still registers where it opens.
const services = sharedServices();
const TYPE = /^[a-z][a-z0-9+.-]*$/;

function invalidDefinition(message: string): never {
  throw storageError(ErrorCode.InvalidArgument, message, { op: "register_service" });
}

/** Checks a definition's shape and its pairs before it is registered. */
function checkDefinition(definition: ServiceDefinition): void {
  if (definition === null || typeof definition !== "object") invalidDefinition("a service definition must be an object");
  const { type } = definition;
  if (typeof type !== "string" || !TYPE.test(type)) {
    invalidDefinition(`service type ${JSON.stringify(type)} must match ${String(TYPE)}`);
  }
  if (typeof definition.newStorageDriver !== "function") invalidDefinition(`service "${type}" has no newStorageDriver function`);
  if (definition.newServiceDriver !== undefined && typeof definition.newServiceDriver !== "function") {
    invalidDefinition(`service "${type}": newServiceDriver must be a function`);
  }
  if (typeof definition.packageName !== "string") invalidDefinition(`service "${type}": packageName must be a string`);
  if (typeof definition.description !== "string") invalidDefinition(`service "${type}": description must be a string`);
  const pairs = definition.pairs ?? {};
  if (pairs === null || typeof pairs !== "object" || Array.isArray(pairs)) {
    invalidDefinition(`service "${type}": pairs must be an object of pair definitions`);
  }
  for (const field of ["storagerRequires", "servicerRequires", "unusedPairs"] as const) {
    const names: unknown = definition[field];
    if (names !== undefined && (!Array.isArray(names) || !names.every((n) => typeof n === "string"))) {
      invalidDefinition(`service "${type}": ${field} must be an array of pair names`);
    }
  }
  const globals: PairSet = globalPairs;
  const globalNames = new Set<string>(Object.values(globals).map((p) => p.name));
  const newNames = new Set<string>(Object.values(globals).filter((p) => p.operations.includes("new")).map((p) => p.name));
  for (const [key, def] of Object.entries(pairs)) {
    if (!def || typeof def.name !== "string" || !Array.isArray(def.operations)) {
      invalidDefinition(`service "${type}": pair "${key}" is not a pair definition (use definePair)`);
    }
    if (Object.prototype.hasOwnProperty.call(globalPairs, key) || globalNames.has(def.name)) {
      invalidDefinition(`service "${type}" defines pair "${key}", which is a global pair`);
    }
    if (snakeCase(key) !== def.name) {
      invalidDefinition(`service "${type}": pair key "${key}" does not match its name "${def.name}" (expected "${snakeCase(key)}")`);
    }
    if (def.operations.includes("new")) newNames.add(def.name);
  }
  for (const name of [...(definition.storagerRequires ?? []), ...(definition.servicerRequires ?? [])]) {
    if (!newNames.has(name)) invalidDefinition(`service "${type}" requires "${name}", which is not an open-time pair`);
  }
  const required = new Set([...(definition.storagerRequires ?? []), ...(definition.servicerRequires ?? [])]);
  for (const name of definition.unusedPairs ?? []) {
    const global = Object.values(globals).find((p) => p.name === name);
    if (global === undefined || !global.operations.includes("new") || name === "work_dir" || name === "enable_loose_pair") {
      invalidDefinition(`service "${type}" lists "${name}" as unused, which is not a global open-time pair it may refuse`);
    }
    if (required.has(name)) invalidDefinition(`service "${type}" both requires and refuses "${name}"`);
  }
}

/**
 * Registers a service (drivers call this when their package is imported) in the registry every
 * copy of core in the process shares. Registering the same definition object again is a no-op, and
 * so is a definition of an already registered type from the same package (a second installed copy
 * of the driver): the first registration stays.
 * @throws StorageError `InvalidArgument` for a malformed definition (not an object; a `type`,
 *   `packageName`, `description`, factory, `pairs` or pair-name list of the wrong type or form), a
 *   driver pair that clashes with a global pair, or a definition for a type another package registered.
 */
export function registerService(definition: ServiceDefinition): void {
  checkDefinition(definition);
  const existing = services.get(definition.type);
  if (existing === definition || existing?.packageName === definition.packageName) return;
  if (existing !== undefined) {
    invalidDefinition(`service "${definition.type}" is already registered (by ${existing.packageName})`);
  }
  services.set(definition.type, definition);
}

/** Removes a registration (for tests). Unknown types are ignored. @throws nothing */
export function unregisterService(type: string): void {
  services.delete(type);
}

/** The definition registered for `type`, if any. @throws nothing */
export function getService(type: string): ServiceDefinition | undefined {
  return services.get(type);
}

/** Every registered definition, in registration order. @throws nothing */
export function listServices(): ServiceDefinition[] {
  return [...services.values()];
}

/** The type named by an open input, and its definition. */
function lookup(conn: OpenInput, op: string): ServiceDefinition {
  let type: unknown;
  if (typeof conn === "string") {
    try {
      // Only the type: repeated keys are compared by `resolveOpenConfig`, which knows their pairs (1 and 01 are one value).
      type = parseConnectionString(conn, () => true).type;
    } catch (e) {
      throw isStorageError(e) ? e.withContext({ op }) : e;
    }
  } else if (conn !== null && typeof conn === "object") {
    type = conn.type;
    if (typeof type !== "string" || type === "") {
      throw storageError(ErrorCode.InvalidArgument, 'open options need a "type" string (the service scheme, e.g. "fs")', { op });
    }
  } else {
    throw storageError(ErrorCode.InvalidArgument, `expected a connection string or { type, ...options }, got ${conn === null ? "null" : typeof conn}`, { op });
  }
  const definition = services.get(type as string);
  if (definition === undefined) {
    const shown = TYPE.test(type as string) ? (type as string) : "";
    throw storageError(ErrorCode.ServiceNotRegistered, `no service registered for ${JSON.stringify(type)}${unregisteredHint(shown)}`, {
      op,
      service: shown || undefined,
    });
  }
  return definition;
}

/** The schemes of the drivers Stowage publishes, each as `@stowage/<scheme>`. */
const PUBLISHED_SCHEMES: readonly string[] = ["cos", "oss", "qingstor", "fs", "memory"];

/** Schemes people write for a published one that no edit distance finds (`file://` for `fs://`). */
const SCHEME_ALIASES: Readonly<Record<string, string>> = { file: "fs", mem: "memory", qs: "qingstor" };

/**
 * What the message of an unknown scheme adds: for a scheme Stowage publishes, the package to install
 * and import; else the nearest known scheme (registered or published), if one is close; then the
 * schemes registered now. A package is named only for a published scheme: `@stowage/s3` does not exist.
 * `type` is `""` when it is not even shaped like a scheme (nothing of it is repeated then).
 */
function unregisteredHint(type: string): string {
  const registered = [...services.keys()];
  const listed = registered.length === 0 ? "none is registered yet" : `registered: ${registered.join(", ")}`;
  if (PUBLISHED_SCHEMES.includes(type)) return `: install and import @stowage/${type} (${listed})`;
  const near = type === "" ? undefined : ((Object.hasOwn(SCHEME_ALIASES, type) ? SCHEME_ALIASES[type] : undefined) ?? closestName(type, new Set([...registered, ...PUBLISHED_SCHEMES])));
  // A type not even shaped like a scheme gets no package named: it is no scheme of any.
  const where = type === "" ? "" : ", each in @stowage/<scheme>";
  if (near === undefined) return ` (${listed}; Stowage's drivers are ${PUBLISHED_SCHEMES.join(", ")}${where})`;
  if (registered.includes(near)) return `: did you mean "${near}"? (${listed})`;
  return `: did you mean "${near}"? install and import @stowage/${near} (${listed})`;
}

/**
 * Refuses an open-time `part_size` above the service's largest part (see `openPartSizeProblem`):
 * `ConnectionStringInvalid` naming `part_size` when `conn` is a connection string, else
 * `InvalidArgument` naming `partSize`, as other values out of range are.
 */
function refuseOpenPartSize(conn: OpenInput, defaults: Readonly<Record<string, unknown>>, limits: Readonly<StorageLimits>, service: string): void {
  const problem = openPartSizeProblem(defaults, limits, service);
  if (problem === undefined) return;
  const [code, label] = typeof conn === "string" ? [ErrorCode.ConnectionStringInvalid, 'pair "part_size"'] : [ErrorCode.InvalidArgument, 'option "partSize"'];
  throw storageError(code, `invalid value for ${label}: ${problem}`, { op: "new_storager", service });
}

/**
 * Runs a driver factory or core constructor, turning whatever it throws into a StorageError. Every
 * value a connection string opens with came from the string, so there a driver's `InvalidArgument`
 * (a bucket name it cannot address, an SSE-C key of the wrong length) is `ConnectionStringInvalid`,
 * as core's own pair checks make it (docs/errors.md), its cause kept; not a refusal of what the
 * environment holds (`credential=env`: {@link isEnvironmentRefusal}), which stays `InvalidArgument`.
 */
function guard<T>(op: string, service: string, conn: OpenInput, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (!isStorageError(e)) throw storageError(ErrorCode.Unexpected, `opening ${service} failed unexpectedly`, { op, service, cause: e });
    const error = (e as StorageError).withContext({ op, service });
    if (typeof conn !== "string" || error.code !== ErrorCode.InvalidArgument || isEnvironmentRefusal(e)) throw error;
    throw storageError(ErrorCode.ConnectionStringInvalid, error.detail, { op: error.op, service: error.service, cause: error.cause });
  }
}

/**
 * Opens a storager from a connection string (`cos://bucket/dir/?credential=...`)
 * or an options object (`{ type: "fs", workDir: "/tmp/x/" }`). Synchronous; no network.
 * @throws ServiceNotRegistered (unknown scheme), ConnectionStringInvalid, PairUnsupported,
 *   PairRequired, InvalidArgument, and whatever the driver throws while building
 *   (non-StorageErrors become Unexpected; its `InvalidArgument` is `ConnectionStringInvalid` when
 *   `conn` is a connection string); all with op `new_storager`.
 */
export function newStorager<X extends ExtraOptions = ExtraOptions>(conn: OpenInput): Storager<Given<X>> {
  const op = "new_storager";
  const definition = lookup(conn, op);
  const resolved = resolveOpenConfig(definition, conn, "storager");
  const driver = guard(op, definition.type, conn, () => definition.newStorageDriver(resolved.config, resolved.defaults));
  guard(op, definition.type, conn, () => refuseOpenPartSize(conn, resolved.defaults, driver.features.limits, definition.type));
  return guard(op, definition.type, conn, () => createStorager(driver, { definition, ...resolved })) as unknown as Storager<Given<X>>;
}

/**
 * Opens a servicer (bucket manager) like {@link newStorager}.
 * @throws CapabilityInsufficient when the service has no servicer, plus the errors of {@link newStorager}
 *   (with op `new_servicer`).
 */
export function newServicer<X extends ExtraOptions = ExtraOptions>(conn: OpenInput): Servicer<Given<X>> {
  const op = "new_servicer";
  const definition = lookup(conn, op);
  const newServiceDriver = definition.newServiceDriver;
  if (newServiceDriver === undefined) {
    throw storageError(ErrorCode.CapabilityInsufficient, `${definition.type} has no servicer (bucket operations)`, {
      op,
      service: definition.type,
    });
  }
  const resolved = resolveOpenConfig(definition, conn, "servicer");
  const driver = guard(op, definition.type, conn, () => newServiceDriver.call(definition, resolved.config));
  return guard(op, definition.type, conn, () => createServicer(driver, { definition, ...resolved })) as unknown as Servicer<Given<X>>;
}
