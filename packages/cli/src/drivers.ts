import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { ErrorCode, getService, registerService, storageError, type ServiceDefinition } from "@stowage/core";
import { fsService } from "@stowage/fs";
import { memoryService } from "@stowage/memory";

/** Schemes the CLI ships with; every other scheme is imported on demand as `@stowage/<scheme>`. */
export const BUNDLED_SCHEMES: readonly string[] = ["fs", "memory"];

/**
 * Every scheme the CLI opens without anything installed: the bundled ones, and the drivers it
 * depends on (`@stowage/cos`, `@stowage/oss`, `@stowage/qingstor`), imported the first time used.
 */
export const KNOWN_SCHEMES: readonly string[] = [...BUNDLED_SCHEMES, "cos", "oss", "qingstor"];

const SCHEME = /^[a-z][a-z0-9+.-]*$/;

/**
 * Registers the bundled drivers (idempotent).
 * @throws StorageError `InvalidArgument` when another package registered `fs` or `memory` first (core `registerService`)
 */
export function registerBundledDrivers(): void {
  registerService(fsService);
  registerService(memoryService);
}

function isDefinition(value: unknown, type: string): value is ServiceDefinition {
  return (
    value !== null &&
    typeof value === "object" &&
    (value as ServiceDefinition).type === type &&
    typeof (value as ServiceDefinition).newStorageDriver === "function"
  );
}

function isMissingModule(e: unknown, pkg: string): boolean {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  const message = e instanceof Error ? e.message : "";
  return (code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND") && message.includes(pkg);
}

/** The entry file of `pkg` in the nearest `node_modules` above `cwd`, if one is installed there. */
function findInstalled(pkg: string, cwd: string): string | undefined {
  for (let dir = cwd; ; dir = dirname(dir)) {
    const manifest = join(dir, "node_modules", ...pkg.split("/"), "package.json");
    if (existsSync(manifest)) {
      const json = JSON.parse(readFileSync(manifest, "utf8")) as { exports?: unknown; main?: string };
      const dot = (json.exports as Record<string, unknown> | undefined)?.["."];
      const entry =
        typeof dot === "string" ? dot : ((dot as { import?: string; default?: string } | undefined)?.import ?? (dot as { default?: string } | undefined)?.default ?? json.main ?? "index.js");
      return join(dirname(manifest), entry);
    }
    if (dirname(dir) === dir) return undefined;
  }
}

/**
 * Makes sure a driver is registered for `type`: bundled schemes are always
 * there; any other is imported as `@stowage/<type>` (from the CLI's own
 * dependencies, else from a `node_modules` above `cwd`). A package that
 * registers into another copy of core is registered here from its exported
 * definition. `path`, the location's absolute path when it has no host, makes the hint for a
 * `file://` location name the `fs:///...` string meant.
 * @throws ServiceNotRegistered when no package provides the scheme; Unexpected when it fails to load.
 */
export async function ensureDriver(type: string, cwd: string = process.cwd(), path?: string): Promise<void> {
  registerBundledDrivers();
  if (getService(type) !== undefined) return;
  if (!SCHEME.test(type)) {
    throw storageError(ErrorCode.ConnectionStringInvalid, `"${type}" is not a valid scheme`, { op: "open" });
  }
  const pkg = `@stowage/${type}`;
  let loaded: Record<string, unknown> | undefined;
  try {
    loaded = (await import(pkg)) as Record<string, unknown>;
  } catch (e) {
    if (!isMissingModule(e, pkg)) {
      throw storageError(ErrorCode.Unexpected, `loading the driver ${pkg} failed`, { op: "open", service: type, cause: e });
    }
    const entry = findInstalled(pkg, cwd);
    if (entry !== undefined) loaded = (await import(pathToFileURL(entry).href)) as Record<string, unknown>;
  }
  if (loaded !== undefined && getService(type) === undefined) {
    const definition = Object.values(loaded).find((v) => isDefinition(v, type));
    if (definition !== undefined) registerService(definition as ServiceDefinition);
  }
  if (getService(type) === undefined) {
    throw storageError(ErrorCode.ServiceNotRegistered, `no driver for "${type}://" (${whyNot(type, pkg, loaded !== undefined, path)})`, {
      op: "open",
      service: type,
    });
  }
}

/** The reason (and the way out) for a scheme no driver registered. */
function whyNot(type: string, pkg: string, loaded: boolean, path: string | undefined): string {
  const known = `the CLI opens ${KNOWN_SCHEMES.slice(0, -1).join(", ")} and ${KNOWN_SCHEMES[KNOWN_SCHEMES.length - 1]}`;
  if (type === "file") {
    const meant = path === undefined ? "fs:///<absolute dir>" : `fs://${path}`;
    return `${known}; local files are opened with fs: did you mean ${meant} (or a plain local path)?`;
  }
  if (loaded) return `${pkg} was found but did not register "${type}"; ${known}`;
  return `${known}; for another scheme it loads a driver package named ${pkg} from a node_modules above the current directory, and there is none`;
}
